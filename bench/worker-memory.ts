// `npm run bench:memory [-- --open 10000]`: the worker's memory with many registrant workflows open, as production
// runs it (compiled JavaScript, the prebuilt workflow bundle: `npm run build` first), measured on the node process
// itself (VmRSS of its pid, no npm or tsx wrapper). Two workers in the same run: one with this project's default
// cache (WORKER_MAX_CACHED_WORKFLOWS) and, as the baseline, one that caches every open workflow.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { parseConfig, workerConfigSchema } from '../src/config';
import { ingestRegistrationEvent } from '../src/gateway/temporal';
import { startTemporalDevServer } from '../tools/dev/temporal-server';

const ROOT = path.resolve(__dirname, '..');
const WORKER = path.join(ROOT, 'lib', 'bin', 'worker.js');

const { values } = parseArgs({ options: { open: { type: 'string', default: '10000' } } });
const OPEN = Number(values.open);
const STAGES = [0, Math.min(1_000, OPEN), OPEN].filter((n, i, all) => all.indexOf(n) === i);

const rssMb = (pid: number) => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
};
const DEFAULT_CACHE = parseConfig(workerConfigSchema, {
  ZOOM_ACCOUNT_ID: 'bench',
  ZOOM_CLIENT_ID: 'bench',
  ZOOM_CLIENT_SECRET: 'bench',
}).WORKER_MAX_CACHED_WORKFLOWS;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(address: string, client: Client, cache: number): Promise<Map<number, number>> {
  const taskQueue = `memory-${cache}-${Date.now()}`;
  const webinarId = String(Date.now()).slice(-11);
  const worker: ChildProcess = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ZOOM_ACCOUNT_ID: 'bench',
      ZOOM_CLIENT_ID: 'bench',
      ZOOM_CLIENT_SECRET: 'bench',
      LOG_LEVEL: 'warn',
      WORKER_MAX_CACHED_WORKFLOWS: String(cache),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const figures = new Map<number, number>();
  try {
    await sleep(5_000);
    let opened = 0;
    for (const stage of STAGES) {
      for (; opened < stage; opened += 50) {
        await Promise.all(
          Array.from({ length: Math.min(50, stage - opened) }, (_, i) => {
            const registrantId = `mem${opened + i}`;
            // The gateway's own way in, as it takes a registration_created webhook.
            return ingestRegistrationEvent(client, taskQueue, {
              kind: 'created',
              eventTs: Date.now(),
              webinarId,
              occurrenceId: null,
              registrant: { id: registrantId, email: `${registrantId}@example.com`, first_name: 'M', last_name: '' },
              registrantStatus: 'approved',
              operator: null,
              operatorId: null,
            });
          }),
        );
        process.stderr.write(`\r  cache ${cache}: ${opened} / ${stage} opened`);
      }
      // Settled when every one of them has applied its event.
      const query = `ZoomWebinarId = "${webinarId}" AND RegistrationState = "approved"`;
      while ((await client.workflow.count(query)).count < stage) {
        // A worker out of memory dies: say so instead of waiting for workflows nobody runs.
        if (worker.exitCode !== null) throw new Error(`the worker (cache ${cache}) exited with ${worker.exitCode}`);
        await sleep(1_000);
      }
      await sleep(3_000);
      figures.set(stage, rssMb(worker.pid as number));
      process.stderr.write(`\r  cache ${cache}: ${stage} open, worker RSS ${figures.get(stage)} MB\n`);
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
  }
  return figures;
}

async function main(): Promise<void> {
  if (!existsSync(WORKER)) throw new Error('no lib/bin/worker.js: run `npm run build` first');
  const server = await startTemporalDevServer();
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    const ours = await measure(server.address, client, DEFAULT_CACHE);
    const everything = await measure(server.address, client, OPEN + 1);
    process.stdout.write(
      `\n| open registrant workflows | worker RSS, cache ${DEFAULT_CACHE} (default) | every workflow cached | ratio |\n`,
    );
    process.stdout.write('| ---: | ---: | ---: | ---: |\n');
    for (const stage of STAGES) {
      const a = ours.get(stage) ?? NaN;
      const b = everything.get(stage) ?? NaN;
      process.stdout.write(`| ${stage} | ${a} MB | ${b} MB | ${(a / b).toFixed(2)} |\n`);
    }
  } finally {
    await connection.close();
    await server.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:memory failed: ${String(err)}\n`);
  process.exit(1);
});
