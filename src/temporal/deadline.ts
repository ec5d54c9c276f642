// Every call the gateway, the sweep and the tools make to Temporal ends within a deadline: on the webhook path, Zoom
// must get its answer within 2 s, and a readiness probe must not hang.
import type { Client } from '@temporalio/client';

/** Every such call ends by then: on the webhook path, Zoom gets an answer within 2 s. */
export const TEMPORAL_DEADLINE_MS = 1_500;

export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/** Runs `call` with a gRPC deadline, and gives up locally too in case connecting itself hangs. */
export async function withTemporalDeadline<T>(client: Client, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TemporalUnavailableError(`Temporal did not answer within ${TEMPORAL_DEADLINE_MS} ms`)),
      TEMPORAL_DEADLINE_MS + 200,
    );
  });
  try {
    return await Promise.race([client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, call), timeout]);
  } catch (err) {
    if (err instanceof TemporalUnavailableError) throw err;
    throw new TemporalUnavailableError(`Temporal did not accept the call: ${String(err)}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
