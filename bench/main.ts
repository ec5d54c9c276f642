// `npm run bench [-- --quick] [--phase ack|settle|budget|sweep|memory]`: the benchmark suite. It starts its own dev server, the compiled worker and gateway
// (as production runs them) and the Zoom emulator, and reports every figure beside a baseline measured in the same
// run, as a ratio: timings on a shared machine are noisy, ratios much less. Results go to bench/results/ as
// Markdown and JSON, with a PNG of acknowledgement latency against offered rate. Asserts nothing.
import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import axios from 'axios';
import type { RegistrationEvent } from '../src/domain/registration';
import { sweepNow } from '../src/temporal/reconciliation-schedule';
import { ingestRegistrationEvent } from '../src/temporal/registrant-signals';
import { WORKER_PROCESS } from '../src/workers';
import { ZoomClient } from '../src/zoom/client';
import { registrationEventSchema } from '../src/zoom/webhook';
import { AppReceiver } from '../tools/dev/app-receiver';
import { startTemporalDevServer } from '../tools/dev/temporal-server';
import { ZoomEmulator } from '../tools/sandbox/emulator';
import { deliverWebhook } from '../tools/sandbox/webhooks';
import { peakPerSecond } from '../tools/sandbox/rate-limits';
import { emptyWorkflow } from './empty-workflow';
import { startInlineBaseline } from './inline-baseline';
import { offerLoad, percentile, saturateWithWebhooks, type LoadFigures } from './load';
import { ingestUntilAccepted } from './ingest';
import { measureWorkerMemory } from './memory';
import { plotAckLatency, type AckLatencyPoint } from './plot';
import { AS_IT_COMES, startGateway, startWorker, type BenchProcess, type Launch } from './processes';
import { stderrProgress } from './progress';

const PHASES = ['ack', 'settle', 'budget', 'sweep', 'memory'] as const;
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    // `--phase settle --phase memory`: only those (results are then written as bench-partial.*).
    phase: { type: 'string', multiple: true, default: [...PHASES] },
  },
});
const unknownPhase = args.phase.find((p) => !(PHASES as readonly string[]).includes(p));
if (unknownPhase) {
  process.stderr.write(`bench: --phase ${unknownPhase} is not one of ${PHASES.join(', ')}\n`);
  process.exit(2);
}
const ALL_PHASES = PHASES.every((p) => args.phase.includes(p));
const QUICK = args.quick;
const PLAN = QUICK
  ? {
      saturationSeconds: 3,
      rateSeconds: 2,
      settleCount: 40,
      memorySettingsTurns: 1,
      budgetBurst: 40,
      apiRounds: 20,
      sweepRegistrants: 1_000,
      memory: [0, 500],
    }
  : {
      saturationSeconds: 15,
      rateSeconds: 10,
      settleCount: 300,
      memorySettingsTurns: 3,
      budgetBurst: 200,
      apiRounds: 100,
      sweepRegistrants: 10_000,
      memory: [0, 1_000, 10_000],
    };
const RATES = [20, 50, 100];
/** In flight at most: enough for the inline baseline's 200 ms answers at 100/s. */
const CONCURRENCY = 64;
const SATURATION_CONNECTIONS = 32;
const INLINE_ZOOM_LATENCY_MS = 200;
const BUDGET_LIMIT = 10;
const FOLLOW_UP_WINDOW = '2s';
const SETTLE_IN_FLIGHT = 150;
const SETTLE_OFFERED_RATE = 50;
const SECRET = 'bench-webhook-secret';
const API_TOKEN = 'bench-api-token';
const CREDENTIALS = { accountId: 'bench', clientId: 'bench', clientSecret: 'bench' };
const RESULTS = path.resolve(__dirname, 'results');

const progress = stderrProgress();

interface Figure {
  figure: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
}
const figures: Figure[] = [];
const ackPoints: AckLatencyPoint[] = [];
const record = (figure: string, value: number, unit: string, baseline: string, baselineValue: number) =>
  figures.push({ figure, value, unit, baseline, baselineValue });

