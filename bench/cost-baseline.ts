// The minimal baseline's outside half (see cost-baseline-workflow.ts): its activities, which make the same Zoom calls
// and callbacks as ours with the same clients, a webhook endpoint that hands each verified event over by
// signal-with-start as our gateway does, and its workers. Those run in a node process of their own
// (bench/baseline-process.ts), as ours do, so that neither the bench's clients nor its clock share their event loop.
import { spawn } from 'node:child_process';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import Fastify from 'fastify';
import { z } from 'zod';
import { AppNotifier } from '../src/app-callbacks/notifier';
import type { Outbound } from '../src/domain/callbacks';
import type { CancelledBy, Registrant } from '../src/domain/registration';
import { zoomEventKey, type ZoomEvent } from '../src/domain/zoom-event';
import { workerConfigSchema, zoomRateLimits } from '../src/config';
import type { RegistrantRef } from '../src/temporal/registrant-signals';
import { ZoomClient } from '../src/zoom/client';
import { SharedZoomBudget } from '../src/zoom/shared-budget';
import { zoomApiTaskQueue } from '../src/workflows/topology';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, urlValidationAnswer, verifyZoomSignature } from '../src/zoom/signature';
import { registrationEventSchema } from '../src/zoom/webhook';
import type { ZoomEmulator } from '../tools/sandbox/emulator';
import {
  baselineAnswerRequestSignal,
  baselineAnswerUpdate,
  baselineAnswerWorkflow,
  baselineAnsweredUpdate,
  baselineDurableAnswerWorkflow,
  baselineEventSignal,
  baselineRegistrantWorkflow,
  baselineRequestSignal,
  type AnswerCall,
  type BaselineInput,
} from './cost-baseline-workflow';

/** What the lookup saw: removed, denied, or something no rule settles (the webinar gone). */
export type BaselineLookup = 'not_found' | 'denied' | 'approved' | 'pending' | 'all' | 'webinar_not_found';

/** `booked`: the same client, its calls booked in the shared Zoom budget as ours are. */
export function baselineActivities(zoom: ZoomClient, app: AppNotifier, booked: ZoomClient) {
  const deleteWith = async (client: ZoomClient, { zoomEvent, registrantId }: RegistrantRef) => {
    const deleted = await client.deleteRegistrant(zoomEvent, registrantId);
    if (!deleted.found) throw new Error(`the baseline cannot delete ${registrantId}: ${deleted.message}`);
  };
  return {
    async lookupRegistrant({ zoomEvent, registrantId }: RegistrantRef) {
      const found = await zoom.getRegistrant(zoomEvent, registrantId);
      if (found.found) return found.registrant.status as BaselineLookup;
      return found.missing === 'registrant' ? 'not_found' : 'webinar_not_found';
    },
    /** Our write's least: read the registrant (a pending one is denied, not cancelled), then write once. */
    async cancelInZoom(input: RegistrantRef & { by: CancelledBy }): Promise<Registrant> {
      const { zoomEvent, registrantId, by } = input;
      const found = await zoom.getRegistrant(zoomEvent, registrantId);
      if (!found.found) throw new Error(`the baseline cannot cancel ${registrantId}: ${found.message}`);
      const { email, first_name, last_name, status } = found.registrant;
      if (by === 'registrant') await zoom.deleteRegistrant(zoomEvent, registrantId);
      else await zoom.updateRegistrantStatus(zoomEvent, registrantId, status === 'pending' ? 'deny' : 'cancel');
      return { id: registrantId, email, first_name, last_name: last_name ?? '' };
    },
    /** Item 3's least: the write alone. */
    deleteInZoom: (target: RegistrantRef) => deleteWith(zoom, target),
    /** The write alone, once the shared Zoom budget has given it a moment. */
    deleteBookedInZoom: (target: RegistrantRef) => deleteWith(booked, target),
    notifyApp: (outbound: Outbound) => app.notify(outbound),
  };
}
export type BaselineActivities = ReturnType<typeof baselineActivities>;

