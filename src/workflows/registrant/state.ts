// The registrant's state and its named transitions, with no Temporal in it: the workflow calls these and does the
// I/O (activities, timers, search attributes) around them, and the tests drive them directly.
import {
  alreadyCancelled,
  blocksCancellation,
  type CancellationRequest,
  type Refusal,
} from '../../domain/cancellation';
import type { Resolution } from '../../domain/decision';
import type { Evidence, FollowUp } from '../../domain/evidence';
import { redundancy, type AppliedEvent } from '../../domain/reconciliation';
import type {
  ListedState,
  Registrant,
  RegistrationEvent,
  RegistrationKind,
  RegistrationState,
} from '../../domain/registration';
import { CallbackLedger } from './callbacks';
import { AppRequests } from './app-requests';
import { isRegistrationEvent, isResolution } from './guards';
import type { CancellationOutcome } from '../../domain/callbacks';
import type { RegistrantView, RegistrantWorkflowInput } from './messages';
import { OwnWrites, type OwnWrite } from './echoes';

/** What a run hands to the next one at continue-as-new. Its shape is what running workflows already carry. */
export interface CarriedState {
  view: RegistrantView;
  applied: AppliedEvent[];
  inbox: RegistrationEvent[];
  stateTs: number;
  // Absent in runs carried before API cancellations existed.
  cancelRequests?: CancellationRequest[];
  ownWrite?: OwnWrite | null;
}

/** What became of a delivered `registrationEvent` signal. */
export type Arrival = 'queued' | 'duplicate' | 'malformed' | 'foreign';

const dedupKey = (kind: RegistrationKind, eventTs: number) => `${kind}:${eventTs}`;

export class RegistrantState {
  /** An operator's verdict on the open `needs_review` case (the `resolve` update), until the case takes it. */
  verdict: Resolution | null = null;
  /** Re-drives asked for so far: a callback waiting for one goes out again when this grows. */
  redrives = 0;
  /** Cancellations being settled or waiting for their turn. */
  private settlements = 0;
  /** The one being settled (they run one at a time) has its outcome: it is no longer `settling` to operators. */
  private outcomeDecided = false;
  /** A `needs_review` case is open: from the moment it is opened until its outcome is settled. */
  private reviewOpen = false;
  private readonly seen: Set<string>;
  /** The callbacks sent, and those the app refused (see CallbackLedger). */
  readonly callbacks: CallbackLedger;
  /** The app's cancellation requests (see AppRequests). */
  readonly requests: AppRequests;

  private constructor(
    readonly view: RegistrantView,
    private readonly applied: AppliedEvent[],
    private readonly inbox: RegistrationEvent[],
    waitingRequests: CancellationRequest[],
    /** Our own writes in Zoom, whose webhooks are echoes (see OwnWrites). */
    readonly ownWrites: OwnWrites,
    // event_ts of whatever set the current state: an older event never overwrites a newer one.
    private stateTs: number,
  ) {
    this.callbacks = new CallbackLedger(view);
    this.requests = new AppRequests(view, waitingRequests);
    this.seen = new Set([...applied, ...inbox].map((e) => dedupKey(e.kind, e.eventTs)));
  }

