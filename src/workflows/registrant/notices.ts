// The emails and operator alerts of one registrant, each sent once: an outcome's notice is queued under its id, and
// an id queued before (in this run or a previous one) is never queued again. Plain state: RegistrantNotifier
// (notify.ts) does the sending.
import type { AlertKind, EmailKind, NoticeStatus } from '../../domain/notices';

export interface NoticeRecord<Kind> {
  id: string;
  kind: Kind;
  status: NoticeStatus;
  /** Why it failed: the mail server's or the alert hook's last answer. */
  error: string | null;
}
export type EmailRecord = NoticeRecord<EmailKind>;
export type AlertRecord = NoticeRecord<AlertKind>;

/** What a run hands on (it never continues while a notice is on its way). */
export interface CarriedNotices {
  emails: EmailRecord[];
  alerts: AlertRecord[];
}

export class NoticeLedger {
  private readonly emails: EmailRecord[];
  private readonly alerts: AlertRecord[];

  constructor(carried?: CarriedNotices) {
    this.emails = (carried?.emails ?? []).map((r) => ({ ...r }));
    this.alerts = (carried?.alerts ?? []).map((r) => ({ ...r }));
  }

  carry(): CarriedNotices {
    return this.view();
  }

  /** Copies for the query and the result. */
  view(): CarriedNotices {
    return { emails: this.emails.map((r) => ({ ...r })), alerts: this.alerts.map((r) => ({ ...r })) };
  }

  /** False when this email was queued before: one email per outcome. */
  queueEmail(id: string, kind: EmailKind): boolean {
    return queue(this.emails, id, kind);
  }

  /** False when this alert was queued before: one alert per case and state. */
  queueAlert(id: string, kind: AlertKind): boolean {
    return queue(this.alerts, id, kind);
  }

  sent(id: string): void {
    this.finish(id, 'sent', null);
  }

  failed(id: string, error: string): void {
    this.finish(id, 'failed', error);
  }

  /** A notice is on its way: the run neither ends nor continues as new before it has gone or failed. */
  get pending(): boolean {
    return [...this.emails, ...this.alerts].some((r) => r.status === 'sending');
  }

  /** The emails that did not reach the registrant, for the Web UI's details. */
  get failedEmails(): EmailRecord[] {
    return this.emails.filter((r) => r.status === 'failed');
  }

  private finish(id: string, status: NoticeStatus, error: string | null): void {
    const record = [...this.emails, ...this.alerts].find((r) => r.id === id);
    if (record) Object.assign(record, { status, error });
  }
}

function queue<Kind>(records: NoticeRecord<Kind>[], id: string, kind: Kind): boolean {
  if (records.some((r) => r.id === id)) return false;
  records.push({ id, kind, status: 'sending', error: null });
  return true;
}
