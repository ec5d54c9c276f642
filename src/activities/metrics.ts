// The business counters an on-call person asks for, from the activities, into the worker's Prometheus endpoint
// (the SDK's metric meter: the activity's own tags, task queue and activity type, come with them). Labels are kinds
// and categories, never ids or personal data.
import { metricMeter } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AlertKind, EmailKind } from '../domain/notices';
import type { ZoomRateCategory } from '../zoom/budget';

/** A callback the app did not accept (each failed attempt; Temporal retries it for CALLBACK_RETRY_WINDOW). */
export function countCallbackFailure(type: string): void {
  metricMeter
    .createCounter('zoom_app_callback_failures', 'attempts', 'Callbacks the app did not accept, by callback type')
    .add(1, { callback_type: type });
}

/** A Zoom call answered 429 (the budget keeps these rare: a steady rate means another app shares the account). */
export function countZoomRateLimited(category: ZoomRateCategory): void {
  metricMeter
    .createCounter('zoom_api_rate_limited', 'calls', "Zoom API calls answered 429, by Zoom's rate-limit category")
    .add(1, { category });
}

/** A Zoom call refused for good (a configuration or access problem: a scope, the base URL, a host user gone). */
export function countZoomRefusal(status: number | null, code: number | null): void {
  metricMeter
    .createCounter('zoom_api_refused', 'calls', 'Zoom API calls refused for good, by HTTP status and Zoom code')
    .add(1, { status: String(status ?? 'none'), code: String(code ?? 'none') });
}

/**
 * An email to a registrant or an alert to operators, each attempt: `sent`, `deferred` (tried again) or `refused`
 * (for good: a 5xx from the mail server).
 */
export function countNotice(channel: 'email', kind: EmailKind, err: unknown): void;
export function countNotice(channel: 'alert', kind: AlertKind, err: unknown): void;
export function countNotice(channel: 'email' | 'alert', kind: string, err: unknown): void {
  const outcome =
    err === null ? 'sent' : err instanceof ApplicationFailure && err.nonRetryable ? 'refused' : 'deferred';
  const [name, description, label] =
    channel === 'email'
      ? ['zoom_registrant_emails', 'Emails to registrants, each attempt, by kind and outcome', 'email_kind']
      : ['zoom_operator_alerts', 'Alerts to operators, each attempt, by kind and outcome', 'alert_kind'];
  metricMeter.createCounter(name, 'attempts', description).add(1, { [label]: kind, outcome });
}
