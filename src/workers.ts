// The registration workers: two on one connection. The main queue runs the registrant workflows and the app
// callbacks; the Zoom queue runs Zoom API calls under one server-enforced rate limit for all workers.
import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import { AppNotifier } from './app/notifier';
import type { WorkerConfig } from './config';
import { zoomApiTaskQueue } from './workflows/registrant/names';
import { ZoomClient } from './zoom/client';

export interface RegistrationWorkersOptions {
  config: WorkerConfig;
  connection: NativeConnection;
  /** A prebuilt bundle (the tests build one per run); by default the worker bundles src/workflows itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Continue-as-new threshold; tests lower it to exercise continue-as-new. */
  maxHistoryEvents?: number;
}

// Well before Temporal's own limits; a registrant rarely gets near this.
const DEFAULT_MAX_HISTORY_EVENTS = 2_000;

export async function createRegistrationWorkers({
  config,
  connection,
  workflowBundle,
  maxHistoryEvents = DEFAULT_MAX_HISTORY_EVENTS,
}: RegistrationWorkersOptions) {
  const zoom = new ZoomClient({
    apiBaseUrl: config.ZOOM_API_BASE_URL,
    tokenUrl: config.ZOOM_OAUTH_TOKEN_URL,
    accountId: config.ZOOM_ACCOUNT_ID,
    clientId: config.ZOOM_CLIENT_ID,
    clientSecret: config.ZOOM_CLIENT_SECRET,
  });
  const notifier = new AppNotifier(
    config.APP_CALLBACK_URL && config.APP_CALLBACK_SECRET
      ? { url: config.APP_CALLBACK_URL, secret: config.APP_CALLBACK_SECRET }
      : null,
  );
  const { loadSettings, lookupRegistrant, cancelInZoom, deleteDeniedRegistrant, notifyApp } = createActivities({
    zoom,
    notifier,
    settings: {
      followUpWindowMs: config.FOLLOW_UP_WINDOW,
      lookupTimeoutMs: config.LOOKUP_TIMEOUT,
      dedupWindowMs: config.DEDUP_WINDOW,
      maxHistoryEvents,
      restoreReregistration: config.RESTORE_REREGISTRATION,
      callbackRetryWindowMs: config.CALLBACK_RETRY_WINDOW,
    },
  });
  const common = { connection, namespace: config.TEMPORAL_NAMESPACE };
  return Promise.all([
    Worker.create({
      ...common,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
      activities: { loadSettings, notifyApp },
    }),
    Worker.create({
      ...common,
      taskQueue: zoomApiTaskQueue(config.TEMPORAL_TASK_QUEUE),
      activities: { lookupRegistrant, cancelInZoom, deleteDeniedRegistrant },
      maxTaskQueueActivitiesPerSecond: config.ZOOM_API_RATE_LIMIT,
    }),
  ]);
}
