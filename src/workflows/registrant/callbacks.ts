// The callbacks of design.md 4.4, built in one place. The webhook-id depends only on the registrant, the event
// and the callback type, so a retried or re-driven callback carries the same id and the app can de-duplicate.
import type { AppCallback, AppCallbackType, CancellationOutcome, Outbound } from '../../domain/callbacks';
import type { Evidence } from '../../domain/evidence';
import type { Registrant } from '../../domain/registration';
import { noticeId } from '../../domain/notices';
import { zoomEventIdField, type ZoomEvent } from '../../domain/zoom-event';
import type { RedriveResult, RegistrantView } from './messages';

type Delivered = RegistrantView['callbacks'][number];
type NotTold = RegistrantView['not_told'][number];
type Failed = RegistrantView['failed_callbacks'][number];
type Redriven = Failed & { refusals: number };

/** What a callback is about: the event (or our own act) that produced it. */
export interface CallbackSubject {
  zoomEvent: ZoomEvent;
  registrantId: string;
  eventTs: number;
  occurrenceId: string | null;
  registrant: Registrant;
}

type Extra =
  | { type: 'registrant.cancelled'; outcome: CancellationOutcome; evidence: Evidence }
  | { type: 'registrant.needs_review'; evidence: Evidence }
  | { type: Exclude<AppCallbackType, 'registrant.cancelled' | 'registrant.needs_review'> };

/** The callback `about` the subject; `correlationId` is the webhook's or API request's that caused it. */
export function callbackAbout(subject: CallbackSubject, about: Extra, correlationId?: string): Outbound {
  const { zoomEvent, registrantId, eventTs, occurrenceId, registrant } = subject;
  const data = { ...zoomEventIdField(zoomEvent), occurrence_id: occurrenceId, registrant, event_ts: eventTs };
  // Evidence is replaced, never changed in place (RegistrantState.amendCase): the callback keeps it as it was.
  const extra =
    about.type === 'registrant.cancelled'
      ? { ...about.outcome, evidence: about.evidence }
      : about.type === 'registrant.needs_review'
        ? { evidence: about.evidence }
        : {};
  return {
    webhookId: noticeId(zoomEvent, registrantId, eventTs, about.type.slice('registrant.'.length)),
    callback: { type: about.type, timestamp: new Date().toISOString(), data: { ...data, ...extra } } as AppCallback,
    ...(correlationId === undefined ? {} : { correlationId }),
  };
}

/** What a run hands on of its callbacks at continue-as-new (it never continues while one waits for a re-drive). */
export interface CarriedCallbacks {
  delivered: Delivered[];
  notTold: NotTold[];
}

/** What became of the callbacks: delivered, not told (stale), or refused by the app and waiting for a re-drive. */
export class CallbackLedger {
  private readonly sent: Delivered[];
  private readonly notTold: NotTold[];
  private failed: Failed[] = [];
  /** Refusals so far per callback, so that a re-drive can tell "refused again" from "still refused". */
  private readonly refusals = new Map<string, number>();
  /** Re-drives asked for so far: a callback waiting for one goes out again when this grows. */
  private redrives = 0;

  constructor(carried?: CarriedCallbacks) {
    this.sent = [...(carried?.delivered ?? [])];
    this.notTold = [...(carried?.notTold ?? [])];
  }

  carry(): CarriedCallbacks {
    return { delivered: [...this.sent], notTold: [...this.notTold] };
  }

  /** A copy for the query and the result: the ledger goes on changing after it is read. */
  view(): Pick<RegistrantView, 'callbacks' | 'not_told' | 'failed_callbacks'> {
    return { callbacks: [...this.sent], not_told: [...this.notTold], failed_callbacks: [...this.failed] };
  }

  delivered({ webhookId, callback }: Outbound): void {
    this.sent.push({ webhook_id: webhookId, type: callback.type, event_ts: callback.data.event_ts });
  }

  recordNotTold({ callback }: Outbound): void {
    this.notTold.push({ type: callback.type, event_ts: callback.data.event_ts });
  }

  /** The app did not take it within CALLBACK_RETRY_WINDOW: it waits for the re-drive after the ones asked so far. */
  refused({ webhookId, callback }: Outbound, error: string): number {
    this.failed.push({ webhook_id: webhookId, type: callback.type, error });
    this.refusals.set(webhookId, this.refusalsOf(webhookId) + 1);
    return this.redrives;
  }

  redriveAsked(): void {
    this.redrives += 1;
  }

  redrivenSince(asked: number): boolean {
    return this.redrives > asked;
  }

  redriven(webhookId: string): void {
    this.failed = this.failed.filter((f) => f.webhook_id !== webhookId);
  }

  /** Whether the app already has a callback about a later event than `eventTs`. */
  toldLaterThan(eventTs: number): boolean {
    return this.sent.some((c) => c.event_ts > eventTs);
  }

  redriveProblem(): string | null {
    return this.failed.length === 0 ? 'no failed callback waits for a re-drive' : null;
  }

  /** The callbacks a re-drive sends again, with how often each was refused so far. */
  waitingForRedrive(): Redriven[] {
    return this.failed.map((f) => ({ ...f, refusals: this.refusalsOf(f.webhook_id) }));
  }

  /** Each re-driven callback was delivered, or refused once more. */
  answered(redriven: Redriven[]): boolean {
    return redriven.every((r) => this.wasDelivered(r.webhook_id) || this.refusalsOf(r.webhook_id) > r.refusals);
  }

  report(redriven: Redriven[]): RedriveResult {
    return redriven.map(({ webhook_id, type }) => {
      const delivered = this.wasDelivered(webhook_id);
      const refused = this.failed.find((f) => f.webhook_id === webhook_id);
      return { webhook_id, type, delivered, error: delivered ? null : (refused?.error ?? null) };
    });
  }

  private refusalsOf(webhookId: string): number {
    return this.refusals.get(webhookId) ?? 0;
  }

  private wasDelivered(webhookId: string): boolean {
    return this.sent.some((c) => c.webhook_id === webhookId);
  }
}
