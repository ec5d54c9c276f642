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
import type { CancelInZoomResult } from '../activities/cancel-in-zoom';
import type { AppCallback, Evidence, LookupEvidence, Outbound } from '../app-callback';
import type { CancellationRequest, CancelledOutcome, Refusal } from '../cancellation';
import { ZOOM_FAILURES, searchAttributes, zoomApiTaskQueue, type RegistrationState } from '../shared';
import type { AppRegistrant, RegistrationEvent, RegistrationKind } from '../zoom/webhook';
import { decideCancellation, operatorHint, type CancellationDecision } from './decide-cancellation';
import {
  redriveCallbacksSignal,
  registrationEventSignal,
  requestCancellationSignal,
  resolveSignal,
  stateQuery,
  type RegistrantView,
  type Resolution,
} from './messages';

interface AppliedEvent {
  kind: RegistrationKind;
  eventTs: number;
}

/**
 * A write of ours in Zoom (an API cancellation, or deleting a denied record): Zoom may answer it with a
 * `registration_cancelled` webhook, which is an echo of our act and not a new cancellation.
 */
interface OwnWrite {
  startedAt: number;
  inFlight: boolean;
}

type SettledCancellation = Extract<CancellationDecision, { kind: 'cancelled' }>;

/** What a callback is about: the event (or our own act) that produced it. */
interface CallbackSubject {
  eventTs: number;
  occurrenceId: string | null;
  registrant: AppRegistrant;
}

/** What a run hands to the next one at continue-as-new. */
export interface CarriedState {
  view: RegistrantView;
  applied: AppliedEvent[];
  inbox: RegistrationEvent[];
  stateTs: number;
  // Absent in runs carried before API cancellations existed.
  cancelRequests?: CancellationRequest[];
  ownWrite?: OwnWrite | null;
}

export interface RegistrantWorkflowInput {
  webinarId: string;
  registrantId: string;
  carried?: CarriedState;
}

const { loadSettings } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });

const dedupKey = (kind: RegistrationKind, eventTs: number) => `${kind}:${eventTs}`;

