// The workflow's business counters: each cancellation settled and told to the app, by who cancelled; each callback
// left waiting for a re-drive. The SDK emits workflow metrics only when the code runs for the first time, never on replay, so each counts once.
import { metricMeter } from '@temporalio/workflow';
import type { CancelledBy } from '../../domain/registration';
import { COUNTERS } from '../../metrics';

export function countSettledCancellation(cancelledBy: CancelledBy, byOperator: boolean): void {
  const { name, unit, description } = COUNTERS.cancellationsSettled;
  metricMeter
    .createCounter(name, unit, description)
    .add(1, { cancelled_by: cancelledBy, resolved_by: byOperator ? 'operator' : 'evidence' });
}

/** A callback the app did not take within CALLBACK_RETRY_WINDOW: it waits for `ops redrive`. */
export function countCallbackWaiting(type: string): void {
  const { name, unit, description } = COUNTERS.callbacksWaiting;
  metricMeter.createCounter(name, unit, description).add(1, { callback_type: type });
}
