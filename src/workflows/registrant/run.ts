// The Temporal-aware half of a registrant's workflow, over the pure RegistrantState: activities, the search attributes
// and current details operators read, the two locks and the waiting; the handlers and loop call these in one line.
import {
  ActivityFailure,
  condition,
  log,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { Outbound } from '../../domain/callbacks';
import type { CancellationRecord, CancellationRequest } from '../../domain/cancellation';
import type { Resolution } from '../../domain/decision';
import type { RegistrationEvent, RegistrationState } from '../../domain/registration';
import { errorMessage } from '../../errors';
import type { WorkflowSettings } from '../topology';
import { callbackAbout } from './callbacks';
import { cancelOnBehalf } from './cancel-on-behalf';
import { currentDetails } from './details';
import type { RedriveResult, RegistrantView, RegistrantWorkflowInput, ResolveResult } from './messages';
import { loadSettings, registrantActivities, type RegistrantActivities } from './proxies';
import { RegistrantNotifier } from './notify';
import { settleCancellation } from './settle-cancellation';
import { countCallbackWaiting } from './metrics';
import { listedAttributes } from './names';
import type { RegistrantState } from './state';

export class RegistrantRun {
  /** Set by `load`, before the loop takes its first event; the handlers need neither. */
  settings!: WorkflowSettings;
  activities!: RegistrantActivities;
  /** The registrant's emails and the operators' alerts, beside the callbacks. */
  notify!: RegistrantNotifier;
  /**
   * Held while a callback is delivered (`await this.deliver`): the loop's events and the settlements tell the app
   * from two places, and without it a callback could overtake one that waits for the app, or for a re-drive.
   */
  private readonly telling = new Mutex();
  /**
   * Held while a cancellation is settled (`await work()` in `settleInTurn`): two cases settled at once would
   * interleave their lookups, follow-up windows and evidence.
   */
  private readonly settling = new Mutex();
  /** A search-attribute upsert is due at the end of this workflow task (see showState). */
  private stateShowing = false;

  constructor(readonly registrant: RegistrantState) {}

  async load(): Promise<void> {
    this.settings = await loadSettings();
    this.activities = registrantActivities(this.settings);
    this.notify = new RegistrantNotifier(this.registrant, this.settings, this.activities, () => this.showIdle());
  }

  get view(): RegistrantView {
    return this.registrant.view;
  }
  /** What the next run starts from. */
  carry(): RegistrantWorkflowInput {
    const { zoomEvent, registrantId } = this.registrant;
    return { zoomEvent, registrantId, carried: this.registrant.carry() };
  }

  // ---- Handlers ----

  receive(event: unknown): void {
    const arrival = this.registrant.receive(event);
    const { kind, eventTs, zoomEvent, registrant } = (event ?? {}) as Partial<RegistrationEvent>;
    if (arrival === 'duplicate') log.info('duplicate delivery ignored', { kind, eventTs });
    if (arrival === 'malformed') log.warn('malformed registrationEvent signal ignored');
    if (arrival === 'foreign')
      log.warn('event for another registrant ignored', { zoomEvent, registrant: registrant?.id });
  }

  receiveRequest(request: unknown): void {
    if (this.registrant.requests.receive(request) === 'malformed') {
      log.warn('malformed requestCancellation signal ignored');
    }
  }

  /** Answered once the case has settled on the verdict, whatever state that leaves the registrant in. */
  async resolve(verdict: Resolution): Promise<ResolveResult> {
    this.registrant.settlements.giveVerdict(verdict);
    await condition(() => !this.registrant.settlements.awaitsVerdict);
    const { state, outcome } = this.view;
    return { state, outcome };
  }

  async redrive(): Promise<RedriveResult> {
    const { callbacks } = this.registrant;
    const waiting = callbacks.waitingForRedrive();
    callbacks.redriveAsked();
    await condition(() => callbacks.answered(waiting));
    return callbacks.report(waiting);
  }

  async cancellationOutcome(id: string): Promise<CancellationRecord> {
    await condition(() => this.registrant.requests.find(id)?.status !== 'pending');
    return this.registrant.requests.find(id) as CancellationRecord;
  }

  // ---- The loop ----

  /**
   * Waits for an event or a request; false once DEDUP_WINDOW has passed with nothing new and nothing unsettled, or
   * once every request this run held was refused.
   */
  async somethingArrived(): Promise<boolean> {
    const { registrant } = this;
    for (;;) {
      this.showIdle();
      const nothingToKeep = () => registrant.heldOnlyRefusals;
      // An unsettled case (or a notice on its way) keeps the workflow open, and the window starts after it: a timer
      // started before would be a billed action for nothing.
      if (registrant.isBusy) await condition(() => !registrant.isBusy || registrant.hasWork);
      if (registrant.hasWork) return true;
      const arrived = await condition(() => registrant.hasWork || nothingToKeep(), this.settings.dedupWindowMs);
      if (nothingToKeep()) return false;
      if (arrived) return true;
      if (!registrant.isBusy) return false;
    }
  }

  /** The app's next request, or else Zoom's earliest waiting event. */
  async takeNext(): Promise<void> {
    const request = this.registrant.requests.next();
    if (request) return this.takeUp(request);
    const event = this.registrant.events.next() as RegistrationEvent;
    const passedOver = this.registrant.passOver(event);
    if (passedOver) log.info(`event passed over: ${passedOver}`, { kind: event.kind, eventTs: event.eventTs });
    else await this.apply(event);
  }

  shouldContinueAsNew(): boolean {
    const info = workflowInfo();
    const historyIsLong = info.continueAsNewSuggested || info.historyLength > this.settings.maxHistoryEvents;
    return historyIsLong && !this.registrant.isBusy && !this.registrant.requests.pending;
  }

  /** One cancellation at a time, and none of a registrant already cancelled. */
  private takeUp(request: CancellationRequest): void {
    const refusal = this.registrant.refusalNow();
    if (refusal) this.registrant.requests.refuse(request.id, refusal);
    else this.settleInTurn(() => cancelOnBehalf(this, request));
  }

  private async apply(event: RegistrationEvent): Promise<void> {
    const { registrant } = this;
    log.info('event applied', { kind: event.kind, eventTs: event.eventTs, correlationId: event.correlationId });
    const next = registrant.take(event);
    if (event.kind === 'cancelled') {
      registrant.events.markApplied(event);
      return this.applyCancellation(event);
    }
    if (next) this.enter(next, event.eventTs);
    const subject = registrant.subject(event.eventTs, event.occurrenceId, event.registrant);
    const outbound = callbackAbout(subject, { type: `registrant.${event.kind}` }, event.correlationId);
    await this.tell(outbound, { unlessStale: true });
    registrant.events.markApplied(event);
  }

  /** A cancellation is settled beside the loop, which goes on applying the follow-ups that settle it. */
  private applyCancellation(cancel: RegistrationEvent): void {
    if (this.registrant.echoes.absorb(cancel) === 'settle') this.settleCancellationInTurn(cancel);
    else log.info('cancellation webhook taken as the echo of our own Zoom write', { eventTs: cancel.eventTs });
  }

  // ---- What the parts share ----

  settleCancellationInTurn(cancel: RegistrationEvent): void {
    this.settleInTurn(() => settleCancellation(this, cancel));
  }

  /** Moves to a state (see RegistrantState.enter) and shows it in the search attributes. */
  enter(state: RegistrationState, eventTs: number, force = false): void {
    if (this.registrant.enter(state, eventTs, force)) this.showState();
  }

  /**
   * Tells the app, after every callback told before it. A created, approved or denied event older than a callback
   * the app already has (`unlessStale`) would read as news it is not: it stays in the history, untold.
   */
  tell(outbound: Outbound, { unlessStale = false } = {}): Promise<void> {
    return this.telling.runExclusive(async () => {
      const { type, data } = outbound.callback;
      if (unlessStale && this.registrant.callbacks.toldLaterThan(data.event_ts)) {
        log.info('event older than what the app was told: not told', { type, eventTs: data.event_ts });
        this.registrant.callbacks.recordNotTold(outbound);
        return;
      }
      await this.deliver(outbound);
    });
  }

  /** Runs one write of ours in Zoom, so that the cancellation webhooks it provokes are recognised as echoes. */
  async ourZoomWrite<T>(write: () => Promise<T>, succeeded: (result: T) => boolean): Promise<T> {
    this.registrant.echoes.begin(Date.now());
    const result = await write();
    // A write that failed provoked nothing: what arrived meanwhile are real cancellations.
    this.registrant.echoes.end(succeeded(result)).forEach((cancel) => this.settleCancellationInTurn(cancel));
    return result;
  }

  /**
   * Queues a settlement behind the ones before it. Not awaited: the loop goes on applying the events that settle it.
   * A bug in `work` rejects with nobody to catch it, and the SDK fails the workflow task on an unhandled rejection
   * as it would on a throw in the loop (test/integration/unhandled-rejection.test.ts): a fixed worker replays it.
   */
  private settleInTurn(work: () => Promise<void>): void {
    const { registrant } = this;
    registrant.settlements.queue();
    this.showState();
    void this.settling.runExclusive(async () => {
      registrant.settlements.start();
      try {
        await work();
      } finally {
        registrant.settlements.end();
        this.showState();
        this.showIdle();
      }
    });
  }

  /** Delivers a callback; one the app did not take within CALLBACK_RETRY_WINDOW waits for an operator's re-drive. */
  private async deliver(outbound: Outbound): Promise<void> {
    const { callbacks, zoomEvent, registrantId } = this.registrant;
    for (;;) {
      try {
        await this.activities.notifyApp(outbound);
        break;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        const [error, { type, data }] = [errorMessage(err), outbound.callback];
        const asked = callbacks.refused(outbound, error);
        setCurrentDetails(currentDetails.callbackRefused(type, outbound.webhookId, error, zoomEvent, registrantId));
        this.notify.alert('callback_waiting', data.event_ts, `the app refused ${type}: ${error}`, `waiting_${type}`);
        countCallbackWaiting(type);
        await condition(() => callbacks.redrivenSince(asked));
        callbacks.redriven(outbound.webhookId);
      }
    }
    callbacks.delivered(outbound);
  }

  /**
   * The search attributes operators filter on in the Web UI, and the API lists by. Each upsert is a billable action:
   * only what differs from what the run already holds is sent (the gateway sets the first ones with the start), and
   * every change of one workflow task in one upsert, once the task's other microtasks have run.
   */
  private showState(): void {
    if (this.stateShowing) return;
    this.stateShowing = true;
    void Promise.resolve().then(() => {
      this.stateShowing = false;
      const { zoomEvent, listedState } = this.registrant;
      const held = workflowInfo().typedSearchAttributes;
      const shown = listedAttributes(zoomEvent, listedState, this.view.cancelled_by);
      const changed = shown.filter(({ key, value }) => (held.get(key) ?? null) !== value);
      if (changed.length > 0) upsertSearchAttributes(changed);
    });
  }

  /** The idle details, unless a cancellation is being settled (its own details stand then). */
  private showIdle(): void {
    const { notices, isSettling } = this.registrant;
    if (isSettling) return;
    setCurrentDetails(currentDetails.idle(this.view, this.settings.dedupWindowMs, notices.failedEmails));
  }
}
