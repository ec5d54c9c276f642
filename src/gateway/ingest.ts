// Hands registration events (and the app's requests) to their registrant's workflow. signalWithStart needs only the Temporal server (no
// worker), so Zoom gets its answer fast, and the event is durable once it returns.
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { registrationEventSignal } from '../workflows/messages';
import type { registrantWorkflow } from '../workflows/registrant-workflow';
import { REGISTRANT_WORKFLOW_TYPE, registrantWorkflowId, searchAttributes } from '../shared';
import type { RegistrationEvent } from '../zoom/webhook';

/** Every Temporal call on the webhook path ends by then, so Zoom always gets an answer within 2 s. */
export const TEMPORAL_DEADLINE_MS = 1_500;

export class TemporalUnavailableError extends Error {
  override name = 'TemporalUnavailableError';
}

/** Runs `call` with a gRPC deadline, and gives up locally too in case connecting itself hangs. */
export async function withTemporalDeadline<T>(client: Client, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new TemporalUnavailableError('Temporal did not answer in time')),
      TEMPORAL_DEADLINE_MS + 200,
    );
  });
  try {
    return await Promise.race([client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, call), timeout]);
  } catch (err) {
    throw err instanceof TemporalUnavailableError ? err : new TemporalUnavailableError(String(err));
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Sends a signal to a registrant's workflow, starting it if it is not running: the one way events and API requests
 * reach a registrant, so that they never race each other.
 */
export async function signalRegistrantWorkflow<Arg>(
  client: Client,
  taskQueue: string,
  target: { webinarId: string; registrantId: string },
  signal: SignalDefinition<[Arg]>,
  arg: Arg,
): Promise<string> {
  const { webinarId, registrantId } = target;
  const workflowId = registrantWorkflowId(webinarId, registrantId);
  await withTemporalDeadline(client, () =>
    client.workflow.signalWithStart<typeof registrantWorkflow, [Arg]>(REGISTRANT_WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [{ webinarId, registrantId }],
      signal,
      signalArgs: [arg],
      typedSearchAttributes: [
        { key: searchAttributes.webinarId, value: webinarId },
        { key: searchAttributes.registrantId, value: registrantId },
      ],
      staticSummary: `Zoom registrant ${registrantId} of webinar ${webinarId}`,
    }),
  );
  return workflowId;
}

export function ingestRegistrationEvent(client: Client, taskQueue: string, event: RegistrationEvent): Promise<string> {
  return signalRegistrantWorkflow(
    client,
    taskQueue,
    { webinarId: event.webinarId, registrantId: event.registrant.id },
    registrationEventSignal,
    event,
  );
}
