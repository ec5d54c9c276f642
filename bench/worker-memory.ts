// `npm run bench:memory [-- --open 10000] [--cache N] [--node-flags "..."] [--only]`: the worker's memory with many
// registrant workflows open, started as production starts it (compiled JavaScript, the prebuilt workflow bundle and
// WORKER_PROCESS: the script builds first), against the SDK as it comes (every open workflow cached, no process
// settings), in the same run. `--cache` and `--node-flags` try other settings, to choose the defaults; `--only`
// leaves out the baseline, which is slow.
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { WORKER_PROCESS } from '../src/workers';
import { startTemporalDevServer } from '../tools/dev/temporal-server';
import { measureWorkerMemory } from './memory';
import { AS_IT_COMES } from './processes';
import { stderrProgress } from './progress';

const { values } = parseArgs({
  options: {
    open: { type: 'string', default: '10000' },
    cache: { type: 'string' },
    'node-flags': { type: 'string' },
    only: { type: 'boolean', default: false },
  },
});
const OPEN = Number(values.open);
const STAGES = [0, Math.min(1_000, OPEN), OPEN].filter((n, i, all) => all.indexOf(n) === i);
const CACHE = values.cache === undefined ? undefined : Number(values.cache);
const LAUNCH = {
  ...WORKER_PROCESS,
  ...(values['node-flags'] === undefined ? {} : { nodeFlags: values['node-flags'].split(/\s+/).filter(Boolean) }),
};

const progress = stderrProgress();

async function main(): Promise<void> {
  const server = await startTemporalDevServer();
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const common = { client, address: server.address, stages: STAGES, progress };
    const ours = await measureWorkerMemory({ ...common, cache: CACHE, launch: LAUNCH });
    const sdkAsItComes = values.only
      ? new Map<number, number>()
      : await measureWorkerMemory({ ...common, cache: OPEN + 1, launch: AS_IT_COMES });
    const label = `cache ${CACHE ?? 'default'}, ${[...LAUNCH.nodeFlags, ...Object.entries(LAUNCH.env).map((e) => e.join('='))].join(' ')}`;
    process.stdout.write(
      `\n| open registrant workflows | worker RSS, ${label} | every workflow cached, no settings | ratio |\n`,
    );
    process.stdout.write('| ---: | ---: | ---: | ---: |\n');
    for (const stage of STAGES) {
      const a = ours.get(stage) ?? NaN;
      const b = sdkAsItComes.get(stage) ?? NaN;
      process.stdout.write(`| ${stage} | ${a} MB | ${b} MB | ${(a / b).toFixed(2)} |\n`);
    }
  } finally {
    await connection.close();
    await server.stop();
    progress.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:memory failed: ${String(err)}\n`);
  process.exit(1);
});
