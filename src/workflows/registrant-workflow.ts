// One workflow per Zoom registrant (design.md section 3): it applies every registration event once, in event_ts
// order, settles who cancelled, and tells the app exactly once per outcome.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AppCallback, Evidence, LookupEvidence, Outbound } from '../app-callback';
import { LOOKUP_FAILURES, searchAttributes, zoomApiTaskQueue, type RegistrationState } from '../shared';
import type { RegistrationEvent, RegistrationKind } from '../zoom/webhook';
import { decideCancellation, operatorHint, type CancellationDecision } from './decide-cancellation';
import { registrationEventSignal, resolveSignal, stateQuery, type RegistrantView, type Resolution } from './messages';

interface AppliedEvent {
  kind: RegistrationKind;
  eventTs: number;
}

/** What a run hands to the next one at continue-as-new. */
export interface CarriedState {
  view: RegistrantView;
  applied: AppliedEvent[];
  inbox: RegistrationEvent[];
  stateTs: number;
}

export interface RegistrantWorkflowInput {
  webinarId: string;
  registrantId: string;
  carried?: CarriedState;
}

const { loadSettings } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });

// The app may be down for a while: keep trying with backoff, never give up on a settled outcome.
const { notifyApp } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

const dedupKey = (kind: RegistrationKind, eventTs: number) => `${kind}:${eventTs}`;