const baselineInput = (zoomEvent: ZoomEvent, registrantId: string, followUpWindowMs: number): BaselineInput => ({
  zoomEvent,
  registrantId,
  followUpWindowMs,
});

export const baselineWorkflowId = (zoomEvent: ZoomEvent, registrantId: string) =>
  `cost-baseline/${zoomEventKey(zoomEvent)}/${registrantId}`;

export interface BaselineWorld {
  /** Where the baseline's emulator delivers its webhooks. */
  webhookUrl: string;
  /** The app's cancellation through the baseline's API: signal-with-start, then the workflow's result. */
  cancelThroughApi(zoomEvent: ZoomEvent, registrantId: string, by: CancelledBy): Promise<void>;
  /** Item 3's least: answered once Zoom's DELETE is done (baselineAnswerWorkflow, baselineDurableAnswerWorkflow). */
  cancelAnswered(zoomEvent: ZoomEvent, registrantId: string, call: AnswerCall): Promise<void>;
  stop(): Promise<void>;
}

/** What the baseline's process is started with (as JSON in BENCH_BASELINE). */
export interface BaselineOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  zoom: { apiBaseUrl: string; tokenUrl: string; accountId: string; clientId: string; clientSecret: string };
  app: { url: string; secret: string };
  webhookSecret: string;
  followUpWindowMs: number;
  /** Zoom calls a second, held as Temporal offers it (the task queue's rate limit); none: as they come. */
  zoomCallsPerSecond?: number;
}

const BASELINE_PROCESS = require.resolve('./baseline-process');
/** The worker's Zoom limits at the product's defaults (its schema has refinements, which `pick` refuses). */
const { ZOOM_LIGHT_RATE_LIMIT, ZOOM_MEDIUM_RATE_LIMIT, ZOOM_API_RATE_LIMIT, ZOOM_RECONCILE_RATE_LIMIT } =
  workerConfigSchema.shape;
const RATE_DEFAULTS = z
  .object({ ZOOM_LIGHT_RATE_LIMIT, ZOOM_MEDIUM_RATE_LIMIT, ZOOM_API_RATE_LIMIT, ZOOM_RECONCILE_RATE_LIMIT })
  .parse({});

/**
 * Starts the baseline's workers and webhook endpoint in a process of their own; the bench's client asks them for
 * the API's cancellations, as the app asks our gateway.
 */
