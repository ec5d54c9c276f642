// `npm run bench [-- --quick] [--phase ack|settle|budget|memory]`: the benchmark suite. It starts its own dev server, the compiled worker and gateway
// (as production runs them) and the Zoom emulator, and reports every figure beside a baseline measured in the same
// run, as a ratio: timings on a shared machine are noisy, ratios much less. Results go to bench/results/ as
// Markdown and JSON, with a PNG of acknowledgement latency against offered rate. Asserts nothing.
import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import axios from 'axios';
import type { RegistrationEvent } from '../src/domain/registration';
import { ingestRegistrationEvent } from '../src/gateway/temporal';
import { WORKER_PROCESS } from '../src/workers';
import { ZoomClient } from '../src/zoom/client';
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
import { AS_IT_COMES, startGateway, startWorker, type Launch } from './processes';
import { stderrProgress } from './progress';

const PHASES = ['ack', 'settle', 'budget', 'memory'] as const;
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
      settleCount: 60,
      memorySettingsTurns: 1,
      budgetBurst: 40,
      apiRounds: 20,
      memory: [0, 500],
    }
  : {
      saturationSeconds: 15,
      rateSeconds: 10,
      settleCount: 300,
      memorySettingsTurns: 3,
      budgetBurst: 200,
      apiRounds: 100,
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
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** The same cancellation as the gateway hands it to Temporal. */
function cancellationSignal(webinarId: string, registrantId: string): RegistrationEvent {
  return {
    kind: 'cancelled',
    eventTs: Date.now(),
    webinarId,
    occurrenceId: null,
    registrant: { id: registrantId, email: `${registrantId}@example.com`, first_name: 'Bench', last_name: '' },
    registrantStatus: null,
    operator: 'host@example.com',
    operatorId: 'host',
  };
}

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
  };
}

// --- acknowledgements -------------------------------------------------------------------------------------------

async function benchAcknowledgements(address: string, client: Client, app: AppReceiver, appUrl: string) {
  // A queue no worker polls: the acknowledgement is the gateway's and Temporal's work alone, for both approaches.
  const taskQueue = 'bench-ack';
  const gateway = await startGateway({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
  });
  const zoom = new ZoomEmulator({ ...CREDENTIALS, settings: { latencyMs: INLINE_ZOOM_LATENCY_MS } });
  await zoom.start();
  const webinarId = zoom.addWebinar().id;
  const inline = await startInlineBaseline({
    secret: SECRET,
    zoom: new ZoomClient({ ...CREDENTIALS, apiBaseUrl: zoom.apiBaseUrl, tokenUrl: zoom.tokenUrl }),
    app: { url: appUrl, secret: app.secret },
  });
  let serial = 0;
  const fresh = () => `ack${(serial++).toString(36)}`;
  const webhook = (url: string) => async () => {
    const answer = await deliverWebhook(url, cancellationEvent(webinarId, fresh()), SECRET);
    if (answer.status !== 200) throw new Error(`answered ${answer.status}`);
  };
  const signalWithStart = () => ingestRegistrationEvent(client, taskQueue, cancellationSignal(webinarId, fresh()));
  try {
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

    for (const rate of RATES) {
      const shape = { seconds: PLAN.rateSeconds, rate, concurrency: CONCURRENCY };
      const ours = await progress.during(
        `webhooks at ${rate}/s`,
        shape.seconds,
        offerLoad(webhook(`${gateway.url}/zoom/webhook`), shape),
      );
      const plain = await progress.during(
        `signalWithStart at ${rate}/s`,
        shape.seconds,
        offerLoad(signalWithStart, shape),
      );
      const seed = await progress.during(
        `inline (Zoom ${INLINE_ZOOM_LATENCY_MS} ms) at ${rate}/s`,
        shape.seconds,
        offerLoad(webhook(inline.url), shape),
      );
      for (const [approach, load] of [
        ['gateway (webhook)', ours],
        ['plain signalWithStart', plain],
        [`inline, Zoom at ${INLINE_ZOOM_LATENCY_MS} ms`, seed],
      ] as const) {
        warnFailures(`${approach} at ${rate}/s`, load);
        ackPoints.push({ approach, offeredRate: rate, p50Ms: load.p50Ms, p99Ms: load.p99Ms });
      }
      record(`ack p50 at ${rate}/s`, ours.p50Ms, 'ms', 'plain signalWithStart', plain.p50Ms);
      record(`ack p99 at ${rate}/s`, ours.p99Ms, 'ms', 'plain signalWithStart', plain.p99Ms);
      record(`ack p99 at ${rate}/s`, ours.p99Ms, 'ms', `inline, Zoom at ${INLINE_ZOOM_LATENCY_MS} ms`, seed.p99Ms);
    }
  } finally {
    await inline.close();
    await zoom.stop();
    await gateway.stop();
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
  });
  await zoom.configure({ webhookUrl: `${gateway.url}/zoom/webhook`, webhookSecret: SECRET });

  /** Cancels `count` registrants of a new webinar at once, as `by` would in Zoom; settles per second. */
  const settle = async (by: 'registrant' | 'admin', alive: () => void) => {
    const webinar = zoom.addWebinar();
    const people = Array.from({ length: PLAN.settleCount }, (_, i) =>
      zoom.addRegistrant(webinar.id, { email: `${by}${i}@example.com`, first_name: 'Bench' }),
    );
    const settledAt = new Map<string, number>();
    app.onCallback = ({ callback }) => {
      if (callback.type === 'registrant.cancelled' && callback.data.webinar_id === webinar.id) {
        settledAt.set(callback.data.registrant.id, performance.now());
      }
    };
    const zoomCallsBefore = zoom.requests.length;
    // Enough in flight to keep the engine busy through the follow-up window, but offered at a pace the gateway
    // takes: past it, it answers 503 and Zoom's redelivery (seconds apart, even sped up) is what gets measured.
    const settling = until(`cancellations by ${by} settled`, people.length, () => settledAt.size, alive);
    for (const [i, person] of people.entries()) {
      await sleep(1000 / SETTLE_OFFERED_RATE);
      while (i - settledAt.size >= SETTLE_IN_FLIGHT) await sleep(20);
      if (by === 'registrant') zoom.cancelAsRegistrant(webinar.id, person.id);
      else zoom.cancelAsAdmin(webinar.id, person.id);
    }
    await settling;
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

/** Completions per second of `count` empty workflows started at once, on a worker in this process. */
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
  const run = Date.now();
  const handles = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      client.workflow.start(emptyWorkflow, { taskQueue, workflowId: `empty-${run}-${i}` }),
    ),
  );
  const completedAt = await Promise.all(handles.map((h) => h.result().then(() => performance.now())));
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

