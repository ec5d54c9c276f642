// `--phase settle`: cancellations by the registrant and by an admin settled per second (beside empty workflows on the
// same server), Zoom calls per cancellation, the API's cancellation against a read, and the worker's memory settings
// against none.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import axios from 'axios';
import { WORKER_PROCESS } from '../../src/workers';
import { ZoomEmulator } from '../../tools/sandbox/emulator';
import { emptyWorkflow } from '../empty-workflow';
import { percentile } from '../load';
import { AS_IT_COMES, startGateway, startWorker, type Launch } from '../processes';
import {
  API_TOKEN,
  CREDENTIALS,
  ratePerSecond,
  SECRET,
  SETTLE_OFFERED_RATE,
  until,
  workerEnv,
  type Bench,
} from '../world';

const SETTLE_IN_FLIGHT = 150;

export async function benchSettling(bench: Bench) {
  const { address, client, app, plan, progress, record } = bench;
  const taskQueue = 'bench-settle';
  const zoom = new ZoomEmulator({ ...CREDENTIALS, settings: { timeScale: 60 } });
  await zoom.start();
  const gateway = await startGateway({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
    API_TOKEN,
  }).catch(async (err: unknown) => {
    await zoom.stop();
    throw err;
  });

  /** Cancels the registrants of a new webinar as `by` would in Zoom, one after another; settles per second. */
  const settle = async (by: 'registrant' | 'admin', alive: () => void) => {
    const webinar = zoom.addWebinar();
    const people = Array.from({ length: plan.settleCount }, (_, i) =>
      zoom.addRegistrant(webinar.id, { email: `${by}${i}@example.com`, first_name: 'Bench' }),
    );
    const settledAt = new Map<string, number>();
    app.onCallback = ({ callback }) => {
      if (callback.type === 'registrant.cancelled' && callback.data.webinar_id === webinar.id) {
        // The first delivery settles it; a redelivery does not move the moment.
        if (!settledAt.has(callback.data.registrant.id)) settledAt.set(callback.data.registrant.id, performance.now());
      }
    };
    const zoomCallsBefore = zoom.requests.length;
    // Enough in flight to keep the engine busy through the follow-up window, but offered at a pace the gateway
    // takes: past it, it answers 503 and Zoom's redelivery (seconds apart, even sped up) is what gets measured.
    const offer = async () => {
      for (const [i, person] of people.entries()) {
        await sleep(1000 / SETTLE_OFFERED_RATE);
        while (i - settledAt.size >= SETTLE_IN_FLIGHT) {
          alive();
          await sleep(20);
        }
        if (by === 'registrant') zoom.cancelAsRegistrant(webinar.id, person.id);
        else zoom.cancelAsAdmin(webinar.id, person.id);
      }
    };
    await Promise.all([
      offer(),
      until(progress, `cancellations by ${by} settled`, people.length, () => settledAt.size, alive),
    ]);
    const zoomCalls = zoom.requests.slice(zoomCallsBefore).filter((r) => r.path.startsWith('/v2/')).length;
    return { perSecond: ratePerSecond([...settledAt.values()]), zoomCallsEach: zoomCalls / people.length };
  };

  /** Runs `body` with a worker started as `launch` says, stopping it afterwards. */
  const withWorker = async <T>(
    launch: Launch,
    env: Record<string, string>,
    body: (alive: () => void) => Promise<T>,
  ) => {
    const worker = await startWorker(client, { ...workerEnv(bench, taskQueue, zoom), ...env }, launch);
    try {
      return await body(() => [worker, gateway].forEach((p) => p.assertAlive()));
    } finally {
      await worker.stop();
    }
  };

  try {
    await zoom.configure({ webhookUrl: `${gateway.url}/zoom/webhook`, webhookSecret: SECRET });
    await withWorker(WORKER_PROCESS, {}, async (alive) => {
      for (const by of ['registrant', 'admin'] as const) {
        const { perSecond, zoomCallsEach } = await settle(by, alive);
        const empty = await emptyWorkflowsPerSecond(address, client, plan.settleCount);
        record(`cancellations by ${by} settled`, perSecond, '/s', 'empty workflows', empty);
        record(`Zoom calls per cancellation by ${by}`, zoomCallsEach, '', 'one lookup', 1);
      }
      await benchApiCancellation(bench, zoom, gateway.url, alive);
    });
    // The memory settings must not cost speed: the same batch on the SDK as it comes (every workflow cached, no
    // process settings), taking turns, since one batch against another varies by a fifth on this machine.
    const ours: number[] = [];
    const asItComes: number[] = [];
    for (let turn = 0; turn < plan.memorySettingsTurns; turn += 1) {
      ours.push((await withWorker(WORKER_PROCESS, {}, (alive) => settle('admin', alive))).perSecond);
      const unbounded = { WORKER_MAX_CACHED_WORKFLOWS: '100000' };
      asItComes.push((await withWorker(AS_IT_COMES, unbounded, (alive) => settle('admin', alive))).perSecond);
    }
    record(
      `cancellations by admin settled (median of ${plan.memorySettingsTurns})`,
      percentile(ours, 0.5),
      '/s',
      'worker without memory settings',
      percentile(asItComes, 0.5),
    );
  } finally {
    app.onCallback = () => {};
    await gateway.stop();
    await zoom.stop();
  }
}

