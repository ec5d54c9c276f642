// Issue 25's minimal baseline (the cost and settle phases): a registrant workflow that does the same external work as
// ours and nothing else. Each Zoom webhook arrives by signal-with-start; a cancellation is looked up in Zoom once; a
// denied registrant waits out the follow-up window on one timer; the app is told each outcome by one callback. No
// search attributes, no settings read, no shared Zoom budget, no de-duplication window: it ends once its outcome is
// told (after an API cancellation, once Zoom's echo of our write has arrived, with no timer in case it never does). The
// least we could write on Temporal doing the same work, which is what ours is compared with.
// Workflow code: no I/O, and from outside only types and the task queues' names (topology.ts, which has no side
// effects). Below it, the settle phase's least answers to an API cancellation (baselineAnswerWorkflow,
// baselineDurableAnswerWorkflow), and the shared Zoom budget's workflow, which one of them books in.
import {
  condition,
  defineSignal,
  defineUpdate,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import type { AppCallback, CancellationOutcome, Outbound } from '../src/domain/callbacks';
import type { Evidence, LookupEvidence } from '../src/domain/evidence';
import type { CancelledBy, Registrant, RegistrationEvent } from '../src/domain/registration';
import type { ZoomEvent } from '../src/domain/zoom-event';
import type { RegistrantRef } from '../src/temporal/registrant-signals';
import { zoomApiTaskQueue } from '../src/workflows/topology';
import type { BaselineActivities } from './cost-baseline';

export interface BaselineInput {
  zoomEvent: ZoomEvent;
  registrantId: string;
  followUpWindowMs: number;
}

export const baselineEventSignal = defineSignal<[RegistrationEvent]>('baselineEvent');
/** The app's cancellation through the API: the baseline API signals-with-start it and waits for the result. */
export const baselineRequestSignal = defineSignal<[{ by: CancelledBy }]>('baselineRequest');
/** An operator's verdict on a case the evidence does not settle. */
export const baselineResolveUpdate = defineUpdate<void, [CancelledBy]>('baselineResolve');

// The same retries ours has for the same calls; none is expected in the bench. Zoom's calls on a queue of their own,
// as ours are, so that a rate limit on it holds Zoom's calls and nothing else.
const retried: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
};
const { notifyApp, deleteInZoom: deleteAsTask, deleteBookedInZoom } = proxyActivities<BaselineActivities>(retried);
/** Called in a workflow, which knows its task queue. */
const zoomActivities = () =>
  proxyActivities<BaselineActivities>({ ...retried, taskQueue: zoomApiTaskQueue(workflowInfo().taskQueue) });

export async function baselineRegistrantWorkflow({
  zoomEvent,
  registrantId,
  followUpWindowMs,
}: BaselineInput): Promise<void> {
  const { lookupRegistrant, cancelInZoom } = zoomActivities();
  const events: RegistrationEvent[] = [];
  const asked: { request: { by: CancelledBy } | null; verdict: CancelledBy | null } = { request: null, verdict: null };
  setHandler(baselineEventSignal, (event) => void events.push(event));
  setHandler(baselineRequestSignal, (request) => void (asked.request = request));
  setHandler(baselineResolveUpdate, (verdict) => void (asked.verdict = verdict));

  const tell = (
    type: AppCallback['type'],
    registrant: Registrant,
    eventTs: number,
    extra: Partial<CancellationOutcome & { evidence: Evidence }> = {},
  ) => {
    const callback = {
      type,
      timestamp: new Date().toISOString(),
      data: { webinar_id: zoomEvent.id, occurrence_id: null, registrant, event_ts: eventTs, ...extra },
    } as AppCallback;
    const outbound: Outbound = { webhookId: `${workflowInfo().workflowId}/${type}/${eventTs}`, callback };
    return notifyApp(outbound);
  };
  const evidence = (lookup: LookupEvidence, operator: CancelledBy): Evidence => ({
    lookup,
    operator,
    follow_ups: [],
  });

  for (;;) {
    await condition(() => events.length > 0 || asked.request !== null);
    const { request } = asked;
    if (request) {
      // Zoom's write (its lookup, then DELETE or PUT cancel), the callback, and the echo Zoom sends of our own write,
      // which must land here rather than start a run that would take it for a new cancellation.
      const registrant = await cancelInZoom({ zoomEvent, registrantId, by: request.by });
      const outcome: CancellationOutcome = {
        cancelled_by: request.by,
        can_reregister: request.by === 'registrant',
        zoom_status: request.by === 'registrant' ? 'removed' : 'denied',
      };
      await tell('registrant.cancelled', registrant, Date.now(), { ...outcome, evidence: evidence(null, request.by) });
      await condition(() => events.some((e) => e.kind === 'cancelled'));
      return;
    }
    const event = events.shift() as RegistrationEvent;
    if (event.kind !== 'cancelled') {
      await tell(`registrant.${event.kind}`, event.registrant, event.eventTs);
      continue;
    }
    const lookup = await lookupRegistrant({ zoomEvent, registrantId });
    const cancelled = (by: CancelledBy, zoomStatus: CancellationOutcome['zoom_status'], seen: LookupEvidence) =>
      tell('registrant.cancelled', event.registrant, event.eventTs, {
        cancelled_by: by,
        can_reregister: by === 'registrant',
        zoom_status: zoomStatus,
        evidence: evidence(seen, by),
      });
    if (lookup === 'not_found') return cancelled('registrant', 'removed', lookup);
    if (lookup === 'denied') {
      // The follow-up window: an approval within it reinstates the registrant.
      const approved = await condition(() => events.some((e) => e.kind === 'approved'), followUpWindowMs);
      if (!approved) return cancelled('admin', 'denied', lookup);
      const approval = events.find((e) => e.kind === 'approved') as RegistrationEvent;
      await tell('registrant.approved', approval.registrant, approval.eventTs);
      return tell('registrant.reinstated', event.registrant, approval.eventTs);
    }
    // Zoom's answer settles nothing (the webinar is gone): an operator does.
    await tell('registrant.needs_review', event.registrant, event.eventTs, { evidence: evidence(lookup, 'admin') });
    await condition(() => asked.verdict !== null);
    return cancelled(asked.verdict ?? 'admin', 'unknown', lookup);
  }
}

