// The reconciliation sweep from outside: the Temporal Schedule that runs it every RECONCILE_INTERVAL (the worker keeps
// it as its configuration says at every start, `npm run ops -- schedule` does the same by hand, and an operator's
// pause stands), and a sweep run now (`npm run ops -- reconcile`, the demo).
import {
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import type { ScheduleDescription, ScheduleOptionsStartWorkflowAction } from '@temporalio/client';
import {
  RECONCILIATION_WORKFLOW_TYPE,
  reconciliationScheduleId,
  type ReconciliationInput,
} from '../workflows/reconciliation/messages';
import type { reconciliationWorkflow } from '../workflows/reconciliation/workflow';
import { describeZoomEvent, zoomEventKey, type ZoomEvent } from '../domain/zoom-event';

/** The note of a schedule paused because RECONCILE_INTERVAL is off: set again, the interval resumes it. */
export const PAUSED_BY_CONFIGURATION = 'paused: RECONCILE_INTERVAL is off';

export type ScheduleState =
  | { kind: 'off'; scheduleId: string }
  | { kind: 'running'; scheduleId: string; everyMs: number; nextRuns: Date[] }
  | { kind: 'paused'; scheduleId: string; everyMs: number | null; note: string };

function action(taskQueue: string): ScheduleOptionsStartWorkflowAction<typeof reconciliationWorkflow> {
  return {
    type: 'startWorkflow',
    workflowType: RECONCILIATION_WORKFLOW_TYPE,
    // Temporal appends the scheduled time to the id of each run.
    workflowId: reconciliationScheduleId(taskQueue),
    taskQueue,
    args: [{} satisfies ReconciliationInput],
    staticSummary: "Reconciliation sweep: Zoom's registrant listings against the registrant workflows",
  };
}

const policies = (everyMs: number) => ({
  // A sweep still running when the next is due: the next one is skipped, not queued.
  overlap: ScheduleOverlapPolicy.SKIP,
  // Workers that were down do not owe a backlog of sweeps: one, if it is still within an interval.
  catchupWindow: everyMs,
});

/**
 * Creates or updates the schedule so that it runs a sweep every `everyMs` (null: RECONCILE_INTERVAL is off, and a
 * schedule there is paused, saying so). Idempotent: every worker calls it at start.
 */
export async function ensureReconciliationSchedule(
  client: Client,
  { taskQueue, everyMs }: { taskQueue: string; everyMs: number | null },
): Promise<ScheduleState> {
  const scheduleId = reconciliationScheduleId(taskQueue);
  const handle = client.schedule.getHandle(scheduleId);
  if (everyMs === null) {
    try {
      const { state } = await handle.describe();
      if (!state.paused) await handle.pause(PAUSED_BY_CONFIGURATION);
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return { kind: 'off', scheduleId };
      throw err;
    }
    return describeReconciliationSchedule(client, taskQueue);
  }
  const definition = {
    spec: { intervals: [{ every: everyMs }] },
    action: action(taskQueue),
    policies: policies(everyMs),
  };
  try {
    await client.schedule.create({
      scheduleId,
      ...definition,
      state: { note: 'kept by the workers from RECONCILE_INTERVAL' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await handle.update((previous: ScheduleDescription) => ({
      ...definition,
      // An operator's pause stands; one that only said the interval was off ends with it.
      state:
        previous.state.paused && previous.state.note === PAUSED_BY_CONFIGURATION
          ? { paused: false, note: 'resumed: RECONCILE_INTERVAL is set' }
          : { paused: previous.state.paused, note: previous.state.note },
    }));
  }
  return describeReconciliationSchedule(client, taskQueue);
}

/** Where the schedule stands: absent (off), running with its next runs, or paused with the note that says why. */
export async function describeReconciliationSchedule(client: Client, taskQueue: string): Promise<ScheduleState> {
  const scheduleId = reconciliationScheduleId(taskQueue);
  let description: ScheduleDescription;
  try {
    description = await client.schedule.getHandle(scheduleId).describe();
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return { kind: 'off', scheduleId };
    throw err;
  }
  const everyMs = description.spec.intervals?.[0]?.every ?? null;
  if (description.state.paused) {
    return { kind: 'paused', scheduleId, everyMs, note: description.state.note ?? '' };
  }
  return { kind: 'running', scheduleId, everyMs: everyMs ?? 0, nextRuns: description.info.nextActionTimes };
}

/** Starts one sweep of these webinars now, beside the schedule's; its handle gives the report. */
export function sweepNow(
  client: Client,
  taskQueue: string,
  zoomEvents: ZoomEvent[],
): Promise<WorkflowHandle<typeof reconciliationWorkflow>> {
  return client.workflow.start<typeof reconciliationWorkflow>(RECONCILIATION_WORKFLOW_TYPE, {
    workflowId: `${reconciliationScheduleId(taskQueue)}/now-${zoomEvents.map(zoomEventKey).join('-')}-${Date.now()}`,
    taskQueue,
    args: [{ zoomEvents }],
    staticSummary: `Reconciliation sweep of ${zoomEvents.map(describeZoomEvent).join(', ')}, asked for now`,
  });
}
