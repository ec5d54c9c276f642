// The registrant workflows seen from outside: what the gateway's /api, the operators' CLI and the reconciliation
// sweep read. Everything here talks to Temporal only; Zoom is the workflow's business.
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { google, temporal } from '@temporalio/proto';
import type { CancellationRecord } from '../domain/cancellation';
import type { CancelledBy, ListedState } from '../domain/registration';
import {
  ZOOM_EVENT_KINDS,
  distinctZoomEvents,
  zoomEventIdField,
  type ZoomEvent,
  type ZoomEventIdField,
} from '../domain/zoom-event';
import { stateQuery, type RegistrantView } from '../workflows/registrant/messages';
import {
  REGISTRANT_WORKFLOW_TYPE,
  registrantWorkflowId,
  searchAttributes,
  zoomEventIdAttribute,
} from '../workflows/registrant/names';
import type { registrantWorkflow } from '../workflows/registrant/workflow';
import { visibilityQuery } from './visibility-query';

export interface RegistrantRecord {
  view: RegistrantView;
  workflow: { id: string; status: string };
}

/**
 * The registrant's state and evidence: the `state` query while its workflow runs, its result once it has closed.
 * Null when Temporal knows nothing of the registrant: no workflow (no event ever came, or the namespace no longer
 * retains it), or one that only held the app's refused requests.
 */
export async function readRegistrant(
  client: Client,
  zoomEvent: ZoomEvent,
  registrantId: string,
): Promise<RegistrantRecord | null> {
  const record = await readWorkflow(client, zoomEvent, registrantId);
  return record && knowsRegistrant(record.view) ? record : null;
}

export async function readCancellation(
  client: Client,
  zoomEvent: ZoomEvent,
  registrantId: string,
  cancellationId: string,
): Promise<CancellationRecord | null> {
  const record = await readWorkflow(client, zoomEvent, registrantId);
  return record?.view.cancellations.find((c) => c.id === cancellationId) ?? null;
}

/**
 * A run that only held refused requests ends at once (a request for a registrant Zoom does not know, say); deleting
 * it leaves nothing in the Web UI or the listings that looks like a registrant. True when it was deleted. A run that
 * knows the registrant, or one that has not ended (started before it ended by itself), is left alone.
 */
export async function forgetRefusedRun(client: Client, zoomEvent: ZoomEvent, registrantId: string): Promise<boolean> {
  const workflowId = registrantWorkflowId(zoomEvent, registrantId);
  const handle = client.workflow.getHandle(workflowId);
  const { runId, status } = await handle.describe();
  if (status.name !== 'RUNNING' && status.name !== 'COMPLETED') return false;
  // A running registrant (a 409 for one cancelled already, say) is left at once: its result would wait out its
  // DEDUP_WINDOW. A run that knows nothing ends by itself in a moment, and its result says so.
  if (status.name === 'RUNNING' && knowsRegistrant(await handle.query(stateQuery))) return false;
  const view = (await client.workflow.result(workflowId, runId, { followRuns: false })) as RegistrantView;
  if (knowsRegistrant(view)) return false;
  await client.workflowService.deleteWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId },
  });
  return true;
}

/** Some event was applied, or the app's request made the registrant something. */
function knowsRegistrant(view: RegistrantView): boolean {
  return view.state !== null || view.last_event_ts !== null;
}

async function readWorkflow(
  client: Client,
  zoomEvent: ZoomEvent,
  registrantId: string,
): Promise<RegistrantRecord | null> {
  const handle = client.workflow.getHandle<typeof registrantWorkflow>(registrantWorkflowId(zoomEvent, registrantId));
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  // A completed run returned its last view; a running one (or one that ended abnormally) answers the query.
  const view: RegistrantView = status === 'COMPLETED' ? await handle.result() : await handle.query(stateQuery);
  return { view, workflow: { id: handle.workflowId, status: status.toLowerCase() } };
}

export type ListedRegistrant = ZoomEventIdField & {
  registrant_id: string;
  state: ListedState | null;
  cancelled_by: CancelledBy | null;
  workflow_id: string;
  workflow_status: string;
  started_at: string | null;
  closed_at: string | null;
};

export interface RegistrantPage {
  registrants: ListedRegistrant[];
  /** Pass back as `cursor` for the next page; null on the last one. */
  next_cursor: string | null;
}

export interface RegistrantListing {
  zoomEvent: ZoomEvent;
  /** One state, or any of several; all states when absent. */
  state?: ListedState | readonly ListedState[];
  /** Only these registrants (at most a few hundred: they go into the query). */
  registrantIds?: readonly string[];
  pageSize: number;
  cursor?: string;
}

/**
 * Registrants of a Zoom event, from Temporal's visibility store (the search attributes of design.md 4.5). Closed
 * workflows are listed only while the namespace retains them, so a registrant whose workflow completed and who came
 * back later is listed once per run (`started_at` tells the latest); visibility lags writes by a moment.
 */