let emptyWorker: { worker: Worker; connection: NativeConnection; running: Promise<void> } | null = null;

/** Completions per second of `count` empty workflows, on a worker in this process. */
async function emptyWorkflowsPerSecond(address: string, client: Client, count: number): Promise<number> {
  const taskQueue = 'bench-empty';
  if (!emptyWorker) {
    const connection = await NativeConnection.connect({ address });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: require.resolve('../empty-workflow'),
    });
    emptyWorker = { worker, connection, running: worker.run() };
  }
  // Offered as the cancellations are, so that the two rates differ by what the workflows do.
  const run = Date.now();
  const completions: Promise<number>[] = [];
  for (let i = 0; i < count; i += 1) {
    await sleep(1000 / SETTLE_OFFERED_RATE);
    const handle = await client.workflow.start(emptyWorkflow, { taskQueue, workflowId: `empty-${run}-${i}` });
    completions.push(handle.result().then(() => performance.now()));
  }
  const completedAt = await Promise.all(completions);
  return ratePerSecond(completedAt);
}

/** Stops the empty workflows' worker, if the phase started one: the run keeps it until its end. */
export async function stopEmptyWorker(): Promise<void> {
  if (!emptyWorker) return;
  emptyWorker.worker.shutdown();
  await emptyWorker.running;
  await emptyWorker.connection.close();
}

/** POST .../cancellations answered 200 (a workflow, a Zoom GET and DELETE, settled) against GET of a registrant. */
async function benchApiCancellation(bench: Bench, zoom: ZoomEmulator, gatewayUrl: string, alive: () => void) {
  const { plan, progress, record } = bench;
  const webinar = zoom.addWebinar();
  const people = Array.from({ length: plan.apiRounds + 1 }, (_, i) =>
    zoom.addRegistrant(webinar.id, { email: `api${i}@example.com`, first_name: 'Bench' }),
  );
  const headers = { authorization: `Bearer ${API_TOKEN}` };
  const url = (i: number) => `${gatewayUrl}/api/v1/webinars/${webinar.id}/registrants/${people[i]?.id}`;
  const timeEach = async (label: string, call: (i: number) => Promise<unknown>) => {
    const bar = progress.bar(label, plan.apiRounds);
    const samples: number[] = [];
    for (let i = 0; i < plan.apiRounds; i += 1) {
      alive();
      const started = performance.now();
      await call(i);
      samples.push(performance.now() - started);
      bar.update(i + 1);
    }
    bar.stop();
    return samples;
  };
  const cancel = (i: number) => axios.post(`${url(i)}/cancellations`, { by: 'registrant' }, { headers });
  await cancel(plan.apiRounds); // warms up the path (first OAuth token): not measured
  const cancellations = await timeEach('API cancellations, one at a time', cancel);
  const reads = await timeEach('API reads, one at a time', (i) => axios.get(url(i), { headers }));
  record(
    'API cancellation answered, p50',
    percentile(cancellations, 0.5),
    'ms',
    'GET a registrant',
    percentile(reads, 0.5),
  );
  record(
    'API cancellation answered, p99',
    percentile(cancellations, 0.99),
    'ms',
    'GET a registrant',
    percentile(reads, 0.99),
  );
}
