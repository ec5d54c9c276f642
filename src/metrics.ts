// The worker's business counters (README, "Metrics"), defined once: the activities and the workflows count into them
// through their own metric meters, and the worker creates every series of a known label set at 0 when it starts, so
// that a dashboard or an alert rule finds each from the first scrape instead of after the first event. A workflow's
// series are created with the tags its meter adds: `increase()` misses the first count of a series born at 1, and
// one waiting callback must raise an alert. (An activity's meter adds its type too; its counters feed rates of
// sustained trouble, where a first count matters less.) Labels are
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
  /**
   * The workflow type that counts it, whose metric meter adds its namespace, task queue and type to every series
   * (so the series created at 0 carry them too); none: counted by the worker's code, with the labels alone.
   */
  countedBy?: 'registrantWorkflow' | 'reconciliationWorkflow';
}

const CALLBACK_TYPES = [...REGISTRATION_KINDS, 'reinstated', 'needs_review'].map((kind) => `registrant.${kind}`);

const NOTICE_OUTCOMES = ['sent', 'deferred', 'refused'] as const;
export type NoticeOutcome = (typeof NOTICE_OUTCOMES)[number];

export const COUNTERS = {
  cancellationsSettled: {
    name: 'zoom_cancellations_settled',
    unit: 'cancellations',
    description: 'Cancellations settled, by who cancelled',
    labels: { cancelled_by: CANCELLED_BY, resolved_by: ['evidence', 'operator'] },
    countedBy: 'registrantWorkflow',
  },
  callbackFailures: {
    name: 'zoom_app_callback_failures',
    unit: 'attempts',
    description: 'Callbacks the app did not accept, by callback type',
    labels: { callback_type: CALLBACK_TYPES },
  },
  callbacksWaiting: {
    name: 'zoom_app_callbacks_waiting',
    unit: 'callbacks',
    description: "Callbacks the app did not take within CALLBACK_RETRY_WINDOW, left for an operator's re-drive",
    labels: { callback_type: CALLBACK_TYPES },
    countedBy: 'registrantWorkflow',
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
    countedBy: 'reconciliationWorkflow',
  },
  reconciliationSweeps: {
    name: 'zoom_reconciliation_sweeps',
    unit: 'sweeps',
    description: 'Reconciliation sweeps finished (scheduled or asked for): none for long means the schedule stopped',
    labels: {},
    countedBy: 'reconciliationWorkflow',
  },
  reconciliationWebinars: {
    name: 'zoom_reconciliation_webinars',
    unit: 'webinars',
    description: 'Webinars swept, by outcome (swept, or failed)',
    labels: { outcome: ['swept', 'failed'] },
    countedBy: 'reconciliationWorkflow',
  },
} as const satisfies Record<string, CounterDefinition>;

/** Every combination of a counter's label values: the series it has from the start. */
export function labelSets(labels: Record<string, readonly string[]>): Array<Record<string, string>> {
  return Object.entries(labels).reduce<Array<Record<string, string>>>(
    (sets, [label, values]) => sets.flatMap((set) => values.map((value) => ({ ...set, [label]: value }))),
    [{}],
  );
}