export async function registrantWorkflow(input: RegistrantWorkflowInput): Promise<RegistrantView> {
  const { webinarId, registrantId } = input;
  const view: RegistrantView = {
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
    outcome: null,
    cancellations: [],
    echoes_absorbed: 0,
    failed_callbacks: [],
    ...input.carried?.view,
  };
  const applied: AppliedEvent[] = input.carried?.applied ?? [];
  const inbox: RegistrationEvent[] = input.carried?.inbox ?? [];
  const cancelRequests: CancellationRequest[] = input.carried?.cancelRequests ?? [];
  let ownWrite: OwnWrite | null = input.carried?.ownWrite ?? null;
  // Cancellations that arrived while our own write was in flight: echoes if it succeeds, real ones if it fails.
  let heldCancels: RegistrationEvent[] = [];
  let redrives = 0;
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
  setHandler(requestCancellationSignal, (request) => {
    if (!isCancellationRequest(request)) {
      log.warn('malformed requestCancellation signal ignored');
      return;
    }
    // The Idempotency-Key: a repeated request is the same request, whatever became of it.
    if (view.cancellations.some((c) => c.id === request.id)) return;
    view.cancellations.push({ ...request, status: 'pending', outcome: null, refusal: null });
    cancelRequests.push(request);
  });
  setHandler(redriveCallbacksSignal, () => {
    redrives += 1;
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
      nonRetryableErrorTypes: [ZOOM_FAILURES.rejected, ZOOM_FAILURES.auth],
    },
  });
  // Writes get the same patience as the lookup: Zoom's 429s and 5xx are retried until LOOKUP_TIMEOUT.
  const { cancelInZoom, deleteDeniedRegistrant } = proxyActivities<Activities>({
    taskQueue: zoomApiTaskQueue(workflowInfo().taskQueue),
    scheduleToCloseTimeout: settings.lookupTimeoutMs,
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });
  // The app may be down for a while: keep trying with backoff for CALLBACK_RETRY_WINDOW, then wait for a re-drive.
  const { notifyApp } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    ...(settings.callbackRetryWindowMs ? { scheduleToCloseTimeout: settings.callbackRetryWindowMs } : {}),
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
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

  function callbackAbout(type: AppCallback['type'], subject: CallbackSubject, extra?: object): Outbound {
    return {
      webhookId: `zr_${webinarId}_${registrantId}_${subject.eventTs}_${type.slice('registrant.'.length)}`,
      callback: {
        type,
        timestamp: new Date().toISOString(),
        data: {
          webinar_id: webinarId,
          occurrence_id: subject.occurrenceId,
          registrant: view.registrant ?? subject.registrant,
          event_ts: subject.eventTs,
          ...extra,
        },
      } as AppCallback,
    };
  }

  /** Delivers a callback; one the app did not take within CALLBACK_RETRY_WINDOW waits for an operator's re-drive. */
  async function send(outbound: Outbound): Promise<void> {
    const { webhookId, callback } = outbound;
    for (;;) {
      try {
        await notifyApp(outbound);
        break;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        const error = (err.cause ?? err).message;
        view.failed_callbacks.push({ webhook_id: webhookId, type: callback.type, error });
        setCurrentDetails(
          `The app did not accept ${callback.type} (${webhookId}): ${error}. Fix the app, then re-drive it: npm run ops -- redrive ${webinarId} ${registrantId}`,
        );
        const before = redrives;
        await condition(() => redrives > before);
        view.failed_callbacks = view.failed_callbacks.filter((f) => f.webhook_id !== webhookId);
      }
    }
    view.callbacks.push({ webhook_id: webhookId, type: callback.type, event_ts: callback.data.event_ts });
  }

  const tell = (type: AppCallback['type'], subject: CallbackSubject, extra?: object) =>
    send(callbackAbout(type, subject, extra));

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
      view.outcome = null;
      await tell('registrant.reinstated', cancel);
    } else if (decision.kind === 'cancelled') {
      const settled =
        decision.cancelledBy === 'registrant' && decision.zoomStatus === 'denied' && settings.restoreReregistration
          ? await restoreReregistration(decision, evidence, cancel.occurrenceId)
          : decision;
      // A later deny is Zoom confirming an admin's cancel: the settled outcome is the more precise state.
      const laterDeny = evidence.follow_ups.some((f) => f.event === 'denied');
      setState(settled.cancelledBy === 'registrant' ? 'self_cancelled' : 'admin_cancelled', cancel.eventTs, laterDeny);
      view.outcome = {
        cancelled_by: settled.cancelledBy,
        can_reregister: settled.canReregister,
        zoom_status: settled.zoomStatus,
      };
      await tell('registrant.cancelled', cancel, { ...view.outcome, evidence: snapshot(evidence) });
    }
  }

  /** Runs one write of ours in Zoom, so that the cancellation webhooks it provokes are recognised as echoes. */
  async function ownZoomWrite<T>(write: () => Promise<T>, succeeded: (result: T) => boolean): Promise<T> {
    const startedAt = Date.now();
    ownWrite = { startedAt, inFlight: true };
    const result = await write();
    const held = heldCancels;
    heldCancels = [];
    if (succeeded(result)) {
      ownWrite = { startedAt, inFlight: false };
      view.echoes_absorbed += held.length;
    } else {
      ownWrite = null;
      held.forEach(settle);
    }
    return result;
  }

  /** RESTORE_REREGISTRATION: Zoom denied a registrant who cancelled themselves; deleting the record frees them. */
  async function restoreReregistration(
    decision: SettledCancellation,
    evidence: Evidence,
    occurrenceId: string | null,
  ): Promise<SettledCancellation> {
    setCurrentDetails(
      'Self-cancelled but denied by Zoom: deleting the denied record so the person can register again.',
    );
    const restored = await ownZoomWrite(
      () =>
        deleteDeniedRegistrant({ webinarId, registrantId, occurrenceId }).catch((err: unknown) => {
          if (!(err instanceof ActivityFailure)) throw err;
          return { deleted: false, detail: (err.cause ?? err).message };
        }),
      (r) => r.deleted,
    );
    evidence.reregistration_restored = restored.deleted;
    if (!restored.deleted) {
      log.warn('the denied record could not be deleted: the registrant stays blocked', { detail: restored.detail });
      return decision;
    }
    return { ...decision, canReregister: true, zoomStatus: 'removed' };
  }

  /** A cancellation the app asked for through the API: our own act is the strongest evidence (design.md 5). */
  async function cancelOnBehalf(request: CancellationRequest): Promise<void> {
    const record = view.cancellations.find((c) => c.id === request.id);
    if (!record) return;
    const refuse = (refusal: Refusal) => {
      record.status = 'refused';
      record.refusal = refusal;
      log.info('API cancellation refused', { cancellationId: request.id, code: refusal.code });
    };
    if (view.state === 'self_cancelled' || view.state === 'admin_cancelled' || view.state === 'needs_review') {
      return refuse(refusalForState(view.state));
    }
    setCurrentDetails(
      `Cancelling in Zoom on the app's request ${request.id} (by ${request.by}): ${request.by === 'registrant' ? 'DELETE' : 'PUT status cancel'}.`,
    );
    const actedAt = Date.now();
    const result = await ownZoomWrite(
      () =>
        cancelInZoom({ webinarId, registrantId, occurrenceId: view.occurrence_id, by: request.by }).catch(
          (err: unknown): CancelInZoomResult => {
            if (!(err instanceof ActivityFailure)) throw err;
            return {
              done: false,
              refusal: {
                status: 503,
                code: 'zoom_unavailable',
                message: `Zoom did not accept the cancellation within LOOKUP_TIMEOUT: ${(err.cause ?? err).message}`,
                zoom_code: null,
              },
            };
          },
        ),
      (r) => r.done,
    );
    if (!result.done) return refuse(result.refusal);

    view.registrant = result.registrant ?? view.registrant;
    const evidence: Evidence = {
      lookup: null,
      operator: request.by,
      follow_ups: [],
      api_request: { cancellation_id: request.id, reason: request.reason, zoom_call: result.zoomCall },
    };
    view.evidence = evidence;
    setState(request.by === 'registrant' ? 'self_cancelled' : 'admin_cancelled', actedAt, true);
    view.outcome = {
      cancelled_by: request.by,
      // DELETE frees the person; PUT cancel leaves them denied (zoom-platform.md 1.3, 1.4).
      can_reregister: request.by === 'registrant',
      zoom_status: request.by === 'registrant' ? 'removed' : 'denied',
    };
    const outbound = callbackAbout(
      'registrant.cancelled',
      {
        eventTs: actedAt,
        occurrenceId: view.occurrence_id,
        registrant: view.registrant ?? { id: registrantId, email: '', first_name: '', last_name: '' },
      },
      { ...view.outcome, evidence: snapshot(evidence) },
    );
    // Settled once Zoom has acted: the API can answer even while the app's callback is still being delivered.
    record.status = 'settled';
    record.outcome = outbound.callback.data as CancelledOutcome;
    await send(outbound);
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
    // The registrant came back after our own write: a later cancellation is a new one, not its echo.
    if (ownWrite && !ownWrite.inFlight && event.kind !== 'denied' && event.eventTs > ownWrite.startedAt) {
      ownWrite = null;
    }
    // A deny after our own cancel is Zoom confirming it: the settled, more precise state stays.
    const confirmsOwnCancel =
      event.kind === 'denied' &&
      ownWrite !== null &&
      (view.state === 'admin_cancelled' || view.state === 'self_cancelled');
    if (!confirmsOwnCancel) setState(stateOf(event), event.eventTs);
    await tell(`registrant.${event.kind}`, event);
    // Recorded after its callback went out, so that a reinstatement is always told after the approval.
    applied.push({ kind: event.kind, eventTs: event.eventTs });
  }

  const showSettled = () =>
    setCurrentDetails(
      `State: ${view.state ?? 'no event applied yet'}. Stays open ${Math.round(settings.dedupWindowMs / 60_000)} min after the last event to absorb Zoom's redeliveries.`,
    );

  // Cancellations (Zoom's and the app's) are settled one after another, beside the loop that keeps applying the
  // events that settle them.
  let settlements = Promise.resolve();
  let settling = 0;
  const settlementErrors: Error[] = [];
  const enqueue = (work: () => Promise<void>) => {
    settling += 1;
    view.settling = true;
    settlements = settlements
      .then(work)
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
  function settle(cancel: RegistrationEvent): void {
    enqueue(() => settleCancellation(cancel));
  }
  function onCancelled(cancel: RegistrationEvent): void {
    if (!ownWrite) return settle(cancel);
    // While our write is in flight we cannot tell yet; once it succeeded, the registrant's cancellation is ours.
    if (ownWrite.inFlight) heldCancels.push(cancel);
    else view.echoes_absorbed += 1;
    log.info('cancellation webhook taken as the echo of our own Zoom write', { eventTs: cancel.eventTs });
  }

  for (;;) {
    if (settling === 0) showSettled();
    const arrived = await condition(
      () => inbox.length > 0 || cancelRequests.length > 0 || settlementErrors.length > 0,
      settings.dedupWindowMs,
    );
    // A bug, not a Zoom answer: failing the workflow task lets a fixed worker replay and carry on.
    if (settlementErrors[0]) throw settlementErrors[0];
    if (!arrived) {
      if (settling === 0) break;
      // An unsettled case keeps the workflow open; the de-duplication window starts again once it is settled.
      await condition(() => settling === 0 || inbox.length > 0 || cancelRequests.length > 0);
      continue;
    }
    const request = cancelRequests.shift();
    if (request) {
      // One cancellation at a time: while another is being settled, the registrant is already being cancelled.
      if (settling > 0) {
        const record = view.cancellations.find((c) => c.id === request.id);
        if (record) Object.assign(record, { status: 'refused', refusal: refusalForState('settling') });
      } else {
        enqueue(() => cancelOnBehalf(request));
      }
      continue;
    }
    inbox.sort((a, b) => a.eventTs - b.eventTs);
    const event = inbox.shift() as RegistrationEvent;
    await applyEvent(event);
    if (event.kind === 'cancelled') onCancelled(event);

    const info = workflowInfo();
    if (settling === 0 && (info.continueAsNewSuggested || info.historyLength > settings.maxHistoryEvents)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof registrantWorkflow>({
        webinarId,
        registrantId,
        carried: { view, applied, inbox, stateTs, cancelRequests, ownWrite },
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

function isCancellationRequest(value: unknown): value is CancellationRequest {
  const request = value as Partial<CancellationRequest> | null;
  return (
    typeof request === 'object' &&
    request !== null &&
    typeof request.id === 'string' &&
    (request.by === 'registrant' || request.by === 'admin') &&
    (request.reason === null || typeof request.reason === 'string')
  );
}

function refusalForState(state: 'self_cancelled' | 'admin_cancelled' | 'needs_review' | 'settling'): Refusal {
  const message = {
    self_cancelled: 'the registrant has already cancelled',
    admin_cancelled: 'an admin has already cancelled this registrant',
    needs_review: 'a cancellation of this registrant awaits an operator (needs_review)',
    settling: 'a cancellation of this registrant is being settled',
  }[state];
  return { status: 409, code: 'already_cancelled', message, zoom_code: null };
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
    if (cause instanceof ApplicationFailure && cause.type === ZOOM_FAILURES.notSettled) {
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
