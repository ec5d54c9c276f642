// One way for the worker, the gateway and the operators' CLI to reach Temporal, and one way to say that it could not
// be reached: with the address and the variable that set it, at start-up rather than at the first webhook.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { TemporalConfig } from '../config';
import { errorMessage } from '../errors';

/** How long a process waits for Temporal at start before it says so (the SDK's own default is 10 s). */
const CONNECT_TIMEOUT_MS = 5_000;

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
}

/** "cannot reach Temporal at 127.0.0.1:7999 (TEMPORAL_ADDRESS): connection refused. Is …" */
export function temporalUnreachable(config: TemporalConfig, err: unknown): TemporalUnreachableError {
  const reason = errorMessage(err);
  const why = /refused/i.test(reason)
    ? 'connection refused'
    : /deadline|timed? ?out/i.test(reason)
      ? `no answer within ${CONNECT_TIMEOUT_MS / 1000} s`
      : reason;
  return new TemporalUnreachableError(
    `cannot reach Temporal at ${config.TEMPORAL_ADDRESS} (TEMPORAL_ADDRESS): ${why}. ` +
      'Is a Temporal server running there? `npm run dev` starts one at 127.0.0.1:7233.',
  );
}

/** A client for the CLI (connected now, so that a wrong address fails at once). */
export async function connectClient(config: TemporalConfig): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    connectTimeout: CONNECT_TIMEOUT_MS,
  }).catch((err: unknown) => {
    throw temporalUnreachable(config, err);
  });
  return { client: new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), connection };
}

/** The worker's connection. */
export async function connectWorker(config: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }).catch((err: unknown) => {
    throw temporalUnreachable(config, err);
  });
}
