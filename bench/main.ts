// `npm run bench [-- --quick] [--phase ack|settle|budget|sweep|memory|cost]`: the benchmark suite. It starts its own dev server, the compiled worker and gateway
// (as production runs them) and the Zoom emulator, and reports every figure beside a baseline measured in the same
// run, as a ratio: timings on a shared machine are noisy, ratios much less. Results go to bench/results/ as
// Markdown and JSON, with a PNG of acknowledgement latency against offered rate. Asserts nothing. Each phase is in
// bench/phases/; this file reads the flags, runs the phases asked for, in this order, and writes the results.
import { cpus, totalmem } from 'node:os';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { AppReceiver } from '../tools/dev/app-receiver';
import { freePort, startTemporalDevServer } from '../tools/dev/temporal-server';
import { benchAcknowledgements } from './phases/ack';
import { benchBudget } from './phases/budget';
import { benchCost } from './phases/cost';
import { benchMemory } from './phases/memory';
import { benchSettling, stopEmptyWorker } from './phases/settle';
import { benchSweep } from './phases/sweep';
import { plotAckLatency, type AckLatencyPoint } from './plot';
import { stderrProgress } from './progress';
import type { Bench, Plan } from './world';

interface Figure {
  figure: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
}
const figures: Figure[] = [];
const ackPoints: AckLatencyPoint[] = [];
const details: Array<{ title: string; lines: string[]; data: unknown }> = [];

const PHASES: Record<'ack' | 'settle' | 'budget' | 'sweep' | 'memory' | 'cost', (bench: Bench) => Promise<unknown>> = {
  ack: async (bench) => ackPoints.push(...(await benchAcknowledgements(bench))),
  settle: benchSettling,
  budget: benchBudget,
  sweep: benchSweep,
  memory: benchMemory,
  cost: benchCost,
};
const PHASE_NAMES = Object.keys(PHASES);
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    // `--phase settle --phase memory`: only those (results are then written as bench-partial.*).
    phase: { type: 'string', multiple: true, default: [...PHASE_NAMES] },
  },
});
const unknownPhase = args.phase.find((p) => !PHASE_NAMES.includes(p));
if (unknownPhase) {
  process.stderr.write(`bench: --phase ${unknownPhase} is not one of ${PHASE_NAMES.join(', ')}\n`);
  process.exit(2);
}
const ALL_PHASES = PHASE_NAMES.every((p) => args.phase.includes(p));
const QUICK = args.quick;
const PLAN: Plan = QUICK
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
const RESULTS = path.resolve(__dirname, 'results');

const progress = stderrProgress();

// --- results ----------------------------------------------------------------------------------------------------

const round = (n: number) => (Number.isFinite(n) ? Number(n.toPrecision(3)) : NaN);

/** Which of the phases asked for have been measured, and in how long: results are written after each. */
interface RunSoFar {
  measured: string[];
  seconds: number;
}

