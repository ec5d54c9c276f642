// What Temporal knows the registrant workflow by (design.md 4.5): its type, id and search attributes. Shared by the
// gateway, the worker, the workflow and operators' tools; workflow code imports it, so it stays free of side effects.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const REGISTRANT_WORKFLOW_TYPE = 'registrantWorkflow';

/** The id holds no personal data: only Zoom's webinar and registrant ids. */
export function registrantWorkflowId(webinarId: string, registrantId: string): string {
  return `zoom-registrant/${webinarId}/${registrantId}`;
}

export const searchAttributes = {
  webinarId: defineSearchAttributeKey('ZoomWebinarId', SearchAttributeType.KEYWORD),
  registrantId: defineSearchAttributeKey('ZoomRegistrantId', SearchAttributeType.KEYWORD),
  registrationState: defineSearchAttributeKey('RegistrationState', SearchAttributeType.KEYWORD),
  cancelledBy: defineSearchAttributeKey('CancelledBy', SearchAttributeType.KEYWORD),
} as const;
