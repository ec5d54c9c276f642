// The evidence-to-outcome table of design.md section 5, as a pure function the workflow calls after every change
// in the evidence. Kept free of Temporal so that it can be tested table-driven.
import type { CancellationOutcome } from './callbacks';
import type { Evidence } from './evidence';
import { observedCanceller } from './reconciliation';
import type { CancelledBy, RegistrationEvent } from './registration';

export type CancellationDecision =
  | {
      kind: 'cancelled';
      cancelledBy: CancelledBy;
      canReregister: boolean;
      zoomStatus: CancellationOutcome['zoom_status'];
    }
  | { kind: 'reinstated' }
  | { kind: 'needs_review'; reason: string }
  /** Not settled yet: wait for the lookup, or for the follow-up window to end. */
  | { kind: 'wait'; for: 'lookup' | 'follow_ups' };

/** An operator's verdict on a `needs_review` case (the `resolve` update). */
export interface Resolution {
  cancelled_by: CancelledBy;
  /** Defaults to what Zoom's record implies: true unless the lookup found the registrant denied. */
  can_reregister?: boolean;
}

export interface DecisionClock {
  /** The lookup activity has finished (successfully, by timeout or by a permanent error). */
  lookupFinished: boolean;
  /** FOLLOW_UP_WINDOW has passed since the lookup settled. */
  followUpWindowOver: boolean;
}

/** The operator hint: no operator_id, or the registrant's own email as operator, suggests the registrant acted. */
export function operatorHint(operator: string | null, operatorId: string | null, registrantEmail: string): CancelledBy {
  if (!operatorId) return 'registrant';
  return operator !== null && operator.toLowerCase() === registrantEmail.toLowerCase() ? 'registrant' : 'admin';
}

/** The hint for a cancellation: its payload's operator fields, or for one the sweep inferred, Zoom's listing. */
export function cancellationHint(cancel: RegistrationEvent): CancelledBy {
  return cancel.observed
    ? observedCanceller(cancel.observed.zoom)
    : operatorHint(cancel.operator, cancel.operatorId, cancel.registrant.email);
}

export function decideCancellation(evidence: Evidence, clock: DecisionClock): CancellationDecision {
  // Follow-ups are events later than the cancel (by event_ts); the latest approve/deny is the one that stands.
  const latestVerdict = evidence.follow_ups
    .filter((f) => f.event !== 'created')
    .reduce<Evidence['follow_ups'][number] | undefined>((a, b) => (a && a.event_ts >= b.event_ts ? a : b), undefined);
  if (latestVerdict?.event === 'approved') return { kind: 'reinstated' };
  if (evidence.follow_ups.some((f) => f.event === 'created')) {
    // The same registrant registered again, so Zoom let them: whoever cancelled, the person was free to come back.
    return { kind: 'cancelled', cancelledBy: 'registrant', canReregister: true, zoomStatus: 'removed' };
  }

  switch (evidence.lookup) {
    case 'not_found':
    case 'all':
      return { kind: 'cancelled', cancelledBy: 'registrant', canReregister: true, zoomStatus: 'removed' };
    case 'denied':
      if (latestVerdict?.event === 'denied') {
        return { kind: 'cancelled', cancelledBy: 'admin', canReregister: false, zoomStatus: 'denied' };
      }
      if (!clock.followUpWindowOver) return { kind: 'wait', for: 'follow_ups' };
      return { kind: 'cancelled', cancelledBy: evidence.operator, canReregister: false, zoomStatus: 'denied' };
    case 'webinar_not_found':
      return { kind: 'needs_review', reason: 'Zoom does not know the webinar (deleted or expired)' };
    case 'meeting_not_found':
      return { kind: 'needs_review', reason: 'Zoom does not know the meeting (deleted or expired)' };
    case 'failed':
      return { kind: 'needs_review', reason: lookupRefusal(evidence) };
    case 'approved':
    case 'pending':
    case null:
      return clock.lookupFinished
        ? { kind: 'needs_review', reason: 'Zoom had not settled the registrant when LOOKUP_TIMEOUT ended' }
        : { kind: 'wait', for: 'lookup' };
  }
}

/**
 * The operator's verdict settles the case; Zoom's record, when a lookup saw it, still says whether the person is
 * blocked. When none did (Zoom had lost the webinar, say), the outcome claims no status nobody observed.
 */
export function decideByOperator(verdict: Resolution, evidence: Evidence): CancellationDecision {
  const denied = evidence.lookup === 'denied';
  const removed = evidence.lookup === 'not_found' || evidence.lookup === 'all';
  return {
    kind: 'cancelled',
    cancelledBy: verdict.cancelled_by,
    canReregister: verdict.can_reregister ?? !denied,
    zoomStatus: denied ? 'denied' : removed ? 'removed' : 'unknown',
  };
}

/** Why a refused lookup settles nothing: Zoom's answer was about the call, not the registrant. */
function lookupRefusal({ zoom_answer: answer }: Evidence): string {
  if (!answer) return 'the registrant lookup failed with a permanent Zoom error';
  return (
    `Zoom refused the registrant lookup (${answer.message}): an answer about the call, not the registrant; ` +
    "check the app's scopes, ZOOM_API_BASE_URL and the webinar's host"
  );
}