export async function registrantWorkflow(input: RegistrantWorkflowInput): Promise<RegistrantView> {
  const { webinarId, registrantId } = input;
  const view: RegistrantView = input.carried?.view ?? {
    webinar_id: webinarId,
    registrant_id: registrantId,
    occurrence_id: null,
    registrant: null,
    state: null,
    cancelled_by: null,
    settling: false,
    evidence: null,
    needs_review_reason: null,
    last_event_ts: null,
    duplicates_ignored: 0,
    callbacks: [],
  };
  const applied: AppliedEvent[] = input.carried?.applied ?? [];
  const inbox: RegistrationEvent[] = input.carried?.inbox ?? [];
  // event_ts of whatever set the current state: an older event never overwrites a newer one.
  let stateTs = input.carried?.stateTs ?? 0;
  const seen = new Set(
    [...applied, ...inbox.map((e) => ({ kind: e.kind, eventTs: e.eventTs }))].map((e) => dedupKey(e.kind, e.eventTs)),
  );
  let resolution: Resolution | null = null;

  // Handlers first: the signal that started this run is delivered in its first workflow task.
  setHandler(registrationEventSignal, (event) => {
    // The gateway validates with zod; this guards against a hand-made signal (CLI, Web UI) crashing the workflow.
    if (!isRegistrationEvent(event)) {
      log.warn('malformed registrationEvent signal ignored');
      return;
    }
    if (event.webinarId !== webinarId || event.registrant.id !== registrantId) {
      log.warn('event for another registrant ignored', {
        webinarId: event.webinarId,
        registrantId: event.registrant.id,
      });
      return;
    }
    const key = dedupKey(event.kind, event.eventTs);
    if (seen.has(key)) {
      view.duplicates_ignored += 1;
      log.info('duplicate delivery ignored', { kind: event.kind, eventTs: event.eventTs });
      return;
    }
    seen.add(key);
    inbox.push(event);
  });
  setHandler(resolveSignal, (verdict) => {
    if (view.state !== 'needs_review' || (verdict.cancelled_by !== 'registrant' && verdict.cancelled_by !== 'admin')) {
      log.warn('resolve ignored: nothing to resolve, or cancelled_by is not registrant/admin', { state: view.state });
      return;
    }
    resolution = verdict;
  });
  setHandler(stateQuery, () => view);

  const settings = await loadSettings();
  const { lookupRegistrant } = proxyActivities<Activities>({
    taskQueue: zoomApiTaskQueue(workflowInfo().taskQueue),
    scheduleToCloseTimeout: settings.lookupTimeoutMs,
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      nonRetryableErrorTypes: [LOOKUP_FAILURES.rejected, LOOKUP_FAILURES.auth],
    },
  });

  function setState(state: RegistrationState, eventTs: number, force = false): void {
    if (!force && eventTs < stateTs) return;
    stateTs = Math.max(stateTs, eventTs);
    view.state = state;
    view.cancelled_by = state === 'self_cancelled' ? 'registrant' : state === 'admin_cancelled' ? 'admin' : null;
    upsertSearchAttributes([
      { key: searchAttributes.registrationState, value: state },
      { key: searchAttributes.cancelledBy, value: view.cancelled_by },
    ]);
  }

  async function tell(type: AppCallback['type'], event: RegistrationEvent, extra?: object): Promise<void> {
    const webhookId = `zr_${webinarId}_${registrantId}_${event.eventTs}_${type.slice('registrant.'.length)}`;
    const callback = {
      type,
      timestamp: new Date().toISOString(),
      data: {
        webinar_id: webinarId,
        occurrence_id: event.occurrenceId,
        registrant: view.registrant ?? event.registrant,
        event_ts: event.eventTs,
        ...extra,
      },
    } as AppCallback;
    const outbound: Outbound = { webhookId, callback };
    await notifyApp(outbound);
    view.callbacks.push({ webhook_id: webhookId, type, event_ts: event.eventTs });
  }

  /** Events later than the cancel, by event_ts, whatever order they arrived in. */
  const followUpsOf = (cancel: RegistrationEvent): Evidence['follow_ups'] =>
    applied
      .filter((e) => e.kind !== 'cancelled' && e.eventTs > cancel.eventTs)
      .map((e) => ({ event: e.kind as 'created' | 'approved' | 'denied', event_ts: e.eventTs }));

  async function settleCancellation(cancel: RegistrationEvent): Promise<void> {
    const evidence: Evidence = {
      lookup: null,
      operator: operatorHint(cancel.operator, cancel.operatorId, cancel.registrant.email),
      follow_ups: [],
    };
    view.evidence = evidence;
    view.needs_review_reason = null;
    // What operators read in the Web UI ("current details") while a case is open.
    setCurrentDetails(`Cancellation of event_ts ${cancel.eventTs}: looking the registrant up in Zoom.`);
    let lookupFinished = false;
    let followUpWindowOver = false;
    const decide = (): CancellationDecision => {
      evidence.follow_ups = followUpsOf(cancel);
      return decideCancellation(evidence, { lookupFinished, followUpWindowOver });
    };
    const appliedChanges = () => {
      const count = applied.length;
      return () => applied.length !== count;
    };

    const lookupScope = new CancellationScope();
    void lookupScope
      .run(() => lookupRegistrant({ webinarId, registrantId, occurrenceId: cancel.occurrenceId }))
      .then(
        (result) => {
          evidence.lookup = result;
          lookupFinished = true;
        },
        (err: unknown) => {
          if (isCancellation(err)) return;
          evidence.lookup = lookupEvidenceOf(err);
          lookupFinished = true;
        },
      );

    let decision = decide();
    while (decision.kind === 'wait' && decision.for === 'lookup') {
      const changed = appliedChanges();
      await condition(() => lookupFinished || changed());
      decision = decide();
    }
    // A follow-up settled it before Zoom did: the lookup has nothing left to say.
    if (!lookupFinished) lookupScope.cancel();

    if (decision.kind === 'wait') {
      const deadline = Date.now() + settings.followUpWindowMs;
      setCurrentDetails(
        `Cancellation of event_ts ${cancel.eventTs}: Zoom says ${evidence.lookup}; waiting for follow-up events until ${new Date(deadline).toISOString()}.`,
      );
      while (decision.kind === 'wait') {
        const remaining = deadline - Date.now();
        followUpWindowOver = remaining <= 0 || !(await condition(appliedChanges(), remaining));
        decision = decide();
      }
    }

    if (decision.kind === 'needs_review') {
      view.needs_review_reason = decision.reason;
      setCurrentDetails(
        `Needs review: ${decision.reason}. Settle it with the "resolve" signal, e.g. {"cancelled_by": "admin", "can_reregister": false}.`,
      );
      // Cleared before the state opens the resolve signal, so that a verdict sent during the callback counts.
      resolution = null;
      setState('needs_review', cancel.eventTs, true);
      await tell('registrant.needs_review', cancel, { evidence: snapshot(evidence) });
      while (decision.kind === 'needs_review') {
        const changed = appliedChanges();
        await condition(() => resolution !== null || changed());
        const verdict: Resolution | null = resolution;
        decision = verdict ? decisionOf(verdict, evidence) : decide();
      }
      if (resolution) evidence.resolved_by_operator = true;
    }

    if (decision.kind === 'reinstated') {
      const latest = Math.max(...applied.map((e) => e.eventTs));
      setState('approved', latest, true);
      await tell('registrant.reinstated', cancel);
    } else if (decision.kind === 'cancelled') {
      // A later deny is Zoom confirming an admin's cancel: the settled outcome is the more precise state.
      const laterDeny = evidence.follow_ups.some((f) => f.event === 'denied');
      setState(decision.cancelledBy === 'registrant' ? 'self_cancelled' : 'admin_cancelled', cancel.eventTs, laterDeny);
      await tell('registrant.cancelled', cancel, {
        cancelled_by: decision.cancelledBy,
        can_reregister: decision.canReregister,
        zoom_status: decision.zoomStatus,
        evidence: snapshot(evidence),
      });
    }
  }

  async function applyEvent(event: RegistrationEvent): Promise<void> {
    if (event.eventTs >= (view.last_event_ts ?? 0)) {
      view.registrant = event.registrant;
      view.occurrence_id = event.occurrenceId;
      view.last_event_ts = event.eventTs;
    }
    if (event.kind === 'cancelled') {
      applied.push({ kind: event.kind, eventTs: event.eventTs });
      return;
    }
    setState(stateOf(event), event.eventTs);
    await tell(`registrant.${event.kind}`, event);
    // Recorded after its callback went out, so that a reinstatement is always told after the approval.
    applied.push({ kind: event.kind, eventTs: event.eventTs });
  }

  const showSettled = () =>
    setCurrentDetails(
      `State: ${view.state ?? 'no event applied yet'}. Stays open ${Math.round(settings.dedupWindowMs / 60_000)} min after the last event to absorb Zoom's redeliveries.`,
    );

  // Cancellations are settled one after another, beside the loop that keeps applying the events that settle them.
  let settlements = Promise.resolve();
  let settling = 0;
  const settlementErrors: Error[] = [];
  const settle = (cancel: RegistrationEvent) => {
    settling += 1;
    view.settling = true;
    settlements = settlements
      .then(() => settleCancellation(cancel))
      .catch((err: unknown) => {
        settlementErrors.push(
          err instanceof Error ? err : new Error(`settling a cancellation failed: ${JSON.stringify(err)}`),
        );
      })
      .finally(() => {
        settling -= 1;
        view.settling = settling > 0;
        if (settling === 0) showSettled();
      });
  };

  for (;;) {
    if (settling === 0) showSettled();
    const arrived = await condition(() => inbox.length > 0 || settlementErrors.length > 0, settings.dedupWindowMs);
    // A bug, not a Zoom answer: failing the workflow task lets a fixed worker replay and carry on.
    if (settlementErrors[0]) throw settlementErrors[0];
    if (!arrived) {
      if (settling === 0) break;
      // An unsettled case keeps the workflow open; the de-duplication window starts again once it is settled.
      await condition(() => settling === 0 || inbox.length > 0);
      continue;
    }
    inbox.sort((a, b) => a.eventTs - b.eventTs);
    const event = inbox.shift() as RegistrationEvent;
    await applyEvent(event);
    if (event.kind === 'cancelled') settle(event);

    const info = workflowInfo();
    if (settling === 0 && (info.continueAsNewSuggested || info.historyLength > settings.maxHistoryEvents)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof registrantWorkflow>({
        webinarId,
        registrantId,
        carried: { view, applied, inbox, stateTs },
      });
    }
  }
  await condition(allHandlersFinished);
  return view;
}