export async function listRegistrants(client: Client, query: RegistrantListing): Promise<RegistrantPage> {
  const states = query.state === undefined ? [] : typeof query.state === 'string' ? [query.state] : query.state;
  const response = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    pageSize: query.pageSize,
    nextPageToken: query.cursor ? Buffer.from(query.cursor, 'base64url') : undefined,
    query: visibilityQuery(
      ['WorkflowType', '=', REGISTRANT_WORKFLOW_TYPE],
      [zoomEventIdAttribute(query.zoomEvent.kind).name, '=', query.zoomEvent.id],
      ...(states.length > 0 ? [[searchAttributes.registrationState.name, 'IN', states] as const] : []),
      ...(query.registrantIds ? [[searchAttributes.registrantId.name, 'IN', query.registrantIds] as const] : []),
      // Each continue-as-new leaves a closed run behind; the latest run speaks for the registrant.
      ['ExecutionStatus', '!=', 'ContinuedAsNew'],
    ),
  });
  const registrants = (response.executions ?? []).map((execution) => listed(execution, query.zoomEvent));
  const token = response.nextPageToken;
  return {
    registrants,
    next_cursor: token && token.length > 0 ? Buffer.from(token).toString('base64url') : null,
  };
}

/** A Keyword search attribute of a listed workflow. */
function keywordOf(execution: temporal.api.workflow.v1.IWorkflowExecutionInfo, name: string): string | null {
  const payload = execution.searchAttributes?.indexedFields?.[name];
  if (!payload) return null;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  // Keyword attributes may come back as a one-element list.
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : null;
}

function listed(execution: temporal.api.workflow.v1.IWorkflowExecutionInfo, zoomEvent: ZoomEvent): ListedRegistrant {
  const keyword = (name: string) => keywordOf(execution, name);
  const status = temporal.api.enums.v1.WorkflowExecutionStatus[execution.status ?? 0] ?? 'UNKNOWN';
  return {
    ...zoomEventIdField(zoomEvent),
    registrant_id: keyword(searchAttributes.registrantId.name) ?? '',
    state: keyword(searchAttributes.registrationState.name) as ListedState | null,
    cancelled_by: keyword(searchAttributes.cancelledBy.name) as CancelledBy | null,
    workflow_id: execution.execution?.workflowId ?? '',
    workflow_status: status.replace('WORKFLOW_EXECUTION_STATUS_', '').toLowerCase(),
    started_at: timestamp(execution.startTime),
    closed_at: timestamp(execution.closeTime),
  };
}

function timestamp(t: google.protobuf.ITimestamp | null | undefined): string | null {
  if (!t?.seconds) return null;
  return new Date(Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6)).toISOString();
}

/**
 * The Zoom events that registrant workflows open now on a task queue belong to: what the reconciliation sweep
 * watches (another deployment sharing the namespace has a queue, and a sweep, of its own).
 */
export async function zoomEventsWithOpenRegistrants(
  client: Client,
  taskQueue: string,
  onPage: () => void = () => {},
): Promise<ZoomEvent[]> {
  const found: ZoomEvent[] = [];
  let nextPageToken: Uint8Array | undefined;
  do {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      pageSize: 1000,
      nextPageToken,
      query: visibilityQuery(
        ['WorkflowType', '=', REGISTRANT_WORKFLOW_TYPE],
        ['TaskQueue', '=', taskQueue],
        ['ExecutionStatus', '=', 'Running'],
      ),
    });
    for (const execution of response.executions ?? []) {
      for (const kind of ZOOM_EVENT_KINDS) {
        const id = keywordOf(execution, zoomEventIdAttribute(kind).name);
        if (id) found.push({ kind, id });
      }
    }
    nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
    onPage();
  } while (nextPageToken);
  return distinctZoomEvents(found);
}

/** How long the namespace keeps a closed workflow (and its visibility record). */
export async function namespaceRetentionMs(client: Client): Promise<number> {
  const { config } = await client.workflowService.describeNamespace({ namespace: client.options.namespace });
  const ttl = config?.workflowExecutionRetentionTtl;
  return Number(ttl?.seconds ?? 0) * 1000 + Math.floor((ttl?.nanos ?? 0) / 1e6);
}

/** How many of a task queue's registrants are open in a state (the gateway's needs_review gauge). */
export async function countOpenRegistrants(client: Client, taskQueue: string, state: ListedState): Promise<number> {
  const { count } = await client.workflowService.countWorkflowExecutions({
    namespace: client.options.namespace,
    query: visibilityQuery(
      ['WorkflowType', '=', REGISTRANT_WORKFLOW_TYPE],
      ['TaskQueue', '=', taskQueue],
      ['ExecutionStatus', '=', 'Running'],
      [searchAttributes.registrationState.name, '=', state],
    ),
  });
  return Number(count);
}
