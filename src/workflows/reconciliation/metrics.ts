// The sweep's findings in the worker's metrics: each webinar's, added once, when its sweep finishes (a webinar read
// across continue-as-new is counted by the run that finishes it; the SDK emits nothing on replay).
import { metricMeter } from '@temporalio/workflow';
import { FINDINGS } from '../../domain/reconciliation';
import type { ZoomEventFindings } from './messages';

export function countFindings(findings: ZoomEventFindings): void {
  const found = metricMeter.createCounter(
    'zoom_reconciliation_findings',
    'registrants',
    'What the reconciliation sweeps found, by finding (agreeing, missed_cancellation, …)',
  );
  for (const finding of FINDINGS) if (findings[finding] > 0) found.add(findings[finding], { finding });
  metricMeter
    .createCounter('zoom_reconciliation_webinars', 'webinars', 'Webinars swept, by outcome (swept, or failed)')
    .add(1, { outcome: findings.errors.length > 0 ? 'failed' : 'swept' });
}
