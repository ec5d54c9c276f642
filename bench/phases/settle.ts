// `--phase settle`: cancellations by the registrant and by an admin settled per second (beside empty workflows on the
// same server), Zoom calls per cancellation, the API's cancellation against a read, and the worker's memory settings
// against none.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import axios from 'axios';
import { WORKER_PROCESS } from '../../src/workers';
import { zoomWebinar } from '../../src/domain/zoom-event';
import { ZoomClient } from '../../src/zoom/client';
import { registrantWorkflowId } from '../../src/workflows/registrant/names';
import { windowOf } from '../../src/workflows/zoom-budget/book';
import { temporal } from '@temporalio/proto';
import { ZoomEmulator } from '../../tools/sandbox/emulator';
import { emptyWorkflow } from '../empty-workflow';
import { percentile } from '../load';
import { AS_IT_COMES, startGateway, startWorker, type Launch } from '../processes';
import { startBaseline, type BaselineWorld } from '../cost-baseline';
import type { AnswerCall } from '../cost-baseline-workflow';
import {
  API_TOKEN,
  CREDENTIALS,
  FOLLOW_UP_WINDOW_MS,
  LIGHT_RATE_LIMIT,
  ratePerSecond,
  SECRET,
  SETTLE_OFFERED_RATE,
  until,
  workerEnv,
  type Bench,
} from '../world';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const { EventType } = temporal.api.enums.v1;

const SETTLE_IN_FLIGHT = 150;
const API_ZOOM_LATENCIES_MS = [0, 100];
const LIGHT_WINDOW = windowOf(LIGHT_RATE_LIMIT);
/**
 * API cancellations one at a time, their three Light calls at 80 % of the budget's pace at LIGHT_RATE_LIMIT: at its
 * very pace, any round booked a few ms later than the one a window before waits for the window, and the answers would
 * time the budget holding calls back rather than a cancellation the budget has room for.
 */
