// The reconciliation sweep's one rule (design.md 2): what Zoom's registrant listing says we missed, given what we hold.
// The sweep applies it to what visibility shows; the registrant's workflow applies it again to its own state when
// the inferred event arrives, so that whatever happened in between (a late webhook, a settling case) wins.
import type { CancelledBy, ListedState, RegistrationEvent, RegistrationKind, ZoomListing } from './registration';

/** How a webinar or meeting approves its registrants: Zoom's `settings.approval_type` 1 is by hand, 0 at once. */
export type Approval = 'automatic' | 'manual';

export function approvalOf(approvalType: number | null | undefined): Approval {
  return approvalType === 1 ? 'manual' : 'automatic';
}

/** What we hold as a live registration: Zoom should list them as approved or pending. */
export const HELD_AS_REGISTERED = ['registered', 'approved', 'pending'] as const satisfies ReadonlyArray<ListedState>;
const REGISTERED: ReadonlyArray<ListedState | null> = HELD_AS_REGISTERED;
/** What Zoom's approval would change: a registrant we hold as waiting, denied, or cancelled. */
const NOT_APPROVED: ReadonlyArray<ListedState | null> = ['pending', 'denied', 'self_cancelled', 'admin_cancelled'];

/**
 * The Zoom event we missed, or null when Zoom's listing and our state agree, or when a case of ours is open
 * (`settling`, `needs_review`: the registrant's workflow is at it). Unknown to us (`null`) and listed is a missed
 * registration; the sweep decides separately whether we could have known them (see `couldHaveKnown`).
 */
export function missedEvent(zoom: ZoomListing, held: ListedState | null): RegistrationKind | null {
  if (held === 'settling' || held === 'needs_review') return null;
  switch (zoom) {
    case 'absent':
      // Gone from every list: only a registrant's own cancel removes the record (design.md 1).
      return REGISTERED.includes(held) ? 'cancelled' : null;
    case 'denied':
      if (held === 'pending') return 'denied';
      // An approved registrant turned denied: what an admin's cancel does.
      return held === 'registered' || held === 'approved' ? 'cancelled' : null;
    case 'approved':
      if (held === null) return 'created';
      return NOT_APPROVED.includes(held) ? 'approved' : null;
    case 'pending':
      return held === null ? 'created' : null;
  }
}

/** What the sweep found for one registrant: what the report counts. */
export const FINDINGS = [
  'agreeing',
  'open_case',
  'missed_cancellation',
  'missed_denial',
  'missed_approval',
  'missed_registration',
  'untracked',
  /** Held as registered and in no listing, but the event or their occurrence has ended: nothing inferred. */
  'ended',
] as const;
export type Finding = (typeof FINDINGS)[number];

const FINDING_OF: Record<RegistrationKind, Finding> = {
  cancelled: 'missed_cancellation',
  denied: 'missed_denial',
  approved: 'missed_approval',
  created: 'missed_registration',
};

/**
 * What the sweep makes of one registrant: the finding, and the event to hand to their workflow (none when there is
 * nothing to do). A registrant unknown to us is a missed registration only if we could have known them.
 */
export function reconcile(
  zoom: ZoomListing,
  held: ListedState | null,
  knowable: boolean,
): { finding: Finding; missed: RegistrationKind | null } {
  const missed = missedEvent(zoom, held);
  if (missed === 'created' && !knowable) return { finding: 'untracked', missed: null };
  if (missed) return { finding: FINDING_OF[missed], missed };
  if (held === 'settling' || held === 'needs_review') return { finding: 'open_case', missed: null };
  return { finding: held === null && zoom !== 'absent' ? 'untracked' : 'agreeing', missed: null };
}

/** A missed event as the sweep hands it to the registrant's workflow, with the status Zoom's payload would carry. */
export interface MissedEvent {
  kind: RegistrationKind;
  registrantStatus: ZoomListing | null;
}

/**
 * The events Zoom would have sent for what the sweep missed, in their order. A registration Zoom lists as approved
 * where the host approves each one by hand was two: the registration (pending) and the host's approval; an app told
 * only the first would wait for an approval that already happened.
 */
export function eventsMissed(missed: RegistrationKind, zoom: ZoomListing, approval: Approval): MissedEvent[] {
  if (missed !== 'created') return [{ kind: missed, registrantStatus: null }];
  if (zoom === 'approved' && approval === 'manual') {
    return [
      { kind: 'created', registrantStatus: 'pending' },
      { kind: 'approved', registrantStatus: null },
    ];
  }
  return [{ kind: 'created', registrantStatus: zoom }];
}

/** Who the sweep's evidence points at for a cancellation it inferred: the record gone, or denied. */
export function observedCanceller(zoom: ZoomListing): CancelledBy {
  return zoom === 'absent' ? 'registrant' : 'admin';
}

/**
 * Whether a registrant Zoom lists and we do not know would be known to us had its webhook come: its workflow stays
 * open DEDUP_WINDOW after its last event and is then retained for the namespace's retention, so a registration
 * older than both may simply have been forgotten. Not knowing when it was made, we cannot tell.
 */
export function couldHaveKnown(createdAt: number | null, knownSince: number): boolean {
  return createdAt !== null && createdAt >= knownSince;
}

/** An event as a registrant's workflow keeps it once applied. */
export interface AppliedEvent {
  kind: RegistrationKind;
  eventTs: number;
  /** Inferred by the sweep: when it looked (Observation.at). */
  observedAt?: number;
}

/**
 * Why an event adds nothing to what a registrant's workflow has applied, or null to apply it. An inferred event
 * stands for something Zoom did before the sweep looked: it is stale once an event from after that was applied, and
 * moot once what we hold agrees with Zoom's listing (the webhook came after all, or a case is open). A webhook for
 * what an inferred event already applied (the same kind, nothing else between them) is the same fact told twice.
 * Another event inferred in the same look is not between them: a look that found a registration and its approval
 * orders the two a millisecond apart, yet both happened before it, and their webhooks may come on either side.
 */
export function redundancy(
  event: RegistrationEvent,
  applied: ReadonlyArray<AppliedEvent>,
  held: ListedState | null,
): string | null {
  const { observed, kind, eventTs } = event;
  if (observed) {
    if (applied.some((e) => e.eventTs > eventTs)) return 'the sweep looked before an event applied since';
    return missedEvent(observed.zoom, held) === kind ? null : 'what we hold agrees with Zoom by now';
  }
  const between = (ts: number, a: number, b: number) => ts > Math.min(a, b) && ts < Math.max(a, b);
  const inferredAlready = applied.some(
    (o) =>
      o.observedAt !== undefined &&
      o.kind === kind &&
      !applied.some((e) => e.kind !== kind && e.observedAt !== o.observedAt && between(e.eventTs, o.eventTs, eventTs)),
  );
  return inferredAlready ? 'the sweep applied it already' : null;
}