// --- the Zoom budget --------------------------------------------------------------------------------------------

async function benchBudget(address: string, client: Client, app: AppReceiver, appUrl: string) {
  const taskQueue = 'bench-budget';
  const zoom = new ZoomEmulator(CREDENTIALS);
  await zoom.start();
  const worker = await startWorker(client, {
    ...workerEnv(address, taskQueue, zoom, app, appUrl),
    ZOOM_LIGHT_RATE_LIMIT: String(BUDGET_LIMIT),
    ZOOM_MEDIUM_RATE_LIMIT: String(BUDGET_LIMIT),
  });
  try {
    const webinar = zoom.addWebinar();
    const people = Array.from({ length: PLAN.budgetBurst }, (_, i) =>
      zoom.addRegistrant(webinar.id, { email: `budget${i}@example.com`, first_name: 'Bench' }),
    );
    let settled = 0;
    app.onCallback = ({ callback }) => {
      if (callback.type === 'registrant.cancelled' && callback.data.webinar_id === webinar.id) settled += 1;
    };
    // The host cancels them all at once (no webhooks: this emulator has no subscriber); the events arrive together.
    for (const person of people) zoom.cancelAsAdmin(webinar.id, person.id);
    const started = Date.now();
    await Promise.all(
      people.map((p) =>
        ingestUntilAccepted(client, taskQueue, {
          ...cancellationSignal(webinar.id, p.id),
          registrant: { id: p.id, email: p.email, first_name: p.first_name, last_name: '' },
        }),
      ),
    );
    await until(
      `burst of ${people.length} under a budget of ${BUDGET_LIMIT}/s`,
      people.length,
      () => settled,
      () => worker.assertAlive(),
    );
    const light = zoom.requests
      .filter((r) => r.at >= started && r.path.includes('/registrants/') && ['GET', 'DELETE'].includes(r.method))
      .map((r) => r.at);
    record('Zoom Light calls, peak in any second', peakPerSecond(light), '/s', 'budget', BUDGET_LIMIT);
    record('Zoom Light calls, mean over the burst', ratePerSecond(light), '/s', 'budget', BUDGET_LIMIT);
  } finally {
    app.onCallback = () => {};
    await worker.stop();
    await zoom.stop();
  }
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
    ...ackPoints.map((p) => `| ${p.offeredRate}/s | ${p.approach} | ${round(p.p50Ms)} ms | ${round(p.p99Ms)} ms |`),
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