const API_ROUND_SPACING_MS = Math.ceil((3 * LIGHT_WINDOW.ms) / LIGHT_WINDOW.calls / 0.8);

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

  /**
   * Cancels the registrants of a new webinar as `by` would in Zoom, one after another, with Zoom's webhooks sent to
   * `webhookUrl` (our gateway's by default); settles per second.
   */
  const settle = async (by: 'registrant' | 'admin', alive: () => void, webhookUrl = gatewayWebhook) => {
    await zoom.configure({ webhookUrl, webhookSecret: SECRET });
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

  const gatewayWebhook = `${gateway.url}/zoom/webhook`;
  // Issue 25's baseline: the same external work (the lookup, the follow-up window, the callback) and nothing else,
  // held to the same Light limit by what Temporal offers (the task queue's rate limit; each lookup is one activity).
  let minimal: BaselineWorld | null = null;
  try {
    minimal = await startBaseline(client, {
      address,
      taskQueue: 'bench-settle-baseline',
      zoom,
      app: { url: bench.appUrl, secret: app.secret },
      webhookSecret: SECRET,
      followUpWindowMs: FOLLOW_UP_WINDOW_MS,
      zoomCallsPerSecond: LIGHT_RATE_LIMIT,
    });
    const minimalWebhook = minimal.webhookUrl;
    await withWorker(WORKER_PROCESS, {}, async (alive) => {
      for (const by of ['registrant', 'admin'] as const) {
        const { perSecond, zoomCallsEach } = await settle(by, alive);
        const empty = await emptyWorkflowsPerSecond(address, client, plan.settleCount);
        const least = await settle(by, alive, minimalWebhook);
        record(`cancellations by ${by} settled`, perSecond, '/s', 'minimal workflow, same Zoom limit', least.perSecond);
        record(`cancellations by ${by} settled`, perSecond, '/s', 'empty workflows', empty);
        record(`Zoom calls per cancellation by ${by}`, zoomCallsEach, '', 'one lookup', 1);
      }
      // Zoom's echoes of our writes go to our gateway again, not to the minimal workflow the last settle pointed at.
      await zoom.configure({ webhookUrl: gatewayWebhook, webhookSecret: SECRET });
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
    await minimal?.stop();
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

/**
 * Issue 25, item 3: POST .../cancellations answered (a workflow; Zoom's GET, DELETE and read-back; settled), beside
 * the Zoom DELETE alone, sent straight to the emulator, and beside the least we could write on Temporal, with the
 * emulator answering at once and at 100 ms. The least has workers of its own in a process of their own, as ours, with
 * no rate limit and no gateway in front of it: a floor for this machine, not a proof for every design.
 */
async function benchApiCancellation(bench: Bench, zoom: ZoomEmulator, gatewayUrl: string, alive: () => void) {
  const least = await startBaseline(bench.client, {
    address: bench.address,
    taskQueue: 'bench-api-least',
    zoom,
    app: { url: bench.appUrl, secret: bench.app.secret },
    webhookSecret: SECRET,
    followUpWindowMs: FOLLOW_UP_WINDOW_MS,
  });
  try {
    await timeApiCancellations(bench, zoom, gatewayUrl, alive, least);
  } finally {
    await least.stop();
  }
}

/**
 * The fastest answers we could write on Temporal (bench/cost-baseline-workflow.ts, baselineAnswerWorkflow and
 * baselineDurableAnswerWorkflow).
 */
const LEAST_ANSWERS: Array<[AnswerCall, string]> = [
  ['activity', 'least answer: update-with-start, the DELETE in an activity'],
  ['local activity', 'least answer: update-with-start, the DELETE in a local activity'],
  ['durable request', 'least answer: signal-with-start then an update, the DELETE in a local activity'],
  ['durable request, activity', 'least answer: signal-with-start then an update, the DELETE in an activity'],
  [
    'durable request, booked activity',
    'least answer: signal-with-start then an update, the DELETE in an activity booked in the shared budget',
  ],
];

async function timeApiCancellations(
  bench: Bench,
  zoom: ZoomEmulator,
  gatewayUrl: string,
  alive: () => void,
  least: BaselineWorld,
) {
  const { plan, progress, record } = bench;
  const headers = { authorization: `Bearer ${API_TOKEN}` };
  const direct = new ZoomClient({ ...CREDENTIALS, apiBaseUrl: zoom.apiBaseUrl, tokenUrl: zoom.tokenUrl });
  /**
   * Each call's duration, and when it was sent and answered (epoch ms, to set beside the histories' times). One at a
   * time, each at least API_ROUND_SPACING_MS after the one before: sent back to back, our cancellations' three Zoom
   * calls would ask for more than the Light budget lets through, and what would be timed is the budget holding them.
   * The first call, `call(rounds)`, warms its path (the OAuth token, the budget workflow) and is paced but not timed.
   */
  const timeEach = async (label: string, rounds: number, call: (i: number) => Promise<unknown>) => {
    const bar = progress.bar(label, rounds);
    const samples: number[] = [];
    const spans: { sent: number; answered: number }[] = [];
    let next = performance.now();
    for (let i = -1; i < rounds; i += 1) {
      alive();
      await sleep(next - performance.now());
      const [started, sent] = [performance.now(), Date.now()];
      next = started + API_ROUND_SPACING_MS;
      await call(i < 0 ? rounds : i);
      if (i < 0) continue;
      samples.push(performance.now() - started);
      spans.push({ sent, answered: Date.now() });
      bar.update(i + 1);
    }
    bar.stop();
    return { samples, spans };
  };
  const steps: Record<string, string[]> = {};
  for (const latencyMs of API_ZOOM_LATENCIES_MS) {
    await zoom.configure({ latencyMs });
    const webinar = zoom.addWebinar();
    const registrants = (count: number, who: string) =>
      Array.from(
        { length: count },
        (_, i) => zoom.addRegistrant(webinar.id, { email: `${who}${i}@example.com`, first_name: 'Bench' }).id,
      );
    const viaApi = registrants(plan.apiRounds + 1, 'api');
    const inZoom = registrants(plan.apiRounds + 1, 'zoom');
    const viaLeast = LEAST_ANSWERS.map(
      ([call]) => [call, registrants(plan.apiRounds + 1, call.replace(/\W+/g, '-'))] as const,
    );
    const cancel = (i: number) =>
      axios.post(
        `${gatewayUrl}/api/v1/webinars/${webinar.id}/registrants/${viaApi[i]}/cancellations`,
        { by: 'registrant' },
        { headers },
      );
    const remove = (i: number) => direct.deleteRegistrant(zoomWebinar(webinar.id), inZoom[i]!, null);
    const api = await timeEach(`API cancellations, Zoom at ${latencyMs} ms`, plan.apiRounds, cancel);
    const { samples: deleted } = await timeEach(`Zoom DELETEs, Zoom at ${latencyMs} ms`, plan.apiRounds, remove);
    const leastAnswered = new Map<AnswerCall, number[]>();
    for (const [call, ids] of viaLeast) {
      const leastCancel = (i: number) => least.cancelAnswered(zoomWebinar(webinar.id), ids[i]!, call);
      const { samples } = await timeEach(
        `least answers, ${call}, Zoom at ${latencyMs} ms`,
        plan.apiRounds,
        leastCancel,
      );
      leastAnswered.set(call, samples);
    }
    const answered = api.samples;
    const histories = await Promise.all(
      viaApi.slice(0, plan.apiRounds).map(async (id) => {
        const handle = bench.client.workflow.getHandle(registrantWorkflowId(zoomWebinar(webinar.id), id));
        return (await handle.fetchHistory()).events ?? [];
      }),
    );
    const firstZoomCall = (id: string) => zoom.requests.find((r) => r.path.endsWith(`/registrants/${id}`))?.at;
    const timed = histories.map((events, i) => stepsOf(events, api.spans[i]!, firstZoomCall(viaApi[i]!)));
    steps[`Zoom at ${latencyMs} ms`] = API_STEPS.map((_, k) => {
      const [p50, p99] = [0.5, 0.99].map((p) =>
        percentile(
          timed.map((t) => t[k]!),
          p,
        ).toFixed(0),
      );
      return `${p50} / ${p99} ms`;
    });
    for (const [name, p] of [
      ['p50', 0.5],
      ['p99', 0.99],
    ] as const) {
      const [ours, zoomOwn] = [percentile(answered, p), percentile(deleted, p)];
      const target = name === 'p50' ? 30 : 100;
      const at = `${name}, Zoom at ${latencyMs} ms`;
      record(`API cancellation answered, ${at}`, ours, 'ms', 'Zoom DELETE alone', zoomOwn);
      record(`API cancellation beyond Zoom's DELETE, ${at}`, ours - zoomOwn, 'ms', 'issue 25 target', target);
      for (const [call, label] of LEAST_ANSWERS) {
        const leastOwn = percentile(leastAnswered.get(call) ?? [], p);
        record(`API cancellation answered, ${at}`, ours, 'ms', label, leastOwn);
        record(`${label} beyond Zoom's DELETE, ${at}`, leastOwn - zoomOwn, 'ms', 'issue 25 target', target);
      }
    }
  }
  await zoom.configure({ latencyMs: 0 });
  const columns = Object.keys(steps);
  bench.detail(
    'Where an API cancellation spends its time',
    [
      `Each step's median / p99, one cancellation at a time and ${API_ROUND_SPACING_MS} ms apart at the least (80 % of`,
      "the Light budget's pace), from the histories of the cancellations timed above (the server's event times) and the",
      "bench's own clock for the request: each cancellation's steps add up to its answer's time, their percentiles",
      "only roughly to the answer's.",
      '',
      `| step | ${columns.join(' | ')} |`,
      `| --- | ${columns.map(() => '---:').join(' | ')} |`,
      ...API_STEPS.map((step, k) => `| ${step} | ${columns.map((c) => steps[c]![k]).join(' | ')} |`),
    ],
    steps,
  );
}

const API_STEPS = [
  'the gateway, to the signal-with-start',
  'the first workflow task waits for a worker',
  "the first workflow task runs: the settings' local activity, the request taken",
  'cancelInZoom waits for a worker',
  'cancelInZoom books its three calls in the shared budget',
  "cancelInZoom's calls: Zoom's GET, write and read-back",
  'the workflow task that settles and answers the update',
  "the update's answer, back to the app",
];

/** How long each of API_STEPS took, in ms, for one API cancellation: its history and when it was sent and answered. */
function stepsOf(
  events: HistoryEvent[],
  { sent, answered }: { sent: number; answered: number },
  firstZoomCall: number | undefined,
): number[] {
  const at = (e: HistoryEvent | undefined) => {
    if (!e?.eventTime) throw new Error('an API cancellation history lacks an event it always has');
    return Number(e.eventTime.seconds) * 1000 + (e.eventTime.nanos ?? 0) / 1e6;
  };
  if (firstZoomCall === undefined) throw new Error('an API cancellation reached Zoom with none of its calls');
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'cancelInZoom');
  const by = (type: temporal.api.enums.v1.EventType, pick: (e: HistoryEvent) => boolean = () => true) =>
    events.find((e) => e.eventType === type && pick(e));
  const ofActivity = (e: HistoryEvent) =>
    String(
      e.activityTaskStartedEventAttributes?.scheduledEventId ??
        e.activityTaskCompletedEventAttributes?.scheduledEventId,
    ) === String(scheduled?.eventId);
  const moments = [
    sent,
    at(events[0]),
    at(by(EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED)),
    at(by(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)),
    at(by(EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED, ofActivity)),
    firstZoomCall,
    at(by(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, ofActivity)),
    at(by(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED)),
    answered,
  ];
  return moments.slice(1).map((moment, i) => moment - moments[i]!);
}
