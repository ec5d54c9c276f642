// What the workflows and the worker agree on beyond any one workflow: the Zoom API's task queue, the failure types
// its activities raise, and the worker's settings that workflows read. Workflow code imports it, so it stays free of
// side effects and Node built-ins.
import type { EmailKind } from '../domain/notices';

/** Zoom API activities run on their own queue, with slots of their own: they mostly wait their turn in the budget. */
export function zoomApiTaskQueue(taskQueue: string): string {
  return `${taskQueue}-zoom-api`;
}

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
  /** RESTORE_REREGISTRATION: delete the denied record Zoom leaves after a self-cancel. */
  restoreReregistration: boolean;
  /** CALLBACK_RETRY_WINDOW: how long a callback is retried before it waits for an operator's re-drive. */
  callbackRetryWindowMs: number;
  /** Who else is told: the emails NOTIFY_EMAILS chooses (none without SMTP_URL), and whether alerts are posted. */
  notify: { emails: EmailKind[]; alerts: boolean };
}
