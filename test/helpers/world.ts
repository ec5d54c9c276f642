// Everything an integration test needs, all real: the dev server started by global-setup, the Zoom emulator,
// the gateway on a real port, the registration workers, and an app receiving callbacks.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import axios from 'axios';
import pino from 'pino';
import { parseConfig, workerConfigSchema, type WorkerConfig } from '../../src/config';
import { buildGateway } from '../../src/gateway/server';
import { createGatewayClient } from '../../src/gateway/client';
import { GatewayMetrics } from '../../src/gateway/metrics';
import { connectClient, connectWorker, type WorkerTemporal } from '../../src/temporal/connection';
import { ZoomEmulator, type ZoomEmulatorOptions } from '../../tools/sandbox/emulator';
import { emulatorWorkerEnv, type AppEndpoint } from '../../tools/sandbox/worker-env';
import { registrantWorkflowId } from '../../src/workflows/registrant/names';
import { stateQuery, type RegistrantView } from '../../src/workflows/registrant/messages';
import { createRegistrationWorkers } from '../../src/workers';
import { AppReceiver } from '../../tools/dev/app-receiver';
import { eventually } from '../../tools/eventually';
import { zoomWebinar } from '../../src/domain/zoom-event';

export const ZOOM_CREDENTIALS = { accountId: 'acct-test', clientId: 'client-test', clientSecret: 'secret-test' };
export const WEBHOOK_SECRET = 'zoom-webhook-secret-for-tests';
export const API_TOKEN = 'api-token-for-tests';

let runtimeInstalled = false;

/** The workflow code global-setup bundled once for the run. */
function workflowBundlePath(): string {
  const codePath = process.env.TEST_WORKFLOW_BUNDLE;
  if (!codePath) throw new Error('TEST_WORKFLOW_BUNDLE is not set: run integration tests through jest (global-setup)');
  return codePath;
}

export function temporalAddress(): string {
  const address = process.env.TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEST_TEMPORAL_ADDRESS is not set: run integration tests through jest (global-setup)');
  return address;
}

export interface World {
  emulator: ZoomEmulator;
  app: AppReceiver;
  client: Client;
  config: WorkerConfig;
  taskQueue: string;
  webhookUrl: string;
  /** The gateway's origin, e.g. http://127.0.0.1:43210, for the /api routes. */
  gatewayUrl: string;
  env: Record<string, string>;
  /** Posts a Zoom webhook body, signed as Zoom signs it, to the gateway. */
  deliver(body: unknown): Promise<{ status: number; body: unknown }>;
  state(webinarId: string, registrantId: string): Promise<RegistrantView>;
  startWorkers(): Promise<void>;
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorldOptions {
  /** FOLLOW_UP_WINDOW, LOOKUP_TIMEOUT, DEDUP_WINDOW for this world. */
  windows?: Record<string, string>;
  /** Run the workers in-process (default) or leave that to the test (a child-process worker). */
  inProcessWorkers?: boolean;
  maxHistoryEvents?: number;
  /** How many workers (each with its own connection and Zoom client) poll the world's task queues. */
  workers?: number;
  /** Emulator behaviour beyond the credentials, e.g. `selfCancelMode: 'deny'`. */
  emulator?: Partial<ZoomEmulatorOptions>;
  /** TEMPORAL_* settings for every process of the world (a TLS proxy's address and certificates). */
  temporal?: Record<string, string>;
  /** Where the workers' callbacks go, and their secret: a real app's; by default `world.app`, the AppReceiver. */
  app?: AppEndpoint;
}

export async function startWorld({
  windows = {},
  inProcessWorkers = true,
  maxHistoryEvents,
  workers: workerCount = 1,
  emulator: emulatorOptions = {},
  temporal = {},
  app: appEndpoint,
}: WorldOptions = {}): Promise<World> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }

  const emulator = new ZoomEmulator({ ...emulatorOptions, ...ZOOM_CREDENTIALS });
  await emulator.start();
  const app = new AppReceiver();
  const receiverUrl = await app.start();
  const taskQueue = `test-${Math.random().toString(36).slice(2, 10)}`;
  const env = emulatorWorkerEnv(emulator, appEndpoint ?? { url: receiverUrl, secret: app.secret }, {
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    // Worker processes a test starts keep no schedule on the shared dev server; a test that wants one says so.
    RECONCILE_INTERVAL: 'off',
    // Worker processes a test starts serve no metrics unless the test asks (the port is the machine's).
    WORKER_METRICS_ADDRESS: 'off',
    ...windows,
    ...temporal,
  });
  const config = parseConfig(workerConfigSchema, env);

  // Every process of the world reaches Temporal as the real ones do, through the same settings.
  const { client, connection } = await connectClient(config);
  const metrics = new GatewayMetrics();
  const gatewayTemporal = createGatewayClient(config, [metrics.interceptor]);
  const gateway = buildGateway({
    metrics,
    config: { ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET, TEMPORAL_TASK_QUEUE: taskQueue, API_TOKEN },
    client: gatewayTemporal.client,
    logger: pino({ level: process.env.TEST_GATEWAY_LOG ?? 'silent' }),
  });
  const gatewayUrl = await gateway.listen({ port: 0, host: '127.0.0.1' });
  const webhookUrl = `${gatewayUrl}/zoom/webhook`;

  const nativeConnections: WorkerTemporal[] = [];
  let running: { workers: Worker[]; done: Promise<unknown> } | null = null;

  const world: World = {
    emulator,
    app,
    client,
    config,
    taskQueue,
    webhookUrl,
    gatewayUrl,
    env,
    deliver: (body) => emulator.deliverWebhook(webhookUrl, body, WEBHOOK_SECRET),
    state: (webinarId, registrantId) =>
      client.workflow.getHandle(registrantWorkflowId(zoomWebinar(webinarId), registrantId)).query(stateQuery),
    async startWorkers() {
      while (nativeConnections.length < workerCount) {
        nativeConnections.push(await connectWorker(config));
      }
      const sets = await Promise.all(
        nativeConnections.map((temporal) =>
          createRegistrationWorkers({
            config,
            temporal,
            workflowBundle: { codePath: workflowBundlePath() },
            maxHistoryEvents,
          }),
        ),
      );
      const workers = sets.flat();
      running = { workers, done: Promise.all(workers.map((w) => w.run())) };
    },
    async stopWorkers() {
      if (!running) return;
      running.workers.forEach((w) => w.shutdown());
      await running.done;
      running = null;
    },
    async stop() {
      await world.stopWorkers();
      await Promise.all(nativeConnections.map((c) => c.connection.close()));
      await gateway.close();
      await gatewayTemporal.connection.close();
      await connection.close();
      await emulator.stop();
      await app.stop();
    },
  };
  if (inProcessWorkers) await world.startWorkers();
  return world;
}

