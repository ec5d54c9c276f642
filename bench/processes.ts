// The worker and the gateway as production runs them: compiled JavaScript (`npm run build`) in their own node
// processes, so that their RSS is their own and the load generator does not share their event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import axios from 'axios';
import { WORKER_PROCESS } from '../src/workers';
import { compiledEntry, rssMb, type Entry } from '../tools/chaos/supervisor';
import { freePort } from '../tools/dev/temporal-server';

export interface BenchProcess {
  readonly pid: number;
  /** The node process's own resident memory (VmRSS), in MB. */
  rssMb(): number;
  /** Throws if the process has ended (a worker out of memory), so that nobody waits for it. */
  assertAlive(): void;
  stop(): Promise<void>;
}

/** How a node process is started: flags before the script, and environment variables. */
export interface Launch {
  nodeFlags: readonly string[];
  env: Readonly<Record<string, string>>;
}

/** Node as it comes: no flags, no settings. */
export const AS_IT_COMES: Launch = { nodeFlags: [], env: {} };

function startNode(entry: Entry, env: Record<string, string>, launch: Launch): BenchProcess {
  const file = compiledEntry(entry);
  const child: ChildProcess = spawn(process.execPath, [...launch.nodeFlags, file], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...launch.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${file}`);
  return {
    pid,
    rssMb: () => rssMb(pid),
    assertAlive() {
      // An out-of-memory abort ends it by a signal, with no exit code.
      const end = child.exitCode ?? child.signalCode;
      if (end !== null) throw new Error(`the ${entry} (pid ${pid}) ended: ${end}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Polls `ready` until it holds; stops the process and throws if it dies or takes longer than a minute. */
async function whenReady<P extends BenchProcess>(started: P, ready: () => Promise<boolean>): Promise<P> {
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      started.assertAlive();
      if (await ready()) return started;
      if (Date.now() > deadline) throw new Error(`pid ${started.pid} was not ready within a minute`);
      await sleep(200);
    }
  } catch (err) {
    await started.stop();
    throw err;
  }
}

/**
 * A worker, started as production starts it unless told otherwise, returned once it polls its task queue: it
 * itself, by its identity (the SDK's `pid@host`), since the server lists a stopped worker's pollers for minutes.
 */
export async function startWorker(
  client: Client,
  env: Record<string, string>,
  launch: Launch = WORKER_PROCESS,
): Promise<BenchProcess> {
  // Serving its metrics, as production does, each on a port of its own (several run at once).
  const metrics = `127.0.0.1:${await freePort()}`;
  const worker = startNode('worker', { WORKER_METRICS_ADDRESS: metrics, ...env }, launch);
  return whenReady(worker, async () => {
    const { pollers } = await client.workflowService.describeTaskQueue({
      namespace: client.options.namespace,
      taskQueue: { name: env.TEMPORAL_TASK_QUEUE ?? 'zoom-registrations' },
    });
    return pollers.some((p) => p.identity?.startsWith(`${worker.pid}@`));
  });
}

/** A gateway on a free port, returned with its origin once /healthz answers. */
export async function startGateway(env: Record<string, string>): Promise<BenchProcess & { url: string }> {
  const port = await freePort();
  const gateway = startNode('gateway', { HOST: '127.0.0.1', PORT: String(port), ...env }, AS_IT_COMES);
  const url = `http://127.0.0.1:${port}`;
  await whenReady(gateway, async () => {
    const healthy = await axios.get(`${url}/healthz`, { validateStatus: () => true }).catch(() => null);
    return healthy?.status === 200;
  });
  return Object.assign(gateway, { url });
}
