// The registrant's state and its named transitions, with no Temporal in it: RegistrantRun (run.ts) does the I/O
// (activities, timers, search attributes) around them, and the tests drive them directly.
import type { CancellationOutcome } from '../../domain/callbacks';
import { alreadyCancelled, blocksCancellation, type Refusal } from '../../domain/cancellation';
import type { Evidence } from '../../domain/evidence';
import {
  cancelledByOf,
  listedStateOf,
  stateAfter,
  type ListedState,
  type Registrant,
  type RegistrationEvent,
  type RegistrationState,
} from '../../domain/registration';
import { zoomEventIdField, type ZoomEvent } from '../../domain/zoom-event';
import { AppRequests } from './app-requests';
import { CallbackLedger, type CallbackSubject } from './callbacks';
import { Echoes } from './echoes';
import { EventLog } from './event-log';
import { noFactsYet, type CarriedState, type RegistrantFacts } from './facts';
import { isRegistrationEvent, isResolution } from './guards';
import { NoticeLedger } from './notices';
import { Settlements } from './settlements';
import type { RegistrantView, RegistrantWorkflowInput } from './messages';

/** What became of a delivered `registrationEvent` signal. */
export type Arrival = 'queued' | 'duplicate' | 'malformed' | 'foreign';

export class RegistrantState {
  /** The callbacks sent, and those the app refused. */
  readonly callbacks: CallbackLedger;
  /** The app's cancellation requests. */
  readonly requests: AppRequests;
  /** Our own writes in Zoom, whose webhooks are echoes. */
  readonly echoes: Echoes;
  /** The cancellations being settled, one at a time. */
  readonly settlements = new Settlements();
  /** Zoom's events for the registrant, waiting and applied. */
  readonly events: EventLog;
  /** The emails to the registrant and the alerts to operators. */
  readonly notices: NoticeLedger;
  private facts: RegistrantFacts;

  private constructor(
    zoomEvent: ZoomEvent,
    readonly registrantId: string,
    carried: CarriedState | undefined,
  ) {
    this.facts = carried ? { ...carried.facts } : noFactsYet(zoomEvent);
    this.events = new EventLog(carried?.events);
    this.callbacks = new CallbackLedger(carried?.callbacks);
    this.requests = new AppRequests(carried?.requests);
    this.echoes = new Echoes(carried?.echoes);
    this.notices = new NoticeLedger(carried?.notices);
  }

  static start({ zoomEvent, registrantId, carried }: RegistrantWorkflowInput): RegistrantState {
    return new RegistrantState(zoomEvent, registrantId, carried);
  }

  carry(): CarriedState {
    return {
      facts: { ...this.facts },
      events: this.events.carry(),
      callbacks: this.callbacks.carry(),
      requests: this.requests.carry(),
      echoes: this.echoes.carry(),
      notices: this.notices.carry(),
    };
  }

  /** The webinar or meeting, of the kind the latest event named: Zoom's calls and the callbacks follow it. */
  get zoomEvent(): ZoomEvent {
    return this.facts.zoomEvent;
  }

  /** Where the registrant stands, and why: computed when asked (the `state` query, the result). */
  get view(): RegistrantView {
    const f = this.facts;
    return {
      ...zoomEventIdField(this.zoomEvent),
      registrant_id: this.registrantId,
      occurrence_id: f.occurrenceId,
      registrant: f.registrant,
      state: f.state,
      cancelled_by: cancelledByOf(f.state),
      settling: this.isSettling,
      evidence: f.evidence,
      needs_review_reason: f.needsReviewReason,
      last_event_ts: f.lastEventTs,
      duplicates_ignored: this.events.duplicatesIgnored,
      ...this.callbacks.view(),
      outcome: f.outcome,
      cancellations: this.requests.view(),
      echoes_absorbed: this.echoes.absorbed,
      ...this.notices.view(),
    };
  }

  // ---- Arrivals (signal handlers) ----

  /** A Zoom event for this registrant, checked again (see guards.ts), then queued once (see EventLog). */
  receive(event: unknown): Arrival {
    if (!isRegistrationEvent(event)) return 'malformed';
    if (event.zoomEvent.id !== this.zoomEvent.id || event.registrant.id !== this.registrantId) return 'foreign';
    return this.events.receive(event);
  }

  get hasWork(): boolean {
    return this.events.waiting || this.requests.pending;
  }

  // ---- Events ----

