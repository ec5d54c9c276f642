// Events handed to Temporal the gateway's own way. Zoom redelivers what the gateway could not hand over in time (a
// 503); the benchmarks, which send bursts no gateway would see alone, retry at once instead, for a minute at most.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { RegistrationEvent } from '../src/domain/registration';
import { TemporalUnavailableError } from '../src/temporal/deadline';
import { ingestRegistrationEvent } from '../src/temporal/registrant-signals';

export async function ingestUntilAccepted(client: Client, taskQueue: string, event: RegistrationEvent): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await ingestRegistrationEvent(client, taskQueue, event);
      return;
    } catch (err) {
      if (!(err instanceof TemporalUnavailableError) || Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}
