// A registrant's life as this service sees it (design.md 1 and 4.5): the events Zoom sends, the states they lead
// to, and who can cancel. Plain values only: workflow code imports them, so no zod and no I/O here.
import type { ZoomEvent } from './zoom-event';

export const REGISTRATION_KINDS = ['created', 'approved', 'denied', 'cancelled'] as const;
export type RegistrationKind = (typeof REGISTRATION_KINDS)[number];

export const CANCELLED_BY = ['registrant', 'admin'] as const;
export type CancelledBy = (typeof CANCELLED_BY)[number];

export const REGISTRATION_STATES = [
  'registered',
  'approved',
  'pending',
  'denied',
  'self_cancelled',
  'admin_cancelled',
  'needs_review',
] as const;
export type RegistrationState = (typeof REGISTRATION_STATES)[number];

/**
 * What the `RegistrationState` search attribute shows, and what operators and the API list by: the registrant's
 * state, or `settling` while a cancellation of theirs is being settled (until it settles or needs review).
 */
export const LISTED_STATES = [...REGISTRATION_STATES, 'settling'] as const;
export type ListedState = (typeof LISTED_STATES)[number];

/** The person, as the app is told about them. */
export interface Registrant {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
}

/** Where a registrant stood in Zoom's registrant listing: one of its three lists, or in none of them. */
export const ZOOM_LISTINGS = ['approved', 'pending', 'denied', 'absent'] as const;
export type ZoomListing = (typeof ZOOM_LISTINGS)[number];

/**
 * An event Zoom never delivered, inferred by the reconciliation sweep from Zoom's listing: what it saw there, and
 * what it saw us hold (the state of the registrant's latest run, which may have closed since).
 */
export interface Observation {
  source: 'reconciliation';
  zoom: ZoomListing;
  held: ListedState | null;
  /**
   * When the sweep looked (epoch ms, less RECONCILE_GRACE). The events of one look share it: each stands for what
   * Zoom had done by then, and their order among themselves is the sweep's, not Zoom's (see `redundancy`).
   */
  at: number;
}

/** One Zoom registration webhook, normalised: what the gateway signals and what the workflow applies. */
export interface RegistrationEvent {
  kind: RegistrationKind;
  /** Zoom's `event_ts` (epoch ms): events are applied in this order, whatever order they arrive in. */
  eventTs: number;
  /** The webinar the registration is for. */
  zoomEvent: ZoomEvent;
  occurrenceId: string | null;
  registrant: Registrant;
  /** The registrant's status in the payload (`approved`, `pending`), when Zoom sends one. */
  registrantStatus: string | null;
  operator: string | null;
  operatorId: string | null;
  /** Set when the reconciliation sweep inferred the event (its `event_ts` is then when it looked); absent for webhooks. */
  observed?: Observation;
  /**
   * The id that follows a webhook through the logs of the gateway, the workflow and the callback it causes: Zoom's
   * `x-zm-trackingid`, or one the gateway made. Absent in the sweep's events, which no webhook caused.
   */
  correlationId?: string;
}

/** Who cancelled a registrant in `state`, or null when they are not cancelled. */
export function cancelledByOf(state: RegistrationState | null): CancelledBy | null {
  return state === 'self_cancelled' ? 'registrant' : state === 'admin_cancelled' ? 'admin' : null;
}

/** The state a created, approved or denied event leads to. */
export function stateAfter(event: RegistrationEvent): RegistrationState {
  if (event.kind === 'approved' || event.kind === 'denied') return event.kind;
  return event.registrantStatus === 'pending'
    ? 'pending'
    : event.registrantStatus === 'approved'
      ? 'approved'
      : 'registered';
}

/**
 * What the `RegistrationState` search attribute shows for a registrant in `state`: `settling` while a cancellation
 * of theirs is undecided, unless it waits for an operator, which `needs_review` already says.
 */
export function listedStateOf(state: RegistrationState | null, cancellationUndecided: boolean): ListedState | null {
  return cancellationUndecided && state !== 'needs_review' ? 'settling' : state;
}

/**
 * What a new run lists once it has taken `first`, its first event, so that the gateway can set it with the start:
 * `listedStateOf` what the run then holds, where a cancellation leaves no state yet and its case undecided.
 */
export function stateListedAfter(first: RegistrationEvent): ListedState {
  return first.kind === 'cancelled' ? 'settling' : stateAfter(first);
}
