// The business counters an on-call person asks for, from the activities, into the worker's Prometheus endpoint
// (the SDK's metric meter: the activity's own tags, task queue and activity type, come with them). Labels are kinds
// and categories, never ids or personal data.
import { metricMeter } from '@temporalio/activity';
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
