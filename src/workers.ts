// The registration workers: two on one connection. The main queue runs the registrant workflows (and the Zoom API
// budget they share) and the app callbacks; the Zoom queue runs the Zoom API calls, each paced by that budget.
import { Client } from '@temporalio/client';
import { Runtime, Worker, type TelemetryOptions, type WorkerOptions } from '@temporalio/worker';
import type { MetricMeter } from '@temporalio/common';
import { SharedZoomBudget } from './zoom/shared-budget';
import { createActivities } from './activities';
import { countZoomRateLimited } from './activities/metrics';
import { AppNotifier } from './app-callbacks/notifier';
import { zoomRateLimits, type WorkerConfig } from './config';
import type { WorkerTemporal } from './temporal/connection';
import { zoomApiTaskQueue } from './workflows/topology';
import type { ZoomBudget, ZoomRateCategory } from './zoom/budget';
import { ZoomClient } from './zoom/client';
import { ZoomCapture } from './zoom/capture';
import { logger } from './logger';
import { COUNTERS, labelSets, type CounterDefinition } from './metrics';
import { EmailTemplates } from './notifications/email-templates';
import { RegistrantMailer } from './notifications/mailer';
import { OperatorAlerts } from './notifications/operator-alerts';

export interface RegistrationWorkersOptions {
  config: WorkerConfig;
  /** The connection and namespace (connectWorker). */
  temporal: Pick<WorkerTemporal, 'connection' | 'namespace' | 'dataConverter'>;
  /** A prebuilt bundle (the tests build one per run); by default the worker bundles src/workflows itself. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Continue-as-new threshold; tests lower it to exercise continue-as-new. */
  maxHistoryEvents?: number;
  /** Built before connecting (`npm run worker`), so that a broken template stops the start at once. */
  mailer?: RegistrantMailer | null;
}

/**
 * How production starts the worker's node process (Dockerfile, docker-compose.yml; the benchmarks start it so too),
 * measured to keep it under 300 MB with 10,000 registrants open (README, "Sizing the worker"): a capped old space,
 * which V8 otherwise lets grow by hundreds of MB before it collects; a 1 MB young generation instead of up to 16 MB
 * per semi-space, in each of the two isolates (the main thread and the workflow thread); and two malloc arenas
 * instead of one per thread (Node and the SDK's Rust core allocate from many). The heap cap goes with
 * WORKER_MAX_CACHED_WORKFLOWS: raise both together.
 */
export const WORKER_PROCESS = {
  nodeFlags: ['--max-old-space-size=256', '--max-semi-space-size=1'],
  env: { MALLOC_ARENA_MAX: '2' },
} as const;

// Well before Temporal's own limits; a registrant rarely gets near this.
const DEFAULT_MAX_HISTORY_EVENTS = 2_000;

