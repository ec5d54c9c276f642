// The callbacks of design.md 4.4, built in one place. The webhook-id depends only on the registrant, the event
// and the callback type, so a retried or re-driven callback carries the same id and the app can de-duplicate.
import type { AppCallback, AppCallbackType, CancellationOutcome, Outbound } from '../../domain/callbacks';
import type { Evidence } from '../../domain/evidence';
import type { Registrant } from '../../domain/registration';
import type { RedriveResult, RegistrantView } from './messages';

type Redriven = RegistrantView['failed_callbacks'][number] & { refusals: number };

/** What a callback is about: the event (or our own act) that produced it. */
export interface CallbackSubject {
  webinarId: string;
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
  const { webinarId, registrantId, eventTs, occurrenceId, registrant } = subject;
  const data = { webinar_id: webinarId, occurrence_id: occurrenceId, registrant, event_ts: eventTs };
  // The callback carries the evidence as it was when the outcome was sent.
  const extra =
    about.type === 'registrant.cancelled'
      ? { ...about.outcome, evidence: snapshot(about.evidence) }
      : about.type === 'registrant.needs_review'
        ? { evidence: snapshot(about.evidence) }
        : {};
  return {
    webhookId: `zr_${webinarId}_${registrantId}_${eventTs}_${about.type.slice('registrant.'.length)}`,
    callback: { type: about.type, timestamp: new Date().toISOString(), data: { ...data, ...extra } } as AppCallback,
    ...(correlationId === undefined ? {} : { correlationId }),
  };
}

function snapshot(evidence: Evidence): Evidence {
  return { ...evidence, follow_ups: [...evidence.follow_ups] };
}

/** What became of the callbacks: sent, or refused by the app and waiting for a re-drive. */
export class CallbackLedger {
  /** Refusals so far per callback, so that a re-drive can tell "refused again" from "still refused". */
  private readonly refusals = new Map<string, number>();

  constructor(private readonly view: RegistrantView) {}

  refused({ webhookId, callback }: Outbound, error: string): void {
    this.view.failed_callbacks.push({ webhook_id: webhookId, type: callback.type, error });
    this.refusals.set(webhookId, this.refusalsOf(webhookId) + 1);
  }

  redriven(webhookId: string): void {
    this.view.failed_callbacks = this.view.failed_callbacks.filter((f) => f.webhook_id !== webhookId);
  }

  delivered({ webhookId, callback }: Outbound): void {
    this.view.callbacks.push({ webhook_id: webhookId, type: callback.type, event_ts: callback.data.event_ts });
  }

  refusalsOf(webhookId: string): number {
    return this.refusals.get(webhookId) ?? 0;
  }

  notTold({ callback }: Outbound): void {
    this.view.not_told.push({ type: callback.type, event_ts: callback.data.event_ts });
  }

  /** Whether the app already has a callback about a later event than `eventTs`. */
  toldLaterThan(eventTs: number): boolean {
    return this.view.callbacks.some((c) => c.event_ts > eventTs);
  }

  wasDelivered(webhookId: string): boolean {
    return this.view.callbacks.some((c) => c.webhook_id === webhookId);
  }

  redriveProblem(): string | null {
    return this.view.failed_callbacks.length === 0 ? 'no failed callback waits for a re-drive' : null;
  }

  /** The callbacks a re-drive sends again, with how often each was refused so far. */
  waitingForRedrive(): Redriven[] {
    return this.view.failed_callbacks.map((f) => ({ ...f, refusals: this.refusalsOf(f.webhook_id) }));
  }

  /** Each re-driven callback was delivered, or refused once more. */
  answered(redriven: Redriven[]): boolean {
    return redriven.every((r) => this.wasDelivered(r.webhook_id) || this.refusalsOf(r.webhook_id) > r.refusals);
  }

  report(redriven: Redriven[]): RedriveResult {
    return redriven.map(({ webhook_id, type }) => {
      const delivered = this.wasDelivered(webhook_id);
      const refused = this.view.failed_callbacks.find((f) => f.webhook_id === webhook_id);
      return { webhook_id, type, delivered, error: delivered ? null : (refused?.error ?? null) };
    });
  }
}