export async function startBaseline(
  client: Client,
  options: Omit<BaselineOptions, 'namespace' | 'zoom'> & { zoom: ZoomEmulator },
): Promise<BaselineWorld> {
  const { taskQueue, followUpWindowMs, zoom } = options;
  const given: BaselineOptions = {
    ...options,
    namespace: client.options.namespace,
    zoom: { apiBaseUrl: zoom.apiBaseUrl, tokenUrl: zoom.tokenUrl, ...zoom.credentials },
  };
  const child = spawn(process.execPath, ['--import', 'tsx', BASELINE_PROCESS], {
    env: { ...process.env, BENCH_BASELINE: JSON.stringify(given) },
    // Its logs as the bench's; its webhook URL, once its workers run, by message.
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const webhookUrl = await new Promise<string>((resolve, reject) => {
    child.once('message', (url) => resolve(url as string));
    child.once('exit', (code, signal) => reject(new Error(`the baseline's process ended: ${code ?? signal}`)));
  });
  return {
    webhookUrl,
    async cancelThroughApi(zoomEvent, registrantId, by) {
      const handle = await client.workflow.signalWithStart(baselineRegistrantWorkflow, {
        workflowId: baselineWorkflowId(zoomEvent, registrantId),
        taskQueue,
        args: [baselineInput(zoomEvent, registrantId, followUpWindowMs)],
        signal: baselineRequestSignal,
        signalArgs: [{ by }],
      });
      // Waiting for a result is a long poll of the history: not an action.
      await handle.result();
    },
    async cancelAnswered(zoomEvent, registrantId, call) {
      const workflowId = `cost-baseline-answer/${zoomEventKey(zoomEvent)}/${registrantId}`;
      if (call === 'activity' || call === 'local activity') {
        return client.workflow.executeUpdateWithStart(baselineAnswerUpdate, {
          args: [{ zoomEvent, registrantId, call }],
          startWorkflowOperation: new WithStartWorkflowOperation(baselineAnswerWorkflow, {
            workflowId,
            taskQueue,
            workflowIdConflictPolicy: 'FAIL',
          }),
        });
      }
      const handle = await client.workflow.signalWithStart(baselineDurableAnswerWorkflow, {
        workflowId,
        taskQueue,
        signal: baselineAnswerRequestSignal,
        signalArgs: [{ zoomEvent, registrantId, call }],
      });
      return handle.executeUpdate(baselineAnsweredUpdate);
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** In the baseline's process: its workers and webhook endpoint, until `stop`. */
export async function serveBaseline(options: BaselineOptions): Promise<{ webhookUrl: string; stop(): Promise<void> }> {
  const { address, namespace, taskQueue, zoom, app, webhookSecret, followUpWindowMs, zoomCallsPerSecond } = options;
  const connection = await NativeConnection.connect({ address });
  const client = new Client({ connection: await Connection.connect({ address }), namespace });
  // Our worker's budget at the product's default limits, on the baseline's own task queue.
  const budget = new SharedZoomBudget(client, taskQueue, zoomRateLimits(RATE_DEFAULTS));
  const activities = baselineActivities(
    new ZoomClient(zoom),
    new AppNotifier(app),
    new ZoomClient({ ...zoom, budget }),
  );
  const common = { connection, namespace };
  // Two workers, as ours: the workflows and the app's callbacks, and Zoom's calls on their own queue, which the rate
  // limit holds (a limit on one queue for both would count the callbacks against Zoom's budget too).
  const workers = await Promise.all([
    Worker.create({
      ...common,
      taskQueue,
      workflowsPath: require.resolve('./cost-baseline-workflow'),
      // All of them: a local activity runs on the workflow's worker.
      activities,
    }),
    Worker.create({
      ...common,
      taskQueue: zoomApiTaskQueue(taskQueue),
      // Only Zoom's are asked for on this queue.
      activities,
      maxTaskQueueActivitiesPerSecond: zoomCallsPerSecond,
    }),
  ]);
  const running = Promise.all(workers.map((w) => w.run()));

  // Our gateway's path, and nothing else: verify, parse, signal-with-start, answer.
  const server = Fastify();
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, parsed) => parsed(null, body));
  server.post('/zoom/webhook', async (request, reply) => {
    const rawBody = request.body as Buffer;
    const failure = verifyZoomSignature({
      secret: webhookSecret,
      signature: request.headers[SIGNATURE_HEADER] as string | undefined,
      timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
      rawBody,
      nowMs: Date.now(),
    });
    if (failure) return reply.code(401).send({ error: failure });
    const json = JSON.parse(rawBody.toString('utf8')) as { event?: string; payload?: { plainToken?: string } };
    if (json.event === 'endpoint.url_validation')
      return urlValidationAnswer(webhookSecret, json.payload?.plainToken ?? '');
    const event = registrationEventSchema.parse(json);
    await client.workflow.signalWithStart(baselineRegistrantWorkflow, {
      workflowId: baselineWorkflowId(event.zoomEvent, event.registrant.id),
      taskQueue,
      args: [baselineInput(event.zoomEvent, event.registrant.id, followUpWindowMs)],
      signal: baselineEventSignal,
      signalArgs: [event],
    });
    return { status: 'accepted' };
  });
  const origin = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    webhookUrl: `${origin}/zoom/webhook`,
    async stop() {
      await server.close();
      workers.forEach((w) => w.shutdown());
      await running;
      await connection.close();
      await client.connection.close();
    },
  };
}