export async function createRegistrationWorkers({
  config,
  temporal: { connection, namespace, dataConverter },
  workflowBundle,
  maxHistoryEvents = DEFAULT_MAX_HISTORY_EVENTS,
  mailer = mailerOf(config),
}: RegistrationWorkersOptions) {
  startBusinessCounters(Runtime.instance().metricMeter, namespace, config.TEMPORAL_TASK_QUEUE);
  const budget = new SharedZoomBudget(
    new Client({ connection, namespace, dataConverter }),
    config.TEMPORAL_TASK_QUEUE,
    zoomRateLimits(config),
  );
  const capture = config.ZOOM_CAPTURE_DIR
    ? await ZoomCapture.open(config.ZOOM_CAPTURE_DIR, 'worker', (message) => logger.warn(message))
    : null;
  if (capture) logger.warn(`capture mode: Zoom's answers are written to ${config.ZOOM_CAPTURE_DIR}, redacted`);
  const zoomClient = (forCalls: ZoomBudget) =>
    new ZoomClient({
      onAnswer: capture ? (answer) => capture.zoomAnswer(answer) : undefined,
      budget: forCalls,
      apiBaseUrl: config.ZOOM_API_BASE_URL,
      tokenUrl: config.ZOOM_OAUTH_TOKEN_URL,
      accountId: config.ZOOM_ACCOUNT_ID,
      clientId: config.ZOOM_CLIENT_ID,
      clientSecret: config.ZOOM_CLIENT_SECRET,
      onRateLimited: countZoomRateLimited,
    });
  const zoom = zoomClient(budget);
  // The sweep's Medium calls (its listings) take turns from its own share, never from the per-webhook writes'.
  const sweepPool = (category: ZoomRateCategory) => (category === 'medium' ? 'reconcile' : category);
  const sweepZoom = zoomClient({
    take: (category) => budget.take(sweepPool(category)),
    bookAhead: (categories) => budget.bookAhead(categories.map(sweepPool)),
  });
  const notifier = new AppNotifier(
    config.APP_CALLBACK_URL && config.APP_CALLBACK_SECRET
      ? { url: config.APP_CALLBACK_URL, secret: config.APP_CALLBACK_SECRET }
      : null,
  );
  const {
    loadSettings,
    lookupRegistrant,
    cancelInZoom,
    deleteDeniedRegistrant,
    notifyApp,
    emailRegistrant,
    alertOperators,
    ...sweep
  } = createActivities({
    zoom,
    notifier,
    notify: {
      zoom,
      mailer,
      alerts: config.OPS_ALERT_WEBHOOK_URL
        ? new OperatorAlerts({ url: config.OPS_ALERT_WEBHOOK_URL, uiUrl: config.TEMPORAL_UI_URL ?? null })
        : null,
      replyTo: config.NOTIFY_REPLY_TO ?? null,
      links: { byEvent: config.NOTIFY_REGISTRATION_URLS, pattern: config.NOTIFY_REGISTRATION_URL_PATTERN ?? null },
    },
    reconcile: {
      zoom: sweepZoom,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      watched: [...config.RECONCILE_WEBINARS, ...config.RECONCILE_MEETINGS],
      dedupWindowMs: config.DEDUP_WINDOW,
      graceMs: config.RECONCILE_GRACE,
    },
    settings: {
      followUpWindowMs: config.FOLLOW_UP_WINDOW,
      lookupTimeoutMs: config.LOOKUP_TIMEOUT,
      dedupWindowMs: config.DEDUP_WINDOW,
      maxHistoryEvents,
      restoreReregistration: config.RESTORE_REREGISTRATION,
      callbackRetryWindowMs: config.CALLBACK_RETRY_WINDOW,
      notify: { emails: config.SMTP_URL ? config.NOTIFY_EMAILS : [], alerts: Boolean(config.OPS_ALERT_WEBHOOK_URL) },
    },
  });
  const common = {
    connection,
    namespace,
    dataConverter,
    shutdownGraceTime: config.WORKER_SHUTDOWN_GRACE,
  };
  return Promise.all([
    Worker.create({
      ...common,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      maxConcurrentWorkflowTaskExecutions: config.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
      maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      ...(workflowBundle ? { workflowBundle } : { workflowsPath: require.resolve('./workflows') }),
      activities: { loadSettings, notifyApp, emailRegistrant, alertOperators },
    }),
    Worker.create({
      ...common,
      taskQueue: zoomApiTaskQueue(config.TEMPORAL_TASK_QUEUE),
      // Zoom calls mostly wait their turn in the budget: they hold a slot, not the CPU.
      maxConcurrentActivityTaskExecutions: config.WORKER_MAX_CONCURRENT_ACTIVITIES,
      activities: { lookupRegistrant, cancelInZoom, deleteDeniedRegistrant, ...sweep },
    }),
  ]);
}

/** The registrant's mailer when SMTP_URL is set, its templates compiled and tried now (a ConfigError otherwise). */
export function mailerOf(config: WorkerConfig): RegistrantMailer | null {
  if (!config.SMTP_URL || !config.NOTIFY_FROM) return null;
  const templates = EmailTemplates.load(config.NOTIFY_TEMPLATES_DIR ?? null);
  return new RegistrantMailer(
    { url: config.SMTP_URL, from: config.NOTIFY_FROM, replyTo: config.NOTIFY_REPLY_TO ?? null },
    templates,
  );
}

/**
 * The SDK's metrics (task latencies, slots, polls, activity failures) and the business counters at `bindAddress`,
 * named as Prometheus names metrics: counters end in _total, durations in seconds, with their unit.
 */
export function prometheusTelemetry(bindAddress: string): TelemetryOptions {
  return {
    metrics: {
      prometheus: { bindAddress, countersTotalSuffix: true, unitSuffix: true, useSecondsForDurations: true },
    },
  };
}

/** Every business counter's series of a known label set, at 0: dashboards and alert rules find them from the start. */
function startBusinessCounters(meter: MetricMeter, namespace: string, taskQueue: string): void {
  for (const definition of Object.values(COUNTERS) as CounterDefinition[]) {
    const { name, unit, description, labels, countedBy } = definition;
    if (!labels) continue;
    const tags: Record<string, string> = countedBy ? { namespace, taskQueue, workflowType: countedBy } : {};
    const counter = meter.createCounter(name, unit, description);
    for (const set of labelSets(labels)) counter.add(0, { ...tags, ...set });
  }
}
