// What every phase of `npm run bench` runs in and shares: the dev server and its client, the stand-in app, the plan
// (quick or full), where figures go, and how a phase starts a worker against a Zoom emulator and waits on it.
import type { Client } from '@temporalio/client';
import { workerConfigSchema } from '../src/config';
import type { AppReceiver } from '../tools/dev/app-receiver';
import { eventually } from '../tools/eventually';
import { ZoomEmulator } from '../tools/sandbox/emulator';
import { emulatorWorkerEnv } from '../tools/sandbox/worker-env';
import { startWorker, type BenchProcess } from './processes';
import type { Progress } from './progress';

/** How much each phase does; `--quick` does less. */
export interface Plan {
  saturationSeconds: number;
  rateSeconds: number;
  settleCount: number;
  memorySettingsTurns: number;
  budgetBurst: number;
  apiRounds: number;
  sweepRegistrants: number;
  memory: number[];
}

export interface Bench {
  address: string;
  client: Client;
  /** The app every worker of the run tells, at `appUrl`. */
  app: AppReceiver;
  appUrl: string;
  plan: Plan;
  progress: Progress;
  /** A figure of ours beside its baseline from the same run, for the results table. */
  record: (figure: string, value: number, unit: string, baseline: string, baselineValue: number) => void;
  /** The dev server's Prometheus endpoint, where its `action` counter is (the cost phase reads it). */
  metricsUrl: string;
  /** A section of the results beyond the figures: Markdown lines under `title`, and `data` in the JSON. */
  detail: (title: string, lines: string[], data: unknown) => void;
}

export const SECRET = 'bench-webhook-secret';
export const API_TOKEN = 'bench-api-token';
export const CREDENTIALS = { accountId: 'bench', clientId: 'bench', clientSecret: 'bench' };
export const SETTLE_OFFERED_RATE = 50;
export const FOLLOW_UP_WINDOW_MS = 2_000;
/** Zoom's Light limit the settle phase's workers and its baseline are held to: the product's default. */
export const LIGHT_RATE_LIMIT = workerConfigSchema.shape.ZOOM_LIGHT_RATE_LIMIT.parse(undefined);

export function workerEnv(bench: Bench, taskQueue: string, zoom: ZoomEmulator) {
  return emulatorWorkerEnv(
    zoom,
    { url: bench.appUrl, secret: bench.app.secret },
    {
      TEMPORAL_ADDRESS: bench.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      FOLLOW_UP_WINDOW: `${FOLLOW_UP_WINDOW_MS}ms`,
      ZOOM_LIGHT_RATE_LIMIT: String(LIGHT_RATE_LIMIT),
      // No sweep runs in the middle of a measurement.
      RECONCILE_INTERVAL: 'off',
    },
  );
}

/** Events per second from the first to the last: a steady rate, without the delay before the first (a window). */
export function ratePerSecond(moments: number[]): number {
  const sorted = [...moments].sort((a, b) => a - b);
  const span = ((sorted.at(-1) ?? 0) - (sorted[0] ?? 0)) / 1000;
  return (sorted.length - 1) / span;
}

/** Waits until `done()` reaches `total`, showing it; fails at once if `alive` says a process died. */
export async function until(
  progress: Progress,
  label: string,
  total: number,
  done: () => number,
  alive: () => void,
  timeoutMs = 300_000,
) {
  const bar = progress.bar(label, total);
  try {
    await eventually(
      () => {
        if (done() >= total) return true;
        alive();
        bar.update(done());
        return undefined;
      },
      {
        timeoutMs,
        intervalMs: 200,
        timedOut: () => new Error(`${label}: ${done()} of ${total} after ${timeoutMs / 1000} s`),
        retryErrors: false,
      },
    );
    bar.update(total);
  } finally {
    bar.stop();
  }
}

/** A phase with a Zoom emulator and a worker (its settings, its own task queue) of its own, both stopped after it. */
export async function withZoomAndWorker(
  bench: Bench,
  taskQueue: string,
  settings: Record<string, string>,
  phase: (zoom: ZoomEmulator, worker: BenchProcess) => Promise<void>,
): Promise<void> {
  const zoom = new ZoomEmulator(CREDENTIALS);
  await zoom.start();
  const worker = await startWorker(bench.client, { ...workerEnv(bench, taskQueue, zoom), ...settings });
  try {
    await phase(zoom, worker);
  } finally {
    bench.app.onCallback = () => {};
    await worker.stop();
    await zoom.stop();
  }
}
