// What Temporal knows the registrant workflow by (design.md 4.5): its type, id and search attributes. Shared by the
// gateway, the worker, the workflow and operators' tools; workflow code imports it, so it stays free of side effects.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { zoomEventKey, type ZoomEvent, type ZoomEventKind } from '../../domain/zoom-event';

export const REGISTRANT_WORKFLOW_TYPE = 'registrantWorkflow';

/** The id holds no personal data: only Zoom's ids of the event and the registrant. */
export function registrantWorkflowId(zoomEvent: ZoomEvent, registrantId: string): string {
  return `zoom-registrant/${zoomEventKey(zoomEvent)}/${registrantId}`;
}

export const searchAttributes = {
  zoomWebinarId: defineSearchAttributeKey('ZoomWebinarId', SearchAttributeType.KEYWORD),
  zoomMeetingId: defineSearchAttributeKey('ZoomMeetingId', SearchAttributeType.KEYWORD),
  registrantId: defineSearchAttributeKey('ZoomRegistrantId', SearchAttributeType.KEYWORD),
  registrationState: defineSearchAttributeKey('RegistrationState', SearchAttributeType.KEYWORD),
  cancelledBy: defineSearchAttributeKey('CancelledBy', SearchAttributeType.KEYWORD),
} as const;

/** The search attribute that holds the id of a registrant's Zoom event, by its kind. */
export function zoomEventIdAttribute(kind: ZoomEventKind) {
  const byKind = { webinar: searchAttributes.zoomWebinarId, meeting: searchAttributes.zoomMeetingId } as const;
  return byKind[kind];
}