/**
 * The world's worker as production runs it, in a process of its own (`npm run worker`), for a test to SIGKILL:
 * started with `inProcessWorkers: false`. Its metrics are off unless `metricsAddress` says where.
 */
export function spawnWorker(world: World, metricsAddress = 'off'): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/bin/worker.ts'], {
    cwd: path.resolve(__dirname, '..', '..'),
    env: { ...process.env, ...world.env, LOG_LEVEL: 'warn', WORKER_METRICS_ADDRESS: metricsAddress },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Waits until the app has been told `count` distinct callbacks about a registrant. */
export function callbacksAbout(world: World, registrantId: string, count: number) {
  return eventually(() => (world.app.about(registrantId).length >= count ? world.app.about(registrantId) : undefined), {
    what: `${count} callbacks about ${registrantId} (have ${world.app.typesAbout(registrantId).join(', ') || 'none'})`,
  });
}

/**
 * The registrant's view once nothing is being settled: a callback reaches the app a moment before its workflow hears
 * that it was delivered and ends its settling.
 */
export function settled(world: World, webinarId: string, registrantId: string): Promise<RegistrantView> {
  return eventually(
    async () => {
      const view = await world.state(webinarId, registrantId);
      return view.settling ? undefined : view;
    },
    { what: `${registrantId} settled` },
  );
}

/**
 * The fields of the API's answers that tests read. Each is missing from some answers (an outcome has no `error`),
 * which the assertion reading it then catches.
 */
export type ApiJson = Record<string, unknown> & {
  error: { code: string; message: string; zoom_code?: number | null };
  cancellation_id: string;
  location: string;
  registrants: Array<{ registrant_id: string; state: string | null; cancelled_by: string | null }>;
  next_cursor: string | null;
};

/** A call to the gateway's /api with the test token (or `token`, or none). */
export async function callApi(
  world: World,
  method: 'GET' | 'POST',
  path: string,
  opts: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: ApiJson; headers: Record<string, string> }> {
  const token = opts.token === undefined ? API_TOKEN : opts.token;
  const response = await axios.request({
    method,
    url: `${world.gatewayUrl}${path}`,
    data: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...opts.headers,
    },
    validateStatus: () => true,
    transformRequest: (raw: unknown) => raw,
    transformResponse: (raw: string) => (raw ? (JSON.parse(raw) as unknown) : null),
  });
  return { status: response.status, body: response.data, headers: response.headers as Record<string, string> };
}