/**
 * How the least answer is asked for and its one Zoom call runs. By update-with-start: the DELETE in an activity (a task
 * of its own, on Zoom's queue) or in a local activity (in the workflow task). Or as our gateway asks, a durable request
 * (signal-with-start) then an update that waits for it: the DELETE in a local activity, in an activity on the
 * workflow's own queue, or in one that first books its call in the shared Zoom budget, as ours does.
 */
export type AnswerCall = 'activity' | 'local activity' | DurableCall;
export type DurableCall = 'durable request' | 'durable request, activity' | 'durable request, booked activity';

/** Issue 25, item 3's least: the app's cancellation answered once Zoom's DELETE is done, and nothing else. */
export const baselineAnswerUpdate = defineUpdate<void, [RegistrantRef & { call: AnswerCall }]>('baselineAnswer');

const { deleteInZoom: deleteLocally } = proxyLocalActivities<BaselineActivities>({
  startToCloseTimeout: '30 seconds',
});

/**
 * The fastest answer we could write on Temporal for an API cancellation that waits for Zoom's write: an
 * update-with-start whose handler makes the DELETE and answers when it returns. No read before the write, no
 * read-back, no callback. As a local activity, the whole answer is one workflow task; as an activity, two (one to
 * schedule it, one to complete the update) and the activity's own task between them.
 */
export async function baselineAnswerWorkflow(): Promise<void> {
  const { deleteInZoom } = zoomActivities();
  let answered = false;
  setHandler(baselineAnswerUpdate, async ({ call, ...target }) => {
    await (call === 'activity' ? deleteInZoom(target) : deleteLocally(target));
    answered = true;
  });
  await condition(() => answered);
}

/** The durable request's half of the least answer: what the app asked, recorded before any worker runs. */
export const baselineAnswerRequestSignal =
  defineSignal<[RegistrantRef & { call: DurableCall }]>('baselineAnswerRequest');
/** The durable request's other half: answers once the request's DELETE is done. */
export const baselineAnsweredUpdate = defineUpdate<void>('baselineAnswered');

const DELETES: Record<DurableCall, (target: RegistrantRef) => Promise<void>> = {
  'durable request': deleteLocally,
  'durable request, activity': deleteAsTask,
  'durable request, booked activity': deleteBookedInZoom,
};

/**
 * The least answer that keeps the product's contract: the request is durable before a worker takes it (signal-with-
 * start, so that the API can answer 202 while none runs), and the app waits on an update. The update reaches the
 * server while the first workflow task makes the DELETE (or schedules it), so it is answered in a later task.
 */
export async function baselineDurableAnswerWorkflow(): Promise<void> {
  let request: (RegistrantRef & { call: DurableCall }) | null = null;
  let [deleted, answered] = [false, false];
  setHandler(baselineAnswerRequestSignal, (asked) => void (request = asked));
  setHandler(baselineAnsweredUpdate, async () => {
    await condition(() => deleted);
    answered = true;
  });
  await condition(() => request !== null);
  const { call, ...target } = request!;
  await DELETES[call](target);
  deleted = true;
  // The update may come after the DELETE: the run stays open to answer it, as ours stays open for its window.
  await condition(() => answered);
}

export { zoomBudgetWorkflow } from '../src/workflows/zoom-budget/workflow';
