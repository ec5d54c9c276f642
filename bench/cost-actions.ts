// Billable actions counted two ways, for the cost phase (issue 25): by the Temporal server's own `action` counter on
// its Prometheus endpoint, and from the events of the workflows' histories that Temporal Cloud bills. Both are
// sorted into the same categories, so that where they disagree says which kind of action one of them cannot see.
//
// What Temporal Cloud bills, from "Temporal Cloud Actions" (https://docs.temporal.io/cloud/actions):
// - a workflow started (by a client, continue-as-new or a child start); one action per signal-with-start in all,
//   whether it starts the workflow or not;
// - every signal, and every query received by a worker;
// - every update accepted or rejected (update-with-start: the update, and the start if it started the workflow);
// - an activity started or retried, each attempt; an activity heartbeat that reaches the server;
// - the local activities of one workflow task, together (their markers), as one;
// - a timer started, including the one behind `condition(fn, timeout)`;
// - an UpsertSearchAttributes command, however many attributes it sets (not those set at start, nor
//   TemporalChangeVersion);
// - a child workflow: two; a schedule's run: three (two for the schedule, one for the start).
// Queries, heartbeats, rejected updates and schedules are billed but not in any history (the page's "Excluded
// Billable Actions"). The server's counter is described in https://docs.temporal.io/cloud/migrate/estimate-actions;
// its action types are those of the frontend's telemetry interceptor (temporalio/temporal,
// common/rpc/interceptor/telemetry.go, emitActionMetric).
import { temporal } from '@temporalio/proto';
import type { Client } from '@temporalio/client';
import axios from 'axios';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = temporal.api.enums.v1;

/** Action counts by a label: an action type of the server's, a category, or a history detail. */
export type Counts = Map<string, number>;

export const add = (counts: Counts, key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n);
export const total = (counts: Counts) => [...counts.values()].reduce((sum, n) => sum + n, 0);
export function minus(after: Counts, before: Counts): Counts {
  const delta: Counts = new Map();
  for (const [key, n] of after) if (n - (before.get(key) ?? 0) !== 0) delta.set(key, n - (before.get(key) ?? 0));
  return delta;
}
export function sum(...all: Counts[]): Counts {
  const counts: Counts = new Map();
  for (const c of all) for (const [key, n] of c) add(counts, key, n);
  return counts;
}

/** Billed, but never in a history: only the server's counter sees them. */
export const OUTSIDE_HISTORY = ['heartbeat', 'query', 'update rejected'] as const;

/** The category of each of the server's action types. */
const METRIC_CATEGORY: Record<string, string> = {
  grpc_StartWorkflowExecution: 'start or signal',
  grpc_SignalWithStartWorkflowExecution: 'start or signal',
  grpc_SignalWorkflowExecution: 'start or signal',
  grpc_ExecuteMultiOperation: 'start or signal',
  command_ScheduleActivityTask: 'activity',
  activity_retry: 'activity retry',
  command_StartTimer: 'timer',
  command_UpsertWorkflowSearchAttributes: 'search attributes',
  command_BatchMarkers: 'local activities',
  'message_UpdateWorkflowExecution:Acceptance': 'update',
  'message_UpdateWorkflowExecution:Rejection': 'update rejected',
  command_ContinueAsNewWorkflowExecution: 'continue-as-new',
  command_StartChildWorkflowExecution: 'child workflow',
  command_StartChildWorkflowExecution_Extra: 'child workflow',
  command_SignalExternalWorkflowExecution: 'signal from a workflow',
  grpc_RecordActivityTaskHeartbeat: 'heartbeat',
  grpc_RecordActivityTaskHeartbeatById: 'heartbeat',
  grpc_QueryWorkflow: 'query',
};

/** The Prometheus reporter turns every other character of a label value into `_` (bench-cost, `:Acceptance`). */
const sanitized = (value: string) => value.replace(/[^A-Za-z0-9_]/g, '_');
const CATEGORY_OF_SANITIZED = new Map(Object.entries(METRIC_CATEGORY).map(([type, c]) => [sanitized(type), c]));

/**
 * The server's `action` counter (its frontend's, as the docs' PromQL sums it) for one namespace, by action type. The
 * server adds to its Prometheus registry about once a second: a reading lags the calls by up to that.
 */