  /** The state an event leads to: none for a cancellation (settled apart), nor for a deny that confirms ours. */
  take(event: RegistrationEvent): RegistrationState | null {
    if (event.eventTs >= (this.facts.lastEventTs ?? 0)) {
      this.facts.zoomEvent = event.zoomEvent;
      this.facts.registrant = event.registrant;
      this.facts.occurrenceId = event.occurrenceId;
      this.facts.lastEventTs = event.eventTs;
    }
    if (event.kind === 'cancelled') return null;
    this.echoes.see(event);
    return this.echoes.confirmsOurCancel(event, cancelledByOf(this.facts.state) !== null) ? null : stateAfter(event);
  }

  /**
   * Why the next event is passed over (counted as a duplicate), or null to apply it. A run that knows nothing yet
   * takes the sweep's word for what the registrant's previous run held.
   */
  passOver(event: RegistrationEvent): string | null {
    const fresh = this.facts.state === null && this.events.appliedCount === 0;
    const held = this.isSettling ? 'settling' : fresh ? (event.observed?.held ?? null) : this.facts.state;
    return this.events.passOver(event, held);
  }

  /**
   * Moves to `state` unless a later event already set the current one (`force` overrides: a settled outcome
   * stands). True when the state was set, so the workflow updates its search attributes.
   */
  enter(state: RegistrationState, eventTs: number, force = false): boolean {
    if (!force && eventTs < this.facts.stateTs) return false;
    this.facts.stateTs = Math.max(this.facts.stateTs, eventTs);
    this.facts.state = state;
    return true;
  }

  /** A callback about the event (or our own act) at `eventTs`, about the person as last known. */
  subject(eventTs: number, occurrenceId: string | null, fallback?: Registrant): CallbackSubject {
    const { zoomEvent, registrantId } = this;
    const registrant = this.facts.registrant ??
      fallback ?? { id: registrantId, email: '', first_name: '', last_name: '' };
    return { zoomEvent, registrantId, eventTs, occurrenceId, registrant };
  }

  // ---- Cancellations being settled ----

  get isSettling(): boolean {
    return this.settlements.any;
  }

  /** A cancellation is being settled, or a notice is on its way: the run stays open, and does not continue as new. */
  get isBusy(): boolean {
    return this.isSettling || this.notices.pending;
  }

  /**
   * The `RegistrationState` search attribute: a case lists the state it was decided on, even while the app is still
   * being told.
   */
  get listedState(): ListedState | null {
    return listedStateOf(this.facts.state, this.settlements.undecided > 0);
  }

  /** Only the app's requests ever reached this run, all refused: it knows no registrant, so it ends. */
  get heldOnlyRefusals(): boolean {
    const knowsNothing = this.facts.state === null && this.events.appliedCount === 0;
    return knowsNothing && !this.hasWork && !this.isBusy && this.requests.allRefused;
  }

  /** Zoom's own record of the person, read while acting for them. */
  identify(person: Registrant | null): void {
    this.facts.registrant = person ?? this.facts.registrant;
  }

  openCase(evidence: Evidence): void {
    this.facts.evidence = evidence;
    this.facts.needsReviewReason = null;
  }

  /** The evidence of the case being settled: read only once `openCase` has opened it. */
  get caseEvidence(): Evidence {
    return this.facts.evidence as Evidence;
  }

  /** Adds to the open case's evidence; what was told before keeps the evidence it was told with. */
  amendCase(change: Partial<Evidence>): Evidence {
    this.facts.evidence = { ...this.caseEvidence, ...change };
    return this.facts.evidence;
  }

  /** Evidence that settles nothing: the case waits for an operator's verdict. */
  openReview(reason: string): void {
    this.facts.needsReviewReason = reason;
    this.settlements.awaitVerdict();
  }

  /** The case's outcome (null for a reinstatement), decided: it closes any review. Called before the state moves. */
  settle(outcome: CancellationOutcome | null): void {
    this.facts.outcome = outcome;
    this.settlements.decided();
  }

  /** Why an operator's verdict cannot be taken now, or null when it can. */
  resolutionProblem(verdict: unknown): string | null {
    if (this.facts.state !== 'needs_review') {
      return `nothing to resolve: the registrant is ${this.facts.state ?? 'without state'}, not needs_review`;
    }
    // needs_review without an open case: a later event kept the settled outcome from replacing it.
    if (!this.settlements.awaitsVerdict) return 'nothing to resolve: no open case awaits a verdict';
    if (!isResolution(verdict)) {
      return 'cancelled_by must be registrant or admin, and can_reregister true or false when given';
    }
    return null;
  }

  /** Why the app's cancellation request cannot be taken up now (cancelled already, or one under way), or null. */
  refusalNow(): Refusal | null {
    if (blocksCancellation(this.facts.state)) return alreadyCancelled(this.facts.state);
    return this.isSettling ? alreadyCancelled('settling') : null;
  }
}