/** A cancellation by the host, as Zoom sends it, for a registrant nobody has seen: a new workflow each time. */
function cancellationEvent(webinarId: string, registrantId: string) {
  return {
    event: 'webinar.registration_cancelled',
    event_ts: Date.now(),
    payload: {
      account_id: CREDENTIALS.accountId,
      operator: 'host@example.com',
      operator_id: 'host',
      object: {
        id: Number(webinarId),
        uuid: 'bench',
        host_id: 'host',
        registrant: { id: registrantId, email: `${registrantId}@example.com`, first_name: 'Bench' },
      },
    },
  };
}

/** The same cancellation as the gateway hands it to Temporal, read by the gateway's own schema. */
const cancellationSignal = (webinarId: string, registrantId: string): RegistrationEvent =>
  registrationEventSchema.parse(cancellationEvent(webinarId, registrantId));

function workerEnv(address: string, taskQueue: string, zoom: ZoomEmulator, app: AppReceiver, appUrl: string) {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ZOOM_ACCOUNT_ID: CREDENTIALS.accountId,
    ZOOM_CLIENT_ID: CREDENTIALS.clientId,
    ZOOM_CLIENT_SECRET: CREDENTIALS.clientSecret,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: zoom.tokenUrl,
    APP_CALLBACK_URL: appUrl,
    APP_CALLBACK_SECRET: app.secret,
    FOLLOW_UP_WINDOW,
    // No sweep runs in the middle of a measurement.
    RECONCILE_INTERVAL: 'off',
  };
}

// --- acknowledgements -------------------------------------------------------------------------------------------