function isRegistrationEvent(value: unknown): value is RegistrationEvent {
  const event = value as Partial<RegistrationEvent> | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    ['created', 'approved', 'denied', 'cancelled'].includes(event.kind as string) &&
    typeof event.eventTs === 'number' &&
    typeof event.webinarId === 'string' &&
    typeof event.registrant?.id === 'string' &&
    typeof event.registrant.email === 'string'
  );
}

function stateOf(event: RegistrationEvent): RegistrationState {
  if (event.kind === 'approved') return 'approved';
  if (event.kind === 'denied') return 'denied';
  return event.registrantStatus === 'pending'
    ? 'pending'
    : event.registrantStatus === 'approved'
      ? 'approved'
      : 'registered';
}

function decisionOf(verdict: Resolution, evidence: Evidence): CancellationDecision {
  const denied = evidence.lookup === 'denied';
  return {
    kind: 'cancelled',
    cancelledBy: verdict.cancelled_by,
    canReregister: verdict.can_reregister ?? !denied,
    zoomStatus: denied ? 'denied' : 'removed',
  };
}

/** A lookup that ended without an answer: the last answer before LOOKUP_TIMEOUT, or `failed`. */
function lookupEvidenceOf(err: unknown): LookupEvidence {
  // When the next retry would pass LOOKUP_TIMEOUT, Temporal ends the activity with its last failure as the cause
  // (or with a TimeoutFailure wrapping it): find the "not settled yet" answer in that chain.
  let cause: unknown = err instanceof ActivityFailure ? err.cause : undefined;
  for (; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && cause.type === LOOKUP_FAILURES.notSettled) {
      const status: unknown = cause.details?.[0];
      if (status === 'approved' || status === 'pending') return status;
    }
  }
  return 'failed';
}

// The callback carries the evidence as it was when the outcome was sent.
function snapshot(evidence: Evidence): Evidence {
  return { ...evidence, follow_ups: [...evidence.follow_ups] };
}
