// The sweep's findings in the worker's metrics: each webinar's, added once, when its sweep finishes (a webinar read
// across continue-as-new is counted by the run that finishes it; the SDK emits nothing on replay).
import { metricMeter } from '@temporalio/workflow';
import { FINDINGS } from '../../domain/reconciliation';
import { COUNTERS } from '../../metrics';
import type { ZoomEventFindings } from './messages';

export function countFindings(findings: ZoomEventFindings): void {
  const { reconciliationFindings: found, reconciliationWebinars: swept } = COUNTERS;
  const counter = metricMeter.createCounter(found.name, found.unit, found.description);
  for (const finding of FINDINGS) if (findings[finding] > 0) counter.add(findings[finding], { finding });
  metricMeter
    .createCounter(swept.name, swept.unit, swept.description)
    .add(1, { outcome: findings.errors.length > 0 ? 'failed' : 'swept' });
}

/** A sweep finished: a steady rate of these is the schedule working. */
export function countSweep(): void {
  const { name, unit, description } = COUNTERS.reconciliationSweeps;
  metricMeter.createCounter(name, unit, description).add(1);
}
