// Cancellations the app asks for through the API (design.md 1: Zoom cannot cancel on a registrant's behalf): the
// request the workflow receives, why one may be refused, and the record the API answers from.
import type { CancelledOutcome } from './callbacks';
import type { CancelledBy, RegistrationState } from './registration';

/** `id` is the Idempotency-Key (or one the gateway made up), scoped to the registrant. */
export interface CancellationRequest {
  id: string;
  by: CancelledBy;
  reason: string | null;
}

/** Why a cancellation did not happen, as the API answers it (HTTP status, our code, Zoom's words). */
export interface Refusal {
  status: number;
  code:
    | 'registrant_not_found'
    | 'webinar_not_found'
    | 'meeting_not_found'
    | 'not_cancellable'
    | 'already_cancelled'
    | 'zoom_refused'
    | 'zoom_unchanged'
    | 'zoom_unavailable';
  message: string;
  zoom_code: number | null;
}

export interface CancellationRecord {
  id: string;
  by: CancelledBy;
  reason: string | null;
  status: 'pending' | 'settled' | 'refused';
  outcome: CancelledOutcome | null;
  refusal: Refusal | null;
}

type Cancelled = Extract<RegistrationState, 'self_cancelled' | 'admin_cancelled' | 'needs_review'>;
type Blocking = Cancelled | 'settling';

const BLOCKED_BECAUSE: Record<Blocking, string> = {
  self_cancelled: 'the registrant has already cancelled',
  admin_cancelled: 'an admin has already cancelled this registrant',
  needs_review: 'a cancellation of this registrant awaits an operator (needs_review)',
  settling: 'a cancellation of this registrant is being settled',
};

/** A request refused because the registrant is cancelled already, or about to be. */
export function alreadyCancelled(because: Blocking): Refusal {
  return { status: 409, code: 'already_cancelled', message: BLOCKED_BECAUSE[because], zoom_code: null };
}

export function blocksCancellation(state: RegistrationState | null): state is Cancelled {
  return state === 'self_cancelled' || state === 'admin_cancelled' || state === 'needs_review';
}
