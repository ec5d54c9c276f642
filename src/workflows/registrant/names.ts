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

/** `patched()` ids of changes made while registrant workflows were running (each replays what came before it). */
export const PATCHES = {
  /** `RegistrationState` shows `settling` while a cancellation is being settled. */
  settlingState: 'registration-state-settling',
  /** A run that only ever held refused API requests ends, instead of waiting DEDUP_WINDOW like a registrant. */
  refusedRequestLeavesNothing: 'refused-request-leaves-nothing',
  /**
   * Callbacks go out one at a time, in the order they were told, and a created, approved or denied event older than
   * a callback the app already has is recorded but not told (a settled outcome is always told).
   */
  callbacksInOrder: 'callbacks-in-order',
} as const;
