// How events and the app's requests reach a registrant's workflow: by signal-with-start, which needs only the
// Temporal server (no worker), so the caller gets its answer fast and the event is durable once the call returns.
// The gateway, the reconciliation sweep and the tools all go this way, each call within Temporal's deadline.
import type { Client } from '@temporalio/client';
import type { SignalDefinition } from '@temporalio/common';
import { stateListedAfter, type ListedState, type RegistrationEvent } from '../domain/registration';
import { describeZoomEvent, type ZoomEvent } from '../domain/zoom-event';
import { registrantStaticDetails } from '../workflows/registrant/details';
import { registrationEventSignal } from '../workflows/registrant/messages';
import {
  REGISTRANT_WORKFLOW_TYPE,
  registrantWorkflowId,
  searchAttributes,
  zoomEventIdAttribute,
} from '../workflows/registrant/names';
import type { registrantWorkflow } from '../workflows/registrant/workflow';
import { withTemporalDeadline } from './deadline';

/** A registrant, by the Zoom event they registered for and Zoom's id of them. */
export interface RegistrantRef {
  zoomEvent: ZoomEvent;
  registrantId: string;
}

/**
 * Sends a signal to a registrant's workflow, starting it if it is not running: the one way events and API requests
 * reach a registrant, so that they never race each other. `listedState` is the state a new run lists once it has
 * taken `arg`.
 */
export async function signalRegistrant<Arg>(
  client: Client,
  taskQueue: string,
  { zoomEvent, registrantId }: RegistrantRef,
  signal: SignalDefinition<[Arg]>,
  arg: Arg,
  listedState: ListedState,
): Promise<string> {
  const workflowId = registrantWorkflowId(zoomEvent, registrantId);
  await withTemporalDeadline(client, () =>
    client.workflow.signalWithStart<typeof registrantWorkflow, [Arg]>(REGISTRANT_WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [{ zoomEvent, registrantId }],
      signal,
      signalArgs: [arg],
      typedSearchAttributes: [
        { key: zoomEventIdAttribute(zoomEvent.kind), value: zoomEvent.id },
        { key: searchAttributes.registrantId, value: registrantId },
        // What the run lists once it has taken `arg` (a start is free, an upsert is billed): it then upserts nothing.
        { key: searchAttributes.registrationState, value: listedState },
      ],
      staticSummary: `Zoom registrant ${registrantId} of ${describeZoomEvent(zoomEvent)}`,
      staticDetails: registrantStaticDetails(zoomEvent, registrantId),
    }),
  );
  return workflowId;
}

export function ingestRegistrationEvent(client: Client, taskQueue: string, event: RegistrationEvent): Promise<string> {
  const ref = { zoomEvent: event.zoomEvent, registrantId: event.registrant.id };
  return signalRegistrant(client, taskQueue, ref, registrationEventSignal, event, stateListedAfter(event));
}
