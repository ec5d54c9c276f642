// What Temporal knows the registrant workflow by (design.md 4.5): its type, id and search attributes. Shared by the
// gateway, the worker, the workflow and operators' tools; workflow code imports it, so it stays free of side effects.
import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributeUpdatePair } from '@temporalio/common';
import type { CancelledBy, ListedState } from '../../domain/registration';
import { ZOOM_EVENT_KINDS, zoomEventKey, type ZoomEvent, type ZoomEventKind } from '../../domain/zoom-event';

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

/** Its id in its kind's attribute, and none in the other's (a meeting converted to a webinar moves over). */
export function zoomEventAttributes(zoomEvent: ZoomEvent): SearchAttributeUpdatePair[] {
  return ZOOM_EVENT_KINDS.map((kind) => ({
    key: zoomEventIdAttribute(kind),
    value: kind === zoomEvent.kind ? zoomEvent.id : null,
  }));
}

/** The search attribute that holds the id of a registrant's Zoom event, by its kind. */
export function zoomEventIdAttribute(kind: ZoomEventKind) {
  const byKind = { webinar: searchAttributes.zoomWebinarId, meeting: searchAttributes.zoomMeetingId } as const;
  return byKind[kind];
}

/** What a registrant's search attributes say: its Zoom event, listed state and who cancelled. */
export function listedAttributes(
  zoomEvent: ZoomEvent,
  state: ListedState | null,
  cancelledBy: CancelledBy | null,
): SearchAttributeUpdatePair[] {
  return [
    ...zoomEventAttributes(zoomEvent),
    { key: searchAttributes.registrationState, value: state },
    { key: searchAttributes.cancelledBy, value: cancelledBy },
  ];
}