  static start({ webinarId, registrantId, carried }: RegistrantWorkflowInput): RegistrantState {
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
      not_told: [],
      callbacks: [],
      outcome: null,
      cancellations: [],
      echoes_absorbed: 0,
      failed_callbacks: [],
      ...carried?.view,
    };
    return new RegistrantState(
      view,
      carried?.applied ?? [],
      carried?.inbox ?? [],
      carried?.cancelRequests ?? [],
      new OwnWrites(view, carried?.ownWrite ?? null),
      carried?.stateTs ?? 0,
    );
  }

  carry(): CarriedState {
    const { view, applied, inbox, stateTs } = this;
    return { view, applied, inbox, stateTs, cancelRequests: this.requests.carry(), ownWrite: this.ownWrites.carry() };
  }

  // ---- Arrivals (signal handlers) ----

  /** A Zoom event: queued once per event name and event_ts; redeliveries are counted and dropped. */
  receive(event: unknown): Arrival {
    // The gateway validates with zod; this guards against a hand-made signal (CLI, Web UI) failing the workflow.
    if (!isRegistrationEvent(event)) return 'malformed';
    if (event.webinarId !== this.view.webinar_id || event.registrant.id !== this.view.registrant_id) return 'foreign';
    const key = dedupKey(event.kind, event.eventTs);
    if (this.seen.has(key)) {
      this.view.duplicates_ignored += 1;
      return 'duplicate';
    }
    this.seen.add(key);
    this.inbox.push(event);
    return 'queued';
  }

  get hasWork(): boolean {
    return this.inbox.length > 0 || this.requests.pending;
  }

  /** The earliest event by event_ts among those waiting, whatever order they arrived in. */
  nextEvent(): RegistrationEvent | undefined {
    this.inbox.sort((a, b) => a.eventTs - b.eventTs);
    return this.inbox.shift();
  }

  // ---- Events ----

  /**
   * Takes an event in and says which state it leads to: none for a cancellation (it is settled on its own) nor for
   * Zoom's deny after our own cancel, which confirms it.
   */
  take(event: RegistrationEvent): RegistrationState | null {
    if (event.eventTs >= (this.view.last_event_ts ?? 0)) {
      this.view.registrant = event.registrant;
      this.view.occurrence_id = event.occurrenceId;
      this.view.last_event_ts = event.eventTs;
    }
    if (event.kind === 'cancelled') return null;
    this.ownWrites.see(event);
    return this.ownWrites.confirmedBy(event) ? null : stateOf(event);
  }

  /**
   * Why the next event is passed over (counted as a duplicate), or null to apply it: see `redundancy`. A run that
   * knows nothing yet takes the sweep's word for what the registrant's previous run held.
   */
  passOver(event: RegistrationEvent): string | null {
    const fresh = this.view.state === null && this.applied.length === 0;
    const held = this.isSettling ? 'settling' : fresh ? (event.observed?.held ?? null) : this.view.state;
    const reason = redundancy(event, this.applied, held);
    if (reason) this.view.duplicates_ignored += 1;
    return reason;
  }

  /** Recorded once its callback went out, so that a reinstatement is always told after the approval. */
  markApplied(event: RegistrationEvent): void {
    this.applied.push({ kind: event.kind, eventTs: event.eventTs, ...(event.observed ? { observed: true } : {}) });
  }

  /** Counts applied events: a settlement waits for it to change. */
  get appliedCount(): number {
    return this.applied.length;
  }

  get latestAppliedTs(): number {
    return Math.max(...this.applied.map((e) => e.eventTs));
  }

  /** Events later than the cancel, by event_ts, whatever order they arrived in. */
  followUpsOf(cancel: RegistrationEvent): FollowUp[] {
    return this.applied
      .filter((e) => e.kind !== 'cancelled' && e.eventTs > cancel.eventTs)
      .map((e) => ({ event: e.kind as FollowUp['event'], event_ts: e.eventTs }));
  }

  /**
   * Moves to `state` unless a later event already set the current one (`force` overrides: a settled outcome
   * stands). True when the state was set, so the workflow updates its search attributes.
   */
  enter(state: RegistrationState, eventTs: number, force = false): boolean {
    if (!force && eventTs < this.stateTs) return false;
    this.stateTs = Math.max(this.stateTs, eventTs);
    this.view.state = state;
    this.view.cancelled_by = state === 'self_cancelled' ? 'registrant' : state === 'admin_cancelled' ? 'admin' : null;
    return true;
  }

  // ---- Cancellations being settled ----

  beginSettlement(): void {
    this.settlements += 1;
    this.view.settling = true;
  }

  endSettlement(): void {
    this.settlements -= 1;
    this.outcomeDecided = false;
    this.view.settling = this.settlements > 0;
  }

  get isSettling(): boolean {
    return this.settlements > 0;
  }

  /**
   * The `RegistrationState` search attribute: `settling` while a cancellation's outcome is undecided (and no
   * operator is needed), then the state it settled on, even while the app is still being told.
   */
  get listedState(): ListedState | null {
    const undecided = this.settlements - (this.outcomeDecided ? 1 : 0);
    return undecided > 0 && this.view.state !== 'needs_review' ? 'settling' : this.view.state;
  }

  /**
   * Only the app's requests ever reached this run, and all were refused (say, Zoom knows no such registrant): it
   * knows nothing of a registrant, so it ends instead of looking like one.
   */
  get heldOnlyRefusals(): boolean {
    return (
      this.view.state === null &&
      this.applied.length === 0 &&
      !this.hasWork &&
      !this.isSettling &&
      this.requests.allRefused
    );
  }

  /** Zoom's own record of the person, read while acting for them. */
  identify(person: Registrant | null): void {
    this.view.registrant = person ?? this.view.registrant;
  }

  openCase(evidence: Evidence): void {
    this.view.evidence = evidence;
    this.view.needs_review_reason = null;
  }

  needsReview(reason: string): void {
    this.view.needs_review_reason = reason;
  }

  /** Opens the case to an operator; a verdict from before does not count. */
  openReview(): void {
    this.verdict = null;
    this.reviewOpen = true;
  }

  get awaitsVerdict(): boolean {
    return this.reviewOpen;
  }

  /** The case's outcome (null for a reinstatement), decided: it closes any review. Called before the state moves. */
  settle(outcome: CancellationOutcome | null): void {
    this.view.outcome = outcome;
    this.reviewOpen = false;
    this.outcomeDecided = true;
  }

  /** Why an operator's verdict cannot be taken now, or null when it can. */
  resolutionProblem(verdict: unknown): string | null {
    if (this.view.state !== 'needs_review') {
      return `nothing to resolve: the registrant is ${this.view.state ?? 'without state'}, not needs_review`;
    }
    // needs_review without an open case: a later event kept the settled outcome from replacing it.
    if (!this.reviewOpen) return 'nothing to resolve: no open case awaits a verdict';
    if (!isResolution(verdict)) {
      return 'cancelled_by must be registrant or admin, and can_reregister true or false when given';
    }
    return null;
  }

  /** Why the app's cancellation request cannot be taken up now (cancelled already, or one under way), or null. */
  refusalNow(): Refusal | null {
    if (blocksCancellation(this.view.state)) return alreadyCancelled(this.view.state);
    return this.isSettling ? alreadyCancelled('settling') : null;
  }
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
