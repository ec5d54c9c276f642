// A Zoom `registration_cancelled`, settled (design.md 5): look the registrant up, wait for the follow-ups that can
// change the outcome, decide, and tell the app. Events keep being applied beside it, so a follow-up that arrives
// meanwhile counts.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  setCurrentDetails,
} from '@temporalio/workflow';
import {
  cancellationHint,
  decideByOperator,
  decideCancellation,
  type CancellationDecision,
} from '../../domain/decision';
import type { Evidence, LookupEvidence } from '../../domain/evidence';
import type { RegistrationEvent } from '../../domain/registration';
import { callbackAbout } from './callbacks';
import type { RegistrantContext } from './context';
import { describeDuration } from './details';
import { countSettledCancellation } from './metrics';
import { ZOOM_FAILURES } from '../topology';
import { restoreReregistration } from './cancel-on-behalf';

export async function settleCancellation(ctx: RegistrantContext, cancel: RegistrationEvent): Promise<void> {
  const { registrant, settings, activities } = ctx;
  const { webinar_id: webinarId, registrant_id: registrantId } = registrant.view;
  const evidence: Evidence = {
    source: cancel.observed ? cancel.observed.source : 'webhook',
    lookup: null,
    operator: cancellationHint(cancel),
    follow_ups: [],
  };
  registrant.openCase(evidence);
  // What operators read in the Web UI ("current details") while a case is open.
  const which = `the cancellation of ${new Date(cancel.eventTs).toISOString()} (event_ts ${cancel.eventTs})`;
  setCurrentDetails(
    `Settling ${which}: looking the registrant up in Zoom until it has settled them, retried with backoff for up to ${describeDuration(settings.lookupTimeoutMs)} (LOOKUP_TIMEOUT).`,
  );
  let lookupFinished = false;
  let followUpWindowOver = false;
  const decide = (): CancellationDecision => {
    evidence.follow_ups = registrant.followUpsOf(cancel);
    return decideCancellation(evidence, { lookupFinished, followUpWindowOver });
  };
  const nextEventApplied = () => {
    const count = registrant.appliedCount;
    return () => registrant.appliedCount !== count;
  };

  // 1. Look the registrant up (retried by Temporal until Zoom has settled it, or LOOKUP_TIMEOUT).
  const lookupScope = new CancellationScope();
  void lookupScope
    .run(() => activities.lookupRegistrant({ webinarId, registrantId, occurrenceId: cancel.occurrenceId }))
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
    const applied = nextEventApplied();
    await condition(() => lookupFinished || applied());
    decision = decide();
  }
  // A follow-up settled it before Zoom did: the lookup has nothing left to say.
  if (!lookupFinished) lookupScope.cancel();

  // 2. Wait for follow-ups where they can still change the outcome (an approval reinstates a denied registrant).
  if (decision.kind === 'wait') {
    const deadline = Date.now() + settings.followUpWindowMs;
    setCurrentDetails(
      `Settling ${which}: Zoom says ${evidence.lookup}; waiting ${describeDuration(settings.followUpWindowMs)} (FOLLOW_UP_WINDOW, until ${new Date(deadline).toISOString()}) for a follow-up event: an approval would reinstate them.`,
    );
    while (decision.kind === 'wait') {
      const remaining = deadline - Date.now();
      followUpWindowOver = remaining <= 0 || !(await condition(nextEventApplied(), remaining));
      decision = decide();
    }
  }

  // 3. Evidence that settles nothing goes to an operator, whose verdict (the `resolve` update) settles it.
  if (decision.kind === 'needs_review') {
    registrant.needsReview(decision.reason);
    setCurrentDetails(
      `Needs review: ${decision.reason}. Waiting for an operator's verdict: \`npm run ops -- resolve ${webinarId} ${registrantId} admin\` (or \`registrant\`), or the \`resolve\` update with \`{"cancelled_by": "admin"}\`.`,
    );
    // Opened before the state says so, so that a verdict given during the callback counts.
    registrant.openReview();
    ctx.enter('needs_review', cancel.eventTs, true);
    await ctx.tell(
      callbackAbout(
        ctx.subject(cancel.eventTs, cancel.occurrenceId, cancel.registrant),
        { type: 'registrant.needs_review', evidence },
        cancel.correlationId,
      ),
    );
    while (decision.kind === 'needs_review') {
      const applied = nextEventApplied();
      await condition(() => registrant.verdict !== null || applied());
      decision = registrant.verdict ? decideByOperator(registrant.verdict, evidence) : decide();
    }
    if (registrant.verdict) evidence.resolved_by_operator = true;
  }

  // 4. Act on the decision, and tell the app once (about the registrant as they are by then).
  const subject = () => ctx.subject(cancel.eventTs, cancel.occurrenceId, cancel.registrant);
  if (decision.kind === 'reinstated') {
    registrant.settle(null);
    ctx.enter('approved', registrant.latestAppliedTs, true);
    await ctx.tell(callbackAbout(subject(), { type: 'registrant.reinstated' }, cancel.correlationId));
  } else if (decision.kind === 'cancelled') {
    const settled =
      decision.cancelledBy === 'registrant' && decision.zoomStatus === 'denied' && settings.restoreReregistration
        ? await restoreReregistration(ctx, decision, evidence, cancel.occurrenceId)
        : decision;
    const outcome = {
      cancelled_by: settled.cancelledBy,
      can_reregister: settled.canReregister,
      zoom_status: settled.zoomStatus,
    };
    registrant.settle(outcome);
    countSettledCancellation(settled.cancelledBy, evidence.resolved_by_operator === true);
    // A later deny is Zoom confirming an admin's cancel: the settled outcome is the more precise state.
    const laterDeny = evidence.follow_ups.some((f) => f.event === 'denied');
    ctx.enter(settled.cancelledBy === 'registrant' ? 'self_cancelled' : 'admin_cancelled', cancel.eventTs, laterDeny);
    await ctx.tell(callbackAbout(subject(), { type: 'registrant.cancelled', outcome, evidence }, cancel.correlationId));
  }
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
