// Signed Zoom events the gateway could not read, kept as workflows for operators (unreadable-event/workflow.ts): the
// gateway keeps one, `npm run ops -- unreadable` lists, shows and settles them.
import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import {
  UNREADABLE_EVENT_WORKFLOW_TYPE,
  unreadableEventDetails,
  settleUnreadableEventUpdate,
  type SettleUnreadableEvent,
  unreadableEventQuery,
  unreadableEventWorkflowId,
  type UnreadableEventSettlement,
  type UnreadableEventView,
  type UnreadableZoomEvent,
} from '../workflows/unreadable-event/messages';
import type { unreadableZoomEventWorkflow } from '../workflows/unreadable-event/workflow';
import { withTemporalDeadline } from './deadline';
import { visibilityQuery } from './visibility-query';

// Temporal caps a summary at 200 bytes; the reason is cut to fit beside the event's name.
const SUMMARY_REASON_CHARS = 120;

/** Keeps the event durably (a workflow per body: a retry of the same delivery finds it kept) and names it. */
export async function keepUnreadableEvent(
  client: Client,
  taskQueue: string,
  event: UnreadableZoomEvent,
): Promise<string> {
  const workflowId = unreadableEventWorkflowId(createHash('sha256').update(event.body).digest('hex').slice(0, 32));
  const reason =
    event.reason.length > SUMMARY_REASON_CHARS ? `${event.reason.slice(0, SUMMARY_REASON_CHARS)}…` : event.reason;
  await withTemporalDeadline(client, () =>
    client.workflow.start<typeof unreadableZoomEventWorkflow>(UNREADABLE_EVENT_WORKFLOW_TYPE, {
      workflowId,
      taskQueue,
      args: [event],
      workflowIdConflictPolicy: 'USE_EXISTING',
      staticSummary: `Unreadable Zoom event ${event.event ?? '(no event name)'}: ${reason}`,
      staticDetails: unreadableEventDetails(workflowId),
    }),
  );
  return workflowId;
}

export interface UnreadableEventSummary {
  workflow_id: string;
  started_at: string;
}

/** The kept events nobody has settled yet, oldest first. */
export async function openUnreadableEvents(client: Client): Promise<UnreadableEventSummary[]> {
  const query = visibilityQuery(
    ['WorkflowType', '=', UNREADABLE_EVENT_WORKFLOW_TYPE],
    ['ExecutionStatus', '=', 'Running'],
  );
  const open: UnreadableEventSummary[] = [];
  for await (const execution of client.workflow.list({ query })) {
    open.push({ workflow_id: execution.workflowId, started_at: execution.startTime.toISOString() });
  }
  return open.sort((a, b) => a.started_at.localeCompare(b.started_at));
}

/** One kept event, settled or not (a query: a worker answers it, for a closed workflow too). */
export function readUnreadableEvent(client: Client, workflowId: string): Promise<UnreadableEventView> {
  return client.workflow.getHandle<typeof unreadableZoomEventWorkflow>(workflowId).query(unreadableEventQuery);
}

/** Settles a kept event; one already settled is refused with what was done. */
export async function settleUnreadableEvent(
  client: Client,
  workflowId: string,
  settlement: SettleUnreadableEvent,
): Promise<UnreadableEventSettlement> {
  const handle = client.workflow.getHandle<typeof unreadableZoomEventWorkflow>(workflowId);
  try {
    return await handle.executeUpdate(settleUnreadableEventUpdate, { args: [settlement] });
  } catch (err) {
    // A settled workflow has closed and takes no update: say what was done instead of "already completed".
    if ((await handle.describe()).status.name !== 'COMPLETED') throw err;
    const settled = await handle.result();
    throw new Error(`already ${settled.outcome}: ${settled.note}`);
  }
}
