// The workflow's business counter: each cancellation settled and told to the app, by who cancelled. The SDK emits
// workflow metrics only when the code runs for the first time, never on replay, so each counts once.
import { metricMeter } from '@temporalio/workflow';
import type { CancelledBy } from '../../domain/registration';

export function countSettledCancellation(cancelledBy: CancelledBy, byOperator: boolean): void {
  metricMeter
    .createCounter('zoom_cancellations_settled', 'cancellations', 'Cancellations settled, by who cancelled')
    .add(1, { cancelled_by: cancelledBy, resolved_by: byOperator ? 'operator' : 'evidence' });
}
