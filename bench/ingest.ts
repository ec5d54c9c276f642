// Events handed to Temporal the gateway's own way. Zoom redelivers what the gateway could not hand over in time (a
// 503); the benchmarks, which send bursts no gateway would see alone, retry at once instead.
import type { Client } from '@temporalio/client';
import type { RegistrationEvent } from '../src/domain/registration';
import { ingestRegistrationEvent, TemporalUnavailableError } from '../src/gateway/temporal';

export async function ingestUntilAccepted(client: Client, taskQueue: string, event: RegistrationEvent): Promise<void> {
  for (;;) {
    try {
      await ingestRegistrationEvent(client, taskQueue, event);
      return;
    } catch (err) {
      if (!(err instanceof TemporalUnavailableError)) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
