// A signed Zoom event the gateway could not read, as Temporal keeps it for operators: its workflow type and id, what
// it holds, and how an operator settles it. Shared by the workflow, the gateway and `npm run ops -- unreadable`.
import { defineQuery, defineUpdate } from '@temporalio/workflow';

export const UNREADABLE_EVENT_WORKFLOW_TYPE = 'unreadableZoomEventWorkflow';

/**
 * One workflow per body: Zoom's retries of a delivery carry the same bytes, so they find the one already kept. The
 * digest (of the raw body) is computed by the caller; the id holds no personal data.
 */
export const unreadableEventWorkflowId = (bodyDigest: string) => `zoom-unreadable-event/${bodyDigest}`;

export interface UnreadableZoomEvent {
  /** The event's name when it had one (`webinar.registration_cancelled`), else null. */
  event: string | null;
  /** Why it could not be read, in the words of the schema that refused it. */
  reason: string;
  /** The body exactly as Zoom signed it (personal data: the payload codec encrypts it when keys are set). */
  body: string;
  received_at: string;
  /** The gateway's correlation id of the delivery (Zoom's x-zm-trackingid when it sent one). */
  correlation_id: string;
}

/** What an operator did with it: handed on once the service could read it, or set aside with a reason. */
export interface UnreadableEventSettlement {
  outcome: 'ingested' | 'dismissed';
  note: string;
  settled_at: string;
}

export interface UnreadableEventView extends UnreadableZoomEvent {
  settled: UnreadableEventSettlement | null;
}

export const unreadableEventQuery = defineQuery<UnreadableEventView>('unreadableEvent');

export type SettleUnreadableEvent = Pick<UnreadableEventSettlement, 'outcome' | 'note'>;

export const settleUnreadableEventUpdate = defineUpdate<UnreadableEventSettlement, [SettleUnreadableEvent]>('settle');

/** What the Web UI shows on the workflow's page: what this is and what an operator does about it. */
export function unreadableEventDetails(workflowId: string): string {
  return [
    'Zoom sent this signed event and the service could not read it. It was answered 200 (Zoom never resends a 4xx)',
    'and is kept here so that nothing is lost. Its input holds the body and the reason.',
    '',
    `- \`npm run ops -- unreadable show ${workflowId}\`: the body and the reason;`,
    `- \`npm run ops -- unreadable ingest ${workflowId}\`: once a fix reads it, hand it to its registrant;`,
    `- \`npm run ops -- unreadable dismiss ${workflowId} --note "why"\`: set it aside.`,
  ].join('\n');
}
