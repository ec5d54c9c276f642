// What this service tells people besides the app (README, "Notifications"): an email to the registrant per settled
// outcome, and an alert to the operators per case that needs one of them. Plain values only: workflow code imports
// them.
import type { CancellationOutcome } from './callbacks';
import type { Registrant } from './registration';
import { zoomEventKey, type ZoomEvent } from './zoom-event';

/** One email per settled outcome: a cancellation (by whom, or through the API on the app's request), or a reinstatement. */
export const EMAIL_KINDS = ['self_cancelled', 'admin_cancelled', 'api_cancelled', 'reinstated'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** A case an operator must decide, or a callback the app refused until an operator re-drives it. */
export const ALERT_KINDS = ['needs_review', 'callback_waiting'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

/** An email to send: built by the workflow, so that every retry sends the same message with the same Message-ID. */
export interface EmailNotice {
  /** Unique per registrant and outcome: the Message-ID's local part, and how the workflow sends it once. */
  id: string;
  kind: EmailKind;
  zoomEvent: ZoomEvent;
  registrant: Registrant;
  occurrenceId: string | null;
  /** The outcome of a cancellation; null for a reinstatement. */
  outcome: CancellationOutcome | null;
}

/** An alert to post: once per case and state. */
export interface AlertNotice {
  id: string;
  kind: AlertKind;
  zoomEvent: ZoomEvent;
  registrantId: string;
  /** Why an operator is needed: the review's reason, or the app's refusal. */
  why: string;
}

/**
 * What became of one notice: on its way (retried while the server refuses for now), `sent` (or posted), or `failed`
 * (refused for good, as a 5xx or an address the mail server refuses, or still refused when its retries ran out).
 */
export type NoticeStatus = 'sending' | 'sent' | 'failed';

/**
 * The id of what happened to a registrant at `eventTs`, as callbacks spell their webhook-ids (`zr_…`), so that an
 * email, an alert and a callback about the same outcome read alike in logs.
 */
export function noticeId(zoomEvent: ZoomEvent, registrantId: string, eventTs: number, what: string): string {
  return `zr_${zoomEventKey(zoomEvent)}_${registrantId}_${eventTs}_${what}`;
}

/** The email a settled cancellation sends: through the API on the app's request, else by who cancelled. */
export function emailKindOf(outcome: CancellationOutcome, throughApi: boolean): EmailKind {
  if (throughApi) return 'api_cancelled';
  return outcome.cancelled_by === 'registrant' ? 'self_cancelled' : 'admin_cancelled';
}
