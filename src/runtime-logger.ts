// The Temporal SDK's own logs and the activities' (`log` from @temporalio/activity) go through the worker's Runtime:
// this writes them with pino like every other line of the process.
import { DefaultLogger, type LogLevel } from '@temporalio/worker';
import type { Logger } from 'pino';

const PINO_METHOD = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

export function runtimeLogger(target: Logger, level: LogLevel = 'INFO'): DefaultLogger {
  return new DefaultLogger(level, ({ level: entryLevel, message, meta }) => {
    target[PINO_METHOD[entryLevel]](meta ?? {}, message);
  });
}
