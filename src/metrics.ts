// The worker's business counters (README, "Metrics"), defined once: the activities and the workflows count into them
// through their own metric meters, and the worker creates every series of a known label set at 0 when it starts, so
// that a dashboard or an alert rule finds each from the first scrape instead of after the first event. Labels are
// kinds and categories, never ids or personal data. Plain values only: workflow code imports this.
import { ALERT_KINDS, EMAIL_KINDS } from './domain/notices';
import { FINDINGS } from './domain/reconciliation';
import { CANCELLED_BY, REGISTRATION_KINDS } from './domain/registration';
import { ZOOM_RATE_CATEGORIES } from './zoom/budget';

export interface CounterDefinition {
  /** As the SDK's exporter names it, before it adds `_total`. */
  name: string;
  unit: string;
  description: string;
  /** Each label's values; a counter with open-ended labels (an HTTP status) has no series until it counts. */
  labels: Record<string, readonly string[]> | null;
}

const NOTICE_OUTCOMES = ['sent', 'deferred', 'refused'] as const;
export type NoticeOutcome = (typeof NOTICE_OUTCOMES)[number];

export const COUNTERS = {
  cancellationsSettled: {
    name: 'zoom_cancellations_settled',
    unit: 'cancellations',
    description: 'Cancellations settled, by who cancelled',
    labels: { cancelled_by: CANCELLED_BY, resolved_by: ['evidence', 'operator'] },
  },
  callbackFailures: {
    name: 'zoom_app_callback_failures',
    unit: 'attempts',
    description: 'Callbacks the app did not accept, by callback type',
    labels: {
      callback_type: [...REGISTRATION_KINDS, 'reinstated', 'needs_review'].map((kind) => `registrant.${kind}`),
    },
  },
  zoomRateLimited: {
    name: 'zoom_api_rate_limited',
    unit: 'calls',
    description: "Zoom API calls answered 429, by Zoom's rate-limit category",
    labels: { category: ZOOM_RATE_CATEGORIES },
  },
  zoomRefused: {
    name: 'zoom_api_refused',
    unit: 'calls',
    description: 'Zoom API calls refused for good, by HTTP status and Zoom code',
    labels: null,
  },
  registrantEmails: {
    name: 'zoom_registrant_emails',
    unit: 'attempts',
    description: 'Emails to registrants, each attempt, by kind and outcome',
    labels: { email_kind: EMAIL_KINDS, outcome: NOTICE_OUTCOMES },
  },
  operatorAlerts: {
    name: 'zoom_operator_alerts',
    unit: 'attempts',
    description: 'Alerts to operators, each attempt, by kind and outcome',
    labels: { alert_kind: ALERT_KINDS, outcome: NOTICE_OUTCOMES },
  },
  reconciliationFindings: {
    name: 'zoom_reconciliation_findings',
    unit: 'registrants',
    description: 'What the reconciliation sweeps found, by finding (agreeing, missed_cancellation, …)',
    labels: { finding: FINDINGS },
  },
  reconciliationWebinars: {
    name: 'zoom_reconciliation_webinars',
    unit: 'webinars',
    description: 'Webinars swept, by outcome (swept, or failed)',
    labels: { outcome: ['swept', 'failed'] },
  },
} as const satisfies Record<string, CounterDefinition>;

/** Every combination of a counter's label values: the series it has from the start. */
export function labelSets(labels: Record<string, readonly string[]>): Array<Record<string, string>> {
  return Object.entries(labels).reduce<Array<Record<string, string>>>(
    (sets, [label, values]) => sets.flatMap((set) => values.map((value) => ({ ...set, [label]: value }))),
    [{}],
  );
}
