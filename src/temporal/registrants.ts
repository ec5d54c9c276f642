// How events and the app's requests reach a registrant's workflow: by signal-with-start, which needs only the
// Temporal server (no worker), so the caller gets its answer fast and the event is durable once the call returns.
// The gateway, the reconciliation sweep and the tools all go this way, each call within a deadline.
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import type { RegistrationEvent } from '../domain/registration';
import { registrantStaticDetails } from '../workflows/registrant/details';
import { registrationEventSignal } from '../workflows/registrant/messages';
import { REGISTRANT_WORKFLOW_TYPE, registrantWorkflowId, searchAttributes } from '../workflows/registrant/names';
import type { registrantWorkflow } from '../workflows/registrant/workflow';

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

export interface RegistrantRef {
  webinarId: string;
  registrantId: string;
}

/**
 * Sends a signal to a registrant's workflow, starting it if it is not running: the one way events and API requests
 * reach a registrant, so that they never race each other.
 */
export async function signalRegistrant<Arg>(
  client: Client,
  taskQueue: string,
  { webinarId, registrantId }: RegistrantRef,
  signal: SignalDefinition<[Arg]>,
  arg: Arg,
): Promise<string> {
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
      staticDetails: registrantStaticDetails(webinarId, registrantId),
    }),
  );
  return workflowId;
}

export function ingestRegistrationEvent(client: Client, taskQueue: string, event: RegistrationEvent): Promise<string> {
  const ref = { webinarId: event.webinarId, registrantId: event.registrant.id };
  return signalRegistrant(client, taskQueue, ref, registrationEventSignal, event);
}