function markdown(date: string, machine: Record<string, string | number>, run: RunSoFar): string {
  const unfinished = args.phase.filter((p) => !run.measured.includes(p));
  const lines = [
    `# npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}, ${date}`,
    '',
    `${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}. Every figure beside its`,
    'baseline from the same run; the ratio is ours / baseline.',
    '',
    `Phases measured: ${run.measured.join(', ')}, in ${run.seconds.toFixed(0)} s.` +
      (unfinished.length > 0
        ? ` **Unfinished**: ${unfinished.join(', ')} not measured (the run stopped or goes on).`
        : ''),
    '',
    '| figure | ours | baseline | baseline value | ratio |',
    '| --- | ---: | --- | ---: | ---: |',
    ...figures.map(
      (f) =>
        `| ${f.figure} | ${round(f.value)}${f.unit ? ` ${f.unit}` : ''} | ${f.baseline} | ${round(f.baselineValue)}${f.unit ? ` ${f.unit}` : ''} | ${(f.value / f.baselineValue).toFixed(2)} |`,
    ),
    '',
    // Only when the ack phase ran (`--phase` may leave it out).
    ...(ackPoints.length === 0
      ? []
      : [
          '## Acknowledgement latency against offered rate',
          '',
          '| offered | approach | p50 | p99 |',
          '| ---: | --- | ---: | ---: |',
          ...[...ackPoints]
            .sort((a, b) => a.offeredRate - b.offeredRate || a.approach.localeCompare(b.approach))
            .map((p) => `| ${p.offeredRate}/s | ${p.approach} | ${round(p.p50Ms)} ms | ${round(p.p99Ms)} ms |`),
          '',
        ]),
    ...details.flatMap((d) => [`## ${d.title}`, '', ...d.lines, '']),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  // ERROR: the empty workflows' worker would warn that it has no activities.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const metricsPort = await freePort();
  const temporal = await startTemporalDevServer({ metricsPort });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection });
  const app = new AppReceiver();
  const appUrl = await app.start();
  const record: Bench['record'] = (figure, value, unit, baseline, baselineValue) =>
    figures.push({ figure, value, unit, baseline, baselineValue });
  const bench: Bench = {
    address: temporal.address,
    client,
    app,
    appUrl,
    plan: PLAN,
    progress,
    record,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    detail: (title, lines, data) => details.push({ title, lines, data }),
  };
  const name = !ALL_PHASES ? 'bench-partial' : QUICK ? 'bench-quick' : 'bench';
  const measured: string[] = [];
  let table = '';
  try {
    for (const [phaseName, phase] of Object.entries(PHASES)) {
      if (!args.phase.includes(phaseName)) continue;
      await phase(bench);
      measured.push(phaseName);
      // After every phase, so that a run stopped later keeps what it measured, marked as unfinished.
      table = await writeResults(name, { measured, seconds: (performance.now() - started) / 1000 });
    }
  } finally {
    // Each step bounded: a run whose results are written must not hang on its way out.
    await stopWithin("the empty workflows' worker", stopEmptyWorker());
    await stopWithin('the stand-in app', app.stop());
    await stopWithin('the client connection', connection.close());
    if (!(await stopWithin('the dev server', temporal.stop()))) await temporal.kill();
    progress.close();
  }
  process.stdout.write(`\n${table}\n`);
  process.stdout.write(
    `results: bench/results/${name}.{md,json}${ackPoints.length > 0 ? `, ${name}-ack-latency.png` : ''}\n`,
  );
}

function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
  };
}

/** Writes the results so far; returns their Markdown. */
async function writeResults(name: string, run: RunSoFar): Promise<string> {
  const date = new Date().toISOString().slice(0, 10);
  const table = markdown(date, machine(), run);
  await mkdir(RESULTS, { recursive: true });
  await writeFile(path.join(RESULTS, `${name}.md`), table);
  await writeFile(
    path.join(RESULTS, `${name}.json`),
    `${JSON.stringify({ date, quick: QUICK, machine: machine(), run, figures, ackLatency: ackPoints, details }, null, 2)}\n`,
  );
  if (ackPoints.length > 0) {
    await plotAckLatency(ackPoints, path.join(RESULTS, `${name}-ack-latency.png`), `Webhook acknowledgement, ${date}`);
  }
  process.stderr.write(`results so far: bench/results/${name}.md (${run.seconds.toFixed(0)} s)\n`);
  return table;
}

const STOP_WITHIN_MS = 60_000;

/** Waits for a stop, but says so and goes on if it takes longer than STOP_WITHIN_MS; true if it stopped in time. */
async function stopWithin(what: string, stopping: Promise<unknown>): Promise<boolean> {
  const late = Symbol('late');
  const failed = (err: unknown) => process.stderr.write(`bench: stopping ${what} failed: ${String(err)}\n`);
  const outcome = await Promise.race([stopping.catch(failed), sleep(STOP_WITHIN_MS, late)]);
  if (outcome !== late) return true;
  process.stderr.write(`bench: ${what} did not stop in ${STOP_WITHIN_MS / 1000} s; going on\n`);
  return false;
}

// Exits once the results are written, even if something stopped late (stopWithin) still holds the event loop.
main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
