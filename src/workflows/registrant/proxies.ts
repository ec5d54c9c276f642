// The activities as the registrant workflow calls them, with retry policies that say what they are for.
// Activities are imported as types only: their code runs on the worker, never in the workflow sandbox.
import {
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { zoomApiTaskQueue, type WorkflowSettings } from '../topology';

/** The worker's settings, recorded in the history once per run. */
export const { loadSettings } = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });

export function registrantActivities(settings: WorkflowSettings) {
  // Zoom calls run on the Zoom queue; its 429s and 5xx are retried with backoff until LOOKUP_TIMEOUT. A call may
  // wait its turn in the shared Zoom budget for a while (heartbeating): a worker that dies is noticed by its silence.
  const onZoomQueue: ActivityOptions = {
    taskQueue: zoomApiTaskQueue(workflowInfo().taskQueue),
    scheduleToCloseTimeout: settings.lookupTimeoutMs,
    startToCloseTimeout: settings.lookupTimeoutMs,
    heartbeatTimeout: '30 seconds',
  };
  const backoffUpToAMinute: RetryPolicy = {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
  };

  // Zoom's calls answer its refusals as results; only what is worth retrying reaches the retry policy.
  const { lookupRegistrant, cancelInZoom, deleteDeniedRegistrant } = proxyActivities<Activities>({
    ...onZoomQueue,
    retry: backoffUpToAMinute,
  });
  // The app may be down for a while: keep trying with backoff for CALLBACK_RETRY_WINDOW, then wait for a re-drive.
  const { notifyApp } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: settings.callbackRetryWindowMs,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  // An email is retried as long as a callback would be, unless the mail server refuses it for good (a 5xx).
  const { emailRegistrant } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '10 seconds',
    scheduleToCloseTimeout: settings.callbackRetryWindowMs,
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
  });
  // An alert is worth a few tries, not a day's: an operator still finds the case in the Web UI.
  const { alertOperators } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 5 },
  });
  return { lookupRegistrant, cancelInZoom, deleteDeniedRegistrant, notifyApp, emailRegistrant, alertOperators };
}

export type RegistrantActivities = ReturnType<typeof registrantActivities>;