async function benchAcknowledgements(address: string, client: Client, app: AppReceiver, appUrl: string) {
  // A queue no worker polls: the acknowledgement is the gateway's and Temporal's work alone, for both approaches.
  const taskQueue = 'bench-ack';
  const zoom = new ZoomEmulator({ ...CREDENTIALS, settings: { latencyMs: INLINE_ZOOM_LATENCY_MS } });
  await zoom.start();
  const webinarId = zoom.addWebinar().id;
  let serial = 0;
  const fresh = () => `ack${(serial++).toString(36)}`;
  const webhook = (url: string) => async () => {
    const answer = await deliverWebhook(url, cancellationEvent(webinarId, fresh()), SECRET);
    if (answer.status !== 200) throw new Error(`answered ${answer.status}`);
  };
  const signalWithStart = () => ingestRegistrationEvent(client, taskQueue, cancellationSignal(webinarId, fresh()));
  const stops: Array<() => Promise<void>> = [() => zoom.stop()];
  try {
    const gateway = await startGateway({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
    });
    stops.push(() => gateway.stop());
    const inline = await startInlineBaseline({
      secret: SECRET,
      zoom: new ZoomClient({ ...CREDENTIALS, apiBaseUrl: zoom.apiBaseUrl, tokenUrl: zoom.tokenUrl }),
      app: { url: appUrl, secret: app.secret },
    });
    stops.push(() => inline.close());

    const saturation = { seconds: PLAN.saturationSeconds, concurrency: SATURATION_CONNECTIONS };
    const gatewayMax = await progress.during(
      'webhooks at saturation',
      saturation.seconds,
      saturateWithWebhooks(
        `${gateway.url}/zoom/webhook`,
        SECRET,
        () => cancellationEvent(webinarId, fresh()),
        saturation,
      ),
    );
    const clientMax = await progress.during(
      'signalWithStart at saturation',
      saturation.seconds,
      offerLoad(signalWithStart, saturation),
    );
    warnFailures('webhooks at saturation', gatewayMax);
    warnFailures('signalWithStart at saturation', clientMax);
    record(
      'webhooks acknowledged at saturation',
      gatewayMax.perSecond,
      '/s',
      'plain signalWithStart',
      clientMax.perSecond,
    );

    const GATEWAY = 'gateway (webhook)';
    const PLAIN = 'plain signalWithStart';
    const INLINE = `inline, Zoom at ${INLINE_ZOOM_LATENCY_MS} ms`;
    const approaches = [
      { approach: GATEWAY, call: webhook(`${gateway.url}/zoom/webhook`) },
      { approach: PLAIN, call: signalWithStart },
      { approach: INLINE, call: webhook(inline.url) },
    ];
    for (const [turn, rate] of RATES.entries()) {
      const shape = { seconds: PLAN.rateSeconds, rate, concurrency: CONCURRENCY };
      // Each rate starts with another approach: the server's backlog grows through the phase.
      const order = [...approaches.slice(turn % 3), ...approaches.slice(0, turn % 3)];
      const loads = new Map<string, LoadFigures>();
      for (const { approach, call } of order) {
        const load = await progress.during(`${approach} at ${rate}/s`, shape.seconds, offerLoad(call, shape));
        warnFailures(`${approach} at ${rate}/s`, load);
        ackPoints.push({ approach, offeredRate: rate, p50Ms: load.p50Ms, p99Ms: load.p99Ms });
        loads.set(approach, load);
      }
      const figure = (approach: string, p: 'p50Ms' | 'p99Ms') => loads.get(approach)?.[p] ?? NaN;
      record(`ack p50 at ${rate}/s`, figure(GATEWAY, 'p50Ms'), 'ms', PLAIN, figure(PLAIN, 'p50Ms'));
      record(`ack p99 at ${rate}/s`, figure(GATEWAY, 'p99Ms'), 'ms', PLAIN, figure(PLAIN, 'p99Ms'));
      record(`ack p99 at ${rate}/s`, figure(GATEWAY, 'p99Ms'), 'ms', INLINE, figure(INLINE, 'p99Ms'));
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}

function warnFailures(what: string, load: LoadFigures) {
  if (load.failed > 0) process.stderr.write(`  ${what}: ${load.failed} of ${load.ok + load.failed} failed\n`);
}

// --- settling ---------------------------------------------------------------------------------------------------

/** Events per second from the first to the last: a steady rate, without the delay before the first (a window). */
function ratePerSecond(moments: number[]): number {
  const sorted = [...moments].sort((a, b) => a - b);
  const span = ((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)) / 1000;
  return (sorted.length - 1) / span;
}

/** Waits until `done()` reaches `total`, showing it; fails if `alive` says a process died. */
async function until(label: string, total: number, done: () => number, alive: () => void, timeoutMs = 300_000) {
  const bar = progress.bar(label, total);
  const deadline = Date.now() + timeoutMs;
  try {
    while (done() < total) {
      alive();
      if (Date.now() > deadline) throw new Error(`${label}: ${done()} of ${total} after ${timeoutMs / 1000} s`);
      bar.update(done());
      await sleep(200);
    }
    bar.update(total);
  } finally {
    bar.stop();
  }
}

async function benchSettling(address: string, client: Client, app: AppReceiver, appUrl: string) {
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
    const people = Array.from({ length: PLAN.settleCount }, (_, i) =>
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
    await Promise.all([offer(), until(`cancellations by ${by} settled`, people.length, () => settledAt.size, alive)]);
    const zoomCalls = zoom.requests.slice(zoomCallsBefore).filter((r) => r.path.startsWith('/v2/')).length;
    return { perSecond: ratePerSecond([...settledAt.values()]), zoomCallsEach: zoomCalls / people.length };
  };

  /** Runs `body` with a worker started as `launch` says, stopping it afterwards. */
  const withWorker = async <T>(
    launch: Launch,
    env: Record<string, string>,
    body: (alive: () => void) => Promise<T>,
  ) => {
    const worker = await startWorker(client, { ...workerEnv(address, taskQueue, zoom, app, appUrl), ...env }, launch);
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
        const empty = await emptyWorkflowsPerSecond(address, client, PLAN.settleCount);
        record(`cancellations by ${by} settled`, perSecond, '/s', 'empty workflows', empty);
        record(`Zoom calls per cancellation by ${by}`, zoomCallsEach, '', 'one lookup', 1);
      }
      await benchApiCancellation(zoom, gateway.url, alive);
    });
    // The memory settings must not cost speed: the same batch on the SDK as it comes (every workflow cached, no
    // process settings), taking turns, since one batch against another varies by a fifth on this machine.
    const ours: number[] = [];
    const asItComes: number[] = [];
    for (let turn = 0; turn < PLAN.memorySettingsTurns; turn += 1) {
      ours.push((await withWorker(WORKER_PROCESS, {}, (alive) => settle('admin', alive))).perSecond);
      const unbounded = { WORKER_MAX_CACHED_WORKFLOWS: '100000' };
      asItComes.push((await withWorker(AS_IT_COMES, unbounded, (alive) => settle('admin', alive))).perSecond);
    }
    record(
      `cancellations by admin settled (median of ${PLAN.memorySettingsTurns})`,
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
      workflowsPath: require.resolve('./empty-workflow'),
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

/** POST .../cancellations answered 200 (a workflow, a Zoom GET and DELETE, settled) against GET of a registrant. */
async function benchApiCancellation(zoom: ZoomEmulator, gatewayUrl: string, alive: () => void) {
  const webinar = zoom.addWebinar();
  const people = Array.from({ length: PLAN.apiRounds + 1 }, (_, i) =>
    zoom.addRegistrant(webinar.id, { email: `api${i}@example.com`, first_name: 'Bench' }),
  );
  const headers = { authorization: `Bearer ${API_TOKEN}` };
  const url = (i: number) => `${gatewayUrl}/api/v1/webinars/${webinar.id}/registrants/${people[i]?.id}`;
  const timeEach = async (label: string, call: (i: number) => Promise<unknown>) => {
    const bar = progress.bar(label, PLAN.apiRounds);
    const samples: number[] = [];
    for (let i = 0; i < PLAN.apiRounds; i += 1) {
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
  await cancel(PLAN.apiRounds); // warms up the path (first OAuth token): not measured
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

/** A phase with a Zoom emulator and a worker (its settings, its own task queue) of its own, both stopped after it. */
async function withZoomAndWorker(
  world: { address: string; client: Client; app: AppReceiver; appUrl: string },
  taskQueue: string,
  settings: Record<string, string>,
  phase: (zoom: ZoomEmulator, worker: BenchProcess) => Promise<void>,
): Promise<void> {
  const zoom = new ZoomEmulator(CREDENTIALS);
  await zoom.start();
  const worker = await startWorker(world.client, {
    ...workerEnv(world.address, taskQueue, zoom, world.app, world.appUrl),
    ...settings,
  });
  try {
    await phase(zoom, worker);
  } finally {
    world.app.onCallback = () => {};
    await worker.stop();
    await zoom.stop();
  }
}

// --- the Zoom budget --------------------------------------------------------------------------------------------

async function benchBudget(address: string, client: Client, app: AppReceiver, appUrl: string) {
  const taskQueue = 'bench-budget';
  const limits = { ZOOM_LIGHT_RATE_LIMIT: String(BUDGET_LIMIT), ZOOM_MEDIUM_RATE_LIMIT: String(BUDGET_LIMIT) };
  await withZoomAndWorker({ address, client, app, appUrl }, taskQueue, limits, async (zoom, worker) => {
    const webinar = zoom.addWebinar();
    const people = Array.from({ length: PLAN.budgetBurst }, (_, i) =>
      zoom.addRegistrant(webinar.id, { email: `budget${i}@example.com`, first_name: 'Bench' }),
    );
    const settled = new Set<string>();
    app.onCallback = ({ callback }) => {
      if (callback.type === 'registrant.cancelled' && callback.data.webinar_id === webinar.id) {
        settled.add(callback.data.registrant.id);
      }
    };
    // The host cancels them all at once; this emulator has no subscriber, so the events are handed over here, the
    // gateway's way, all together.
    const events = people.map((p) => registrationEventSchema.parse(zoom.cancelAsAdmin(webinar.id, p.id)));
    const started = Date.now();
    await Promise.all(events.map((event) => ingestUntilAccepted(client, taskQueue, event)));
    await until(
      `burst of ${people.length} under a budget of ${BUDGET_LIMIT}/s`,
      people.length,
      () => settled.size,
      () => worker.assertAlive(),
    );
    const light = zoom.requests
      .filter((r) => r.at >= started && r.path.includes('/registrants/') && ['GET', 'DELETE'].includes(r.method))
      .map((r) => r.at);
    record('Zoom Light calls, peak in any second', peakPerSecond(light), '/s', 'budget', BUDGET_LIMIT);
    record('Zoom Light calls, mean over the burst', ratePerSecond(light), '/s', 'budget', BUDGET_LIMIT);
  });
}

// --- the reconciliation sweep ------------------------------------------------------------------------------------

/** A Pro account's Medium limit, and the sweep's default share of it (a tenth). */
const SWEEP_MEDIUM_LIMIT = 20;
const SWEEP_SHARE = SWEEP_MEDIUM_LIMIT / 10;
/** Of the registrants we know, this many cancel themselves while Zoom loses the webhook. */
const SWEEP_KNOWN = 100;
const SWEEP_LOST = 10;

async function benchSweep(address: string, client: Client, app: AppReceiver, appUrl: string) {
  const taskQueue = 'bench-sweep';
  const settings = { ZOOM_MEDIUM_RATE_LIMIT: String(SWEEP_MEDIUM_LIMIT), RECONCILE_GRACE: '1s' };
  await withZoomAndWorker({ address, client, app, appUrl }, taskQueue, settings, async (zoom, worker) => {
    const webinar = zoom.addWebinar();
    // Most registered long before we could know them (untracked: compared, nothing to do); some we know.
    for (let i = 0; i < PLAN.sweepRegistrants - SWEEP_KNOWN; i++) {
      zoom.addRegistrant(webinar.id, {
        email: `s${i}@example.com`,
        first_name: 'S',
        createTime: '2020-01-01T00:00:00Z',
      });
    }
    const known = Array.from(
      { length: SWEEP_KNOWN },
      (_, i) => zoom.addRegistrant(webinar.id, { email: `k${i}@example.com`, first_name: 'K' }).id,
    );
    const told = new Map<string, string[]>();
    app.onCallback = ({ callback }) => {
      if (callback.data.webinar_id !== webinar.id) return;
      told.set(callback.data.registrant.id, [...(told.get(callback.data.registrant.id) ?? []), callback.type]);
    };
    const created = known.map((id) => registrationEventSchema.parse(zoom.buildEvent('created', webinar.id, id)));
    await Promise.all(created.map((event) => ingestUntilAccepted(client, taskQueue, event)));
    await until(
      'registrations told',
      SWEEP_KNOWN,
      () => told.size,
      () => worker.assertAlive(),
    );
    // Their cancellations never reach us: nothing is subscribed, and we hand them to nobody.
    const lost = known.slice(0, SWEEP_LOST);
    lost.forEach((id) => zoom.cancelAsRegistrant(webinar.id, id));
    await sleep(1_500);

    const started = Date.now();
    const handle = await sweepNow(client, taskQueue, [webinar.id]);
    const bar = progress.bar(`sweep of ${PLAN.sweepRegistrants.toLocaleString('en')} registrants`, 1);
    const report = await handle.result();
    const seconds = (Date.now() - started) / 1000;
    bar.update(1);
    bar.stop();
    await until(
      'missed cancellations told',
      SWEEP_LOST,
      () => lost.filter((id) => told.get(id)?.includes('registrant.cancelled')).length,
      () => worker.assertAlive(),
    );
    const findings = report.webinars[0];
    if (
      !findings ||
      findings.missed_cancellation !== SWEEP_LOST ||
      findings.listed !== PLAN.sweepRegistrants - SWEEP_LOST
    ) {
      throw new Error(`the sweep found ${JSON.stringify(findings)}`);
    }
    const medium = zoom.requests.filter((r) => r.at >= started && r.path.endsWith('/registrants')).map((r) => r.at);
    // Zoom's listing: ⌈n/300⌉ approved pages, one pending, one denied; and the webinar itself.
    const pages = Math.ceil((PLAN.sweepRegistrants - SWEEP_LOST) / 300) + 2;
    const paced = (pages - 1) / (SWEEP_SHARE * 0.9);
    const n = PLAN.sweepRegistrants.toLocaleString('en');
    record(`sweep of ${n} registrants, wall time`, seconds, 's', "the sweep's share of Medium, paced", paced);
    record(`Zoom calls per sweep of ${n}`, findings.zoom_calls, '', 'pages + the webinar', pages + 1);
    record('Zoom list calls, peak in any second', peakPerSecond(medium), '/s', "the sweep's share", SWEEP_SHARE);
  });
}

// --- memory -----------------------------------------------------------------------------------------------------

async function benchMemory(address: string, client: Client) {
  const rss = await measureWorkerMemory({ client, address, stages: PLAN.memory, progress });
  const idle = rss.get(0) ?? NaN;
  for (const [open, mb] of rss) {
    if (open > 0) record(`worker RSS, ${open.toLocaleString('en')} registrants open`, mb, 'MB', 'idle worker', idle);
  }
}

// --- results ----------------------------------------------------------------------------------------------------

const round = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(3)) : NaN);

function markdown(date: string, machine: Record<string, string | number>): string {
  const lines = [
    `# npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}, ${date}`,
    '',
    `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}. Every figure beside its`,
    'baseline from the same run; the ratio is ours / baseline.',
    '',
    '| figure | ours | baseline | baseline value | ratio |',
    '| --- | ---: | --- | ---: | ---: |',
    ...figures.map(
      (f) =>
        `| ${f.figure} | ${round(f.value)}${f.unit ? ` ${f.unit}` : ''} | ${f.baseline} | ${round(f.baselineValue)}${f.unit ? ` ${f.unit}` : ''} | ${(f.value / f.baselineValue).toFixed(2)} |`,
    ),
    '',
    '## Acknowledgement latency against offered rate',
    '',
    '| offered | approach | p50 | p99 |',
    '| ---: | --- | ---: | ---: |',
    ...[...ackPoints]
      .sort((a, b) => a.offeredRate - b.offeredRate || a.approach.localeCompare(b.approach))
      .map((p) => `| ${p.offeredRate}/s | ${p.approach} | ${round(p.p50Ms)} ms | ${round(p.p99Ms)} ms |`),
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  // ERROR: the empty workflows' worker would warn that it has no activities.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const temporal = await startTemporalDevServer();
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const app = new AppReceiver();
  const appUrl = await app.start();
  try {
    const run = (phase: (typeof PHASES)[number]) => args.phase.includes(phase);
    if (run('ack')) await benchAcknowledgements(temporal.address, client, app, appUrl);
    if (run('settle')) await benchSettling(temporal.address, client, app, appUrl);
    if (run('budget')) await benchBudget(temporal.address, client, app, appUrl);
    if (run('sweep')) await benchSweep(temporal.address, client, app, appUrl);
    if (run('memory')) await benchMemory(temporal.address, client);
  } finally {
    if (emptyWorker) {
      emptyWorker.worker.shutdown();
      await emptyWorker.running;
      await emptyWorker.connection.close();
    }
    await app.stop();
    await connection.close();
    await temporal.stop();
    progress.close();
  }

  const date = new Date().toISOString().slice(0, 10);
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
  };
  const name = !ALL_PHASES ? 'bench-partial' : QUICK ? 'bench-quick' : 'bench';
  await mkdir(RESULTS, { recursive: true });
  const table = markdown(date, machine);
  await writeFile(path.join(RESULTS, `${name}.md`), table);
  await writeFile(
    path.join(RESULTS, `${name}.json`),
    `${JSON.stringify({ date, quick: QUICK, machine, figures, ackLatency: ackPoints }, null, 2)}\n`,
  );
  if (ackPoints.length > 0) {
    await plotAckLatency(ackPoints, path.join(RESULTS, `${name}-ack-latency.png`), `Webhook acknowledgement, ${date}`);
  }
  process.stdout.write(`\n${table}\n`);
  process.stdout.write(
    `results: bench/results/${name}.{md,json}${ackPoints.length > 0 ? `, ${name}-ack-latency.png` : ''} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
