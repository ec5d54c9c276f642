// The minimal baseline's outside half (see cost-baseline-workflow.ts): its activities, which make the same Zoom calls
// and callbacks as ours with the same clients, a webhook endpoint that hands each verified event over by
// signal-with-start as our gateway does, and its workers in the bench process, as the empty workflows' baseline runs.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import Fastify from 'fastify';
import { AppNotifier } from '../src/app-callbacks/notifier';
import type { Outbound } from '../src/domain/callbacks';
import type { CancelledBy, Registrant } from '../src/domain/registration';
import { zoomEventKey, type ZoomEvent } from '../src/domain/zoom-event';
import { ZoomClient } from '../src/zoom/client';
import { zoomApiTaskQueue } from '../src/workflows/topology';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, urlValidationAnswer, verifyZoomSignature } from '../src/zoom/signature';
import { registrationEventSchema } from '../src/zoom/webhook';
import type { ZoomEmulator } from '../tools/sandbox/emulator';
import {
  baselineAnswerUpdate,
  baselineAnswerWorkflow,
  baselineEventSignal,
  baselineRegistrantWorkflow,
  baselineRequestSignal,
  type AnswerCall,
  type BaselineInput,
} from './cost-baseline-workflow';

/** What the lookup saw: removed, denied, or something no rule settles (the webinar gone). */
export type BaselineLookup = 'not_found' | 'denied' | 'approved' | 'pending' | 'all' | 'webinar_not_found';

export function baselineActivities(zoom: ZoomClient, app: AppNotifier) {
  return {
    async lookupRegistrant({ zoomEvent, registrantId }: { zoomEvent: ZoomEvent; registrantId: string }) {
      const found = await zoom.getRegistrant(zoomEvent, registrantId);
      if (found.found) return found.registrant.status as BaselineLookup;
      return found.missing === 'registrant' ? 'not_found' : 'webinar_not_found';
    },
    /** Our write's least: read the registrant (a pending one is denied, not cancelled), then write once. */
    async cancelInZoom(input: { zoomEvent: ZoomEvent; registrantId: string; by: CancelledBy }): Promise<Registrant> {
      const { zoomEvent, registrantId, by } = input;
      const found = await zoom.getRegistrant(zoomEvent, registrantId);
      if (!found.found) throw new Error(`the baseline cannot cancel ${registrantId}: ${found.message}`);
      const { email, first_name, last_name, status } = found.registrant;
      if (by === 'registrant') await zoom.deleteRegistrant(zoomEvent, registrantId);
      else await zoom.updateRegistrantStatus(zoomEvent, registrantId, status === 'pending' ? 'deny' : 'cancel');
      return { id: registrantId, email, first_name, last_name: last_name ?? '' };
    },
    /** Item 3's least: the write alone. */
    async deleteInZoom({ zoomEvent, registrantId }: { zoomEvent: ZoomEvent; registrantId: string }) {
      const deleted = await zoom.deleteRegistrant(zoomEvent, registrantId);
      if (!deleted.found) throw new Error(`the baseline cannot delete ${registrantId}: ${deleted.message}`);
    },
    notifyApp: (outbound: Outbound) => app.notify(outbound),
  };
}
export type BaselineActivities = ReturnType<typeof baselineActivities>;

export const baselineWorkflowId = (zoomEvent: ZoomEvent, registrantId: string) =>
  `cost-baseline/${zoomEventKey(zoomEvent)}/${registrantId}`;

export interface BaselineWorld {
  /** Where the baseline's emulator delivers its webhooks. */
  webhookUrl: string;
  /** The app's cancellation through the baseline's API: signal-with-start, then the workflow's result. */
  cancelThroughApi(zoomEvent: ZoomEvent, registrantId: string, by: CancelledBy): Promise<void>;
  /** Item 3's least: an update-with-start answered once Zoom's DELETE is done (baselineAnswerWorkflow). */
  cancelAnswered(zoomEvent: ZoomEvent, registrantId: string, call: AnswerCall): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the baseline's worker and webhook endpoint in this process, against `zoom` and the bench's app. */
export async function startBaseline(options: {
  address: string;
  client: Client;
  taskQueue: string;
  zoom: ZoomEmulator;
  app: { url: string; secret: string };
  webhookSecret: string;
  followUpWindowMs: number;
  /** Zoom calls a second, held as Temporal offers it (the task queue's rate limit); none: as they come. */
  zoomCallsPerSecond?: number;
}): Promise<BaselineWorld> {
  const { address, client, taskQueue, zoom, app, webhookSecret, followUpWindowMs, zoomCallsPerSecond } = options;
  const zoomClient = new ZoomClient({ apiBaseUrl: zoom.apiBaseUrl, tokenUrl: zoom.tokenUrl, ...zoom.credentials });
  const connection = await NativeConnection.connect({ address });
  const activities = baselineActivities(zoomClient, new AppNotifier(app));
  const common = { connection, namespace: client.options.namespace };
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
  const input = (zoomEvent: ZoomEvent, registrantId: string): BaselineInput => ({
    zoomEvent,
    registrantId,
    followUpWindowMs,
  });

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
      args: [input(event.zoomEvent, event.registrant.id)],
      signal: baselineEventSignal,
      signalArgs: [event],
    });
    return { status: 'accepted' };
  });
  const origin = await server.listen({ port: 0, host: '127.0.0.1' });

  return {
    webhookUrl: `${origin}/zoom/webhook`,
    async cancelThroughApi(zoomEvent, registrantId, by) {
      const handle = await client.workflow.signalWithStart(baselineRegistrantWorkflow, {
        workflowId: baselineWorkflowId(zoomEvent, registrantId),
        taskQueue,
        args: [input(zoomEvent, registrantId)],
        signal: baselineRequestSignal,
        signalArgs: [{ by }],
      });
      // Waiting for a result is a long poll of the history: not an action.
      await handle.result();
    },
    cancelAnswered: (zoomEvent, registrantId, call) =>
      client.workflow.executeUpdateWithStart(baselineAnswerUpdate, {
        args: [{ zoomEvent, registrantId, call }],
        startWorkflowOperation: new WithStartWorkflowOperation(baselineAnswerWorkflow, {
          workflowId: `cost-baseline-answer/${zoomEventKey(zoomEvent)}/${registrantId}`,
          taskQueue,
          workflowIdConflictPolicy: 'FAIL',
        }),
      }),
    async stop() {
      await server.close();
      workers.forEach((w) => w.shutdown());
      await running;
      await connection.close();
    },
  };
}
