// The reconciliation sweep as Temporal knows it: its workflow type, its schedule, what it is given and what it
// reports. Shared by the workflow, the worker (which keeps the schedule) and the operators' CLI.
import { defineQuery } from '@temporalio/workflow';
import type { Finding } from '../../domain/reconciliation';
import type { ZoomEvent, zoomEventIdField } from '../../domain/zoom-event';
import type { SweepProgress } from './sweep';

export const RECONCILIATION_WORKFLOW_TYPE = 'reconciliationWorkflow';

/** One schedule per task queue, so that several deployments can share a namespace. */
export const reconciliationScheduleId = (taskQueue: string) => `zoom-reconciliation/${taskQueue}`;

export interface ReconciliationInput {
  /** Sweep just these webinars (`npm run ops -- reconcile`); else the watched ones (see planSweep). */
  zoomEvents?: ZoomEvent[];
  /** What a run hands to the next one at continue-as-new. */
  progress?: SweepProgress;
}

/** What one webinar's sweep found: each registrant Zoom listed, counted once, and who was gone from every list. */
export type ZoomEventFindings = Record<Finding, number> &
  ReturnType<typeof zoomEventIdField> & {
    /** Registrants Zoom listed (approved, pending and denied; each once, whatever its occurrences). */
    listed: number;
    /** Listing pages read (Medium calls, each page of up to 300), and the one webinar read (Light). */
    zoom_calls: number;
    /** What kept the sweep from finishing this webinar (then nobody is taken for gone). */
    errors: string[];
  };

/** The sweep's result, and what the `progress` query answers while it runs. */
export interface SweepReport {
  started_at: string;
  finished_at: string | null;
  webinars: ZoomEventFindings[];
}

export const progressQuery = defineQuery<SweepReport>('progress');
