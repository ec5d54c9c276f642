// The emails to the registrant and the alerts to operators, beside the app's callbacks and never in their way:
// queued where an outcome is decided, sent in the background (emails one at a time, in order), each once.
import { ActivityFailure, log } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import type { CancellationOutcome } from '../../domain/callbacks';
import { noticeId, type AlertKind, type EmailKind } from '../../domain/notices';
import { errorMessage } from '../../errors';
import type { RegistrantActivities } from './proxies';
import type { CallbackSubject } from './callbacks';
import type { RegistrantState } from './state';
import type { WorkflowSettings } from '../topology';

export class RegistrantNotifier {
  /** Emails go out in the order their outcomes were decided; one that retries holds back only later emails. */
  private readonly mailing = new Mutex();

  constructor(
    private readonly registrant: RegistrantState,
    private readonly settings: WorkflowSettings,
    private readonly activities: RegistrantActivities,
    /** Told when a notice has failed: the Web UI's details say which email did not reach the person. */
    private readonly failed: () => void,
  ) {}

  /** The registrant's email about an outcome decided at `subject.eventTs`, when NOTIFY_EMAILS includes its kind. */
  email(kind: EmailKind, subject: CallbackSubject, outcome: CancellationOutcome | null): void {
    if (!this.settings.notify.emails.includes(kind)) return;
    const { zoomEvent, registrantId, eventTs, occurrenceId, registrant } = subject;
    const id = noticeId(zoomEvent, registrantId, eventTs, kind);
    const { notices } = this.registrant;
    if (!notices.queueEmail(id, kind)) return;
    if (!registrant.email) {
      notices.failed(id, 'no email address is known for the registrant');
      return;
    }
    const notice = { id, kind, zoomEvent, registrant, occurrenceId, outcome };
    void this.mailing.runExclusive(() => this.settle(id, this.activities.emailRegistrant(notice)));
  }

  /** An alert to the operators (OPS_ALERT_WEBHOOK_URL), once per case and state. */
  alert(kind: AlertKind, eventTs: number, why: string, about: string = kind): void {
    if (!this.settings.notify.alerts) return;
    const { zoomEvent, registrantId, notices } = this.registrant;
    const id = noticeId(zoomEvent, registrantId, eventTs, about);
    if (!notices.queueAlert(id, kind)) return;
    void this.settle(id, this.activities.alertOperators({ id, kind, zoomEvent, registrantId, why }));
  }

  /** Whatever the outcome, it is recorded and the workflow goes on: a notice never fails the registrant's run. */
  private async settle(id: string, sending: Promise<void>): Promise<void> {
    try {
      await sending;
      this.registrant.notices.sent(id);
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      log.warn('notice not delivered', { id, error: errorMessage(err) });
      this.registrant.notices.failed(id, errorMessage(err));
      this.failed();
    }
  }
}
