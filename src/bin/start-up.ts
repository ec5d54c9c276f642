// How the long-running entry points (worker, gateway, codec server) end when they cannot start.
import { ConfigError } from '../config';
import { logger } from '../logger';
import { TemporalUnreachableError } from '../temporal/connection';

/** A start-up problem is one line that says what to do; anything else keeps its stack. Then exit 1. */
export function failedToStart(what: string): (err: unknown) => never {
  return (err) => {
    if (err instanceof TemporalUnreachableError || err instanceof ConfigError) logger.error(err.message);
    else logger.error({ err }, `${what} failed`);
    process.exit(1);
  };
}