export async function scrapeActions(metricsUrl: string, namespace: string): Promise<Counts> {
  const { data } = await axios.get<string>(metricsUrl, { responseType: 'text' });
  const counts: Counts = new Map();
  for (const line of data.split('\n')) {
    const sample = /^action\{([^}]*)\}\s+(\S+)$/.exec(line);
    if (!sample) continue;
    const labels: Record<string, string> = Object.fromEntries(
      [...(sample[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    if (labels.namespace !== sanitized(namespace) || labels.service_name !== 'frontend') continue;
    // One marker per local activity is counted as well as their batch by some server versions: the batch is billed.
    if (labels.action_type?.startsWith('command_RecordMarker')) continue;
    add(counts, labels.action_type ?? '?', Number(sample[2]));
  }
  return counts;
}

/** The server's action types, sorted into the categories histories are read into (unknown ones kept apart). */
export function metricCategories(byType: Counts): Counts {
  const counts: Counts = new Map();
  for (const [type, n] of byType) add(counts, CATEGORY_OF_SANITIZED.get(sanitized(type)) ?? `other: ${type}`, n);
  return counts;
}

/** A run's events, and from which event on they are this measurement's (0: all of them). */
export interface RunSlice {
  events: HistoryEvent[];
  afterEventId: number;
}

export interface HistoryCost {
  /** Billable events, by category (comparable with metricCategories). */
  categories: Counts;
  /** The same, finer: which activity, which update. */
  detail: Counts;
  events: number;
  /** The slices' events encoded as Temporal stores and sends them (temporal.api.history.v1.History). */
  bytes: number;
  workflowTasks: number;
}

const id = (event: HistoryEvent) => Number(event.eventId ?? 0);

/** What the events after each slice's `afterEventId` cost, per the list at the top of this file. */
export function historyCost(slices: RunSlice[]): HistoryCost {
  const categories: Counts = new Map();
  const detail: Counts = new Map();
  let events = 0;
  let bytes = 0;
  let workflowTasks = 0;
  const bill = (category: string, what: string, n = 1) => {
    add(categories, category, n);
    add(detail, what, n);
  };
  for (const { events: all, afterEventId } of slices) {
    const mine = all.filter((e) => id(e) > afterEventId);
    events += mine.length;
    bytes += temporal.api.history.v1.History.encode({ events: mine }).finish().length;
    const first = all[0];
    // A run started by signal-with-start records the signal right after the start: one action for both.
    const startedBySignal =
      first?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED &&
      !first.workflowExecutionStartedEventAttributes?.continuedExecutionRunId &&
      all[1]?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED;
    const tasksWithMarkers = new Set<number>();
    for (const event of mine) {
      switch (event.eventType) {
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
          // A run continued-as-new was billed by its predecessor's command.
          if (!event.workflowExecutionStartedEventAttributes?.continuedExecutionRunId) bill('start or signal', 'start');
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
          if (startedBySignal && id(event) === 2) break;
          bill('start or signal', `signal ${event.workflowExecutionSignaledEventAttributes?.signalName ?? ''}`);
          break;
        case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
          bill('activity', `activity ${event.activityTaskScheduledEventAttributes?.activityType?.name ?? ''}`);
          break;
        case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
          // Retries are not events: the started event of the last attempt says how many there were.
          const retries = (event.activityTaskStartedEventAttributes?.attempt ?? 1) - 1;
          if (retries > 0) bill('activity retry', 'activity retry', retries);
          break;
        }
        case EventType.EVENT_TYPE_TIMER_STARTED: {
          const seconds = Number(event.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0);
          bill('timer', `timer ${seconds} s`);
          break;
        }
        case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
          const fields = Object.keys(
            event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {},
          );
          if (fields.some((f) => f !== 'TemporalChangeVersion')) bill('search attributes', 'search-attribute upsert');
          break;
        }
        case EventType.EVENT_TYPE_MARKER_RECORDED:
          tasksWithMarkers.add(Number(event.markerRecordedEventAttributes?.workflowTaskCompletedEventId ?? 0));
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
          bill(
            'update',
            `update ${event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name}`,
          );
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
          bill('continue-as-new', 'continue-as-new');
          break;
        case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
          bill('child workflow', 'child workflow', 2);
          break;
        case EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED:
          bill('signal from a workflow', 'signal from a workflow');
          break;
        case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_OPTIONS_UPDATED:
          bill('other: options updated', 'workflow options updated');
          break;
        case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
          workflowTasks += 1;
          break;
        default:
          break;
      }
    }
    if (tasksWithMarkers.size > 0)
      bill('local activities', 'local activities (per workflow task)', tasksWithMarkers.size);
  }
  return { categories, detail, events, bytes, workflowTasks };
}

/** Where a workflow's history stands now: its latest run and that run's last event. */
export interface HistoryMark {
  runId: string;
  eventId: number;
}

export async function markOf(client: Client, workflowId: string): Promise<HistoryMark | null> {
  try {
    const { runId, historyLength } = await client.workflow.getHandle(workflowId).describe();
    return { runId, eventId: historyLength };
  } catch {
    return null;
  }
}

async function runEvents(client: Client, workflowId: string, runId?: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
}

/**
 * A workflow's events since `mark` (null: all of it, every run), across the runs continue-as-new chained meanwhile.
 */
export async function historySince(client: Client, workflowId: string, mark: HistoryMark | null): Promise<RunSlice[]> {
  if (!mark) {
    // Back from the latest run to the first.
    const slices: RunSlice[] = [];
    for (let runId: string | undefined; ;) {
      const events = await runEvents(client, workflowId, runId);
      slices.unshift({ events, afterEventId: 0 });
      runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
      if (!runId) return slices;
    }
  }
  const slices: RunSlice[] = [];
  for (let runId: string | undefined = mark.runId, afterEventId = mark.eventId; runId; afterEventId = 0) {
    const events = await runEvents(client, workflowId, runId);
    slices.push({ events, afterEventId });
    const last = events.at(-1);
    runId =
      last?.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
        ? last.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId || undefined
        : undefined;
  }
  return slices;
}
