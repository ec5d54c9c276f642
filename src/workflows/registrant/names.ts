// What Temporal knows the registrant workflow by (design.md 4.5): its type, id, task queues, search attributes and
// the failure types its activities raise. Shared by the gateway, the worker, the workflow and operators' tools;
// workflow code imports it, so it stays free of side effects and Node built-ins.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const REGISTRANT_WORKFLOW_TYPE = 'registrantWorkflow';

/** The id holds no personal data: only Zoom's webinar and registrant ids. */
export function registrantWorkflowId(webinarId: string, registrantId: string): string {
  return `zoom-registrant/${webinarId}/${registrantId}`;
}

/** Zoom API activities run on their own queue so that the server can rate-limit them across all workers. */
export function zoomApiTaskQueue(taskQueue: string): string {
  return `${taskQueue}-zoom-api`;
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

/** ApplicationFailure types of the Zoom API activities, read by the workflow's retry policies and decision. */
export const ZOOM_FAILURES = {
  notSettled: 'RegistrantNotSettled',
  rateLimited: 'ZoomRateLimited',
  unavailable: 'ZoomUnavailable',
  rejected: 'ZoomRequestRejected',
  auth: 'ZoomAuthFailed',
} as const;

/** Worker-side durations the workflow reads once per run through an activity, so that its history records them. */
export interface WorkflowSettings {
  followUpWindowMs: number;
  lookupTimeoutMs: number;
  dedupWindowMs: number;
  /** Continue-as-new once a run's history is longer than this (or Temporal suggests it). */
  maxHistoryEvents: number;
  // Optional: histories recorded before these settings existed replay without them.
  /** RESTORE_REREGISTRATION: delete the denied record Zoom leaves after a self-cancel. */
  restoreReregistration?: boolean;
  /** CALLBACK_RETRY_WINDOW: how long a callback is retried before it waits for an operator's re-drive. */
  callbackRetryWindowMs?: number;
}
