// The business counters an on-call person asks for, from the activities, into the worker's Prometheus endpoint
// (the SDK's metric meter: the activity's own tags, task queue and activity type, come with them). Their names and
// labels are src/metrics.ts's.
import { ApplicationFailure } from '@temporalio/common';
import { metricMeter } from '@temporalio/activity';
import type { AlertKind, EmailKind } from '../domain/notices';
import { COUNTERS, type CounterDefinition, type NoticeOutcome } from '../metrics';
import type { ZoomRateCategory } from '../zoom/budget';

const counter = ({ name, unit, description }: CounterDefinition) => metricMeter.createCounter(name, unit, description);

/** A callback the app did not accept (each failed attempt; Temporal retries it for CALLBACK_RETRY_WINDOW). */
export function countCallbackFailure(type: string): void {
  counter(COUNTERS.callbackFailures).add(1, { callback_type: type });
}

/** A Zoom call answered 429 (the budget keeps these rare: a steady rate means another app shares the account). */
export function countZoomRateLimited(category: ZoomRateCategory): void {
  counter(COUNTERS.zoomRateLimited).add(1, { category });
}

/** A Zoom call refused for good (a configuration or access problem: a scope, the base URL, a host user gone). */
export function countZoomRefusal(status: number | null, code: number | null): void {
  counter(COUNTERS.zoomRefused).add(1, { status: String(status ?? 'none'), code: String(code ?? 'none') });
}

/**
 * An email to a registrant or an alert to operators, each attempt: `sent`, `deferred` (tried again) or `refused`
 * (for good: a 5xx from the mail server).
 */
export function countNotice(channel: 'email', kind: EmailKind, err: unknown): void;
export function countNotice(channel: 'alert', kind: AlertKind, err: unknown): void;
export function countNotice(channel: 'email' | 'alert', kind: string, err: unknown): void {
  const outcome: NoticeOutcome =
    err === null ? 'sent' : err instanceof ApplicationFailure && err.nonRetryable ? 'refused' : 'deferred';
  if (channel === 'email') counter(COUNTERS.registrantEmails).add(1, { email_kind: kind, outcome });
  else counter(COUNTERS.operatorAlerts).add(1, { alert_kind: kind, outcome });
}
