// A Zoom `registration_cancelled`, settled (design.md 5): look the registrant up, wait for the follow-ups that can
// change the outcome, decide, and tell the app. Events keep being applied beside it, so a follow-up that arrives
// meanwhile counts.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  log,
  setCurrentDetails,
} from '@temporalio/workflow';
import {
  cancellationHint,
  decideByOperator,
  decideCancellation,
  type CancellationDecision,
} from '../../domain/decision';
import type { LookupEvidence } from '../../domain/evidence';
import { emailKindOf } from '../../domain/notices';
import type { RegistrationEvent } from '../../domain/registration';
import { errorMessage } from '../../errors';
import { ZOOM_FAILURES } from '../topology';
import { callbackAbout } from './callbacks';
import { currentDetails } from './details';
import { countSettledCancellation } from './metrics';
import type { RegistrantRun } from './run';

type SettledCancellation = Extract<CancellationDecision, { kind: 'cancelled' }>;

export async function settleCancellation(run: RegistrantRun, cancel: RegistrationEvent): Promise<void> {
  const { registrant, settings, activities } = run;
  const { zoomEvent, registrantId } = registrant;
  registrant.openCase({
    source: cancel.observed ? cancel.observed.source : 'webhook',
    lookup: null,
    operator: cancellationHint(cancel),
    follow_ups: [],
  });
  let followUpWindowOver = false;
  const decide = (): CancellationDecision => {
    const evidence = registrant.amendCase({ follow_ups: registrant.events.followUpsOf(cancel) });
    return decideCancellation(evidence, { lookupFinished: lookupFinished(), followUpWindowOver });
  };
  const appliedSince = (seen: number) => () => registrant.events.appliedCount !== seen;
  const lookupFinished = () => registrant.caseEvidence.lookup !== null;

  // 1. Look the registrant up (retried by Temporal until Zoom has settled it, or LOOKUP_TIMEOUT).
  setCurrentDetails(currentDetails.lookingUp(cancel.eventTs, settings.lookupTimeoutMs));
  const lookupScope = new CancellationScope();
  let lookupScopeOpen = true;
  void lookupScope
    .run(() => activities.lookupRegistrant({ zoomEvent, registrantId, occurrenceId: cancel.occurrenceId }))
    .catch((err: unknown) => (isCancellation(err) ? null : { lookup: lookupEvidenceOf(err) }))
    // Only into this case: a lookup cancelled below never lands in the next one.
    .then((found) => found && lookupScopeOpen && registrant.amendCase(found));
  let decision = decide();
  while (decision.kind === 'wait' && decision.for === 'lookup') {
    const seen = registrant.events.appliedCount;
    await condition(() => lookupFinished() || appliedSince(seen)());
    decision = decide();
  }
  // A follow-up settled it before Zoom did: the lookup has nothing left to say.
  lookupScopeOpen = false;
  if (!lookupFinished()) lookupScope.cancel();

  // 2. Wait for follow-ups where they can still change the outcome (an approval reinstates a denied registrant).
  if (decision.kind === 'wait') {
    const deadline = Date.now() + settings.followUpWindowMs;
    const { lookup } = registrant.caseEvidence;
    setCurrentDetails(currentDetails.awaitingFollowUps(cancel.eventTs, lookup, settings.followUpWindowMs, deadline));
    while (decision.kind === 'wait') {
      const remaining = deadline - Date.now();
      const seen = registrant.events.appliedCount;
      followUpWindowOver = remaining <= 0 || !(await condition(appliedSince(seen), remaining));
      decision = decide();
    }
  }
  const subject = () => registrant.subject(cancel.eventTs, cancel.occurrenceId, cancel.registrant);

  // 3. Evidence that settles nothing goes to an operator, whose verdict (the `resolve` update) settles it.
  if (decision.kind === 'needs_review') {
    setCurrentDetails(currentDetails.needsReview(decision.reason, zoomEvent, registrantId));
    // Opened before the state says so, so that a verdict given during the callback counts.
    registrant.openReview(decision.reason);
    run.enter('needs_review', cancel.eventTs, true);
    run.notify.alert('needs_review', cancel.eventTs, decision.reason);
    const evidence = registrant.caseEvidence;
    await run.tell(callbackAbout(subject(), { type: 'registrant.needs_review', evidence }, cancel.correlationId));
    while (decision.kind === 'needs_review') {
      const seen = registrant.events.appliedCount;
      await condition(() => registrant.settlements.verdict !== null || appliedSince(seen)());
      const { verdict } = registrant.settlements;
      decision = verdict ? decideByOperator(verdict, registrant.amendCase({ resolved_by_operator: true })) : decide();
    }
  }

  // 4. Act on the decision, and tell the app once (about the registrant as they are by then).
  if (decision.kind === 'reinstated') {
    registrant.settle(null);
    run.enter('approved', registrant.events.latestAppliedTs, true);
    run.notify.email('reinstated', subject(), null);
    await run.tell(callbackAbout(subject(), { type: 'registrant.reinstated' }, cancel.correlationId));
  } else if (decision.kind === 'cancelled') {
    const settled =
      decision.cancelledBy === 'registrant' && decision.zoomStatus === 'denied' && settings.restoreReregistration
        ? await restoreReregistration(run, decision, cancel.occurrenceId)
        : decision;
    const outcome = {
      cancelled_by: settled.cancelledBy,
      can_reregister: settled.canReregister,
      zoom_status: settled.zoomStatus,
    };
    registrant.settle(outcome);
    const evidence = registrant.caseEvidence;
    countSettledCancellation(settled.cancelledBy, evidence.resolved_by_operator === true);
    // A later deny is Zoom confirming an admin's cancel: the settled outcome is the more precise state.
    const laterDeny = evidence.follow_ups.some((f) => f.event === 'denied');
    run.enter(settled.cancelledBy === 'registrant' ? 'self_cancelled' : 'admin_cancelled', cancel.eventTs, laterDeny);
    run.notify.email(emailKindOf(outcome, false), subject(), outcome);
    await run.tell(callbackAbout(subject(), { type: 'registrant.cancelled', outcome, evidence }, cancel.correlationId));
  }
}

/** RESTORE_REREGISTRATION: Zoom denied a registrant who cancelled themselves; deleting the record frees them. */
async function restoreReregistration(
  run: RegistrantRun,
  decision: SettledCancellation,
  occurrenceId: string | null,
): Promise<SettledCancellation> {
  const { zoomEvent, registrantId } = run.registrant;
  setCurrentDetails(currentDetails.restoringReregistration());
  const restored = await run.ourZoomWrite(
    () =>
      run.activities.deleteDeniedRegistrant({ zoomEvent, registrantId, occurrenceId }).catch((err: unknown) => {
        if (!(err instanceof ActivityFailure)) throw err;
        return { deleted: false, detail: errorMessage(err) };
      }),
    (r) => r.deleted,
  );
  run.registrant.amendCase({ reregistration_restored: restored.deleted });
  if (!restored.deleted) {
    log.warn('the denied record could not be deleted: the registrant stays blocked', { detail: restored.detail });
    return decision;
  }
  return { ...decision, canReregister: true, zoomStatus: 'removed' };
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
