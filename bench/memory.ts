// The worker's memory with many registrant workflows open: each opened by a registration_created event, as the
// gateway ingests it, and read once every one has applied its event (they stay open, waiting out DEDUP_WINDOW).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { ingestUntilAccepted } from './ingest';
import { startWorker, type Launch } from './processes';
import type { Progress } from './progress';
import { zoomWebinar } from '../src/domain/zoom-event';

export interface MemoryOptions {
  client: Client;
  address: string;
  /** WORKER_MAX_CACHED_WORKFLOWS for the measured worker; the project's default when unset. */
  cache?: number;
  /** How the worker process is started; as production starts it when unset. */
  launch?: Launch;
  /** Open registrant workflows at each reading, ascending. */
  stages: number[];
  progress: Progress;
}

const IN_FLIGHT = 100;

/** The worker's RSS (MB) at each stage. */
export async function measureWorkerMemory({
  client,
  address,
  cache,
  launch,
  stages,
  progress,
}: MemoryOptions): Promise<Map<number, number>> {
  const taskQueue = `memory-${cache ?? 'default'}-${Date.now()}`;
  const webinarId = String(Date.now()).slice(-11);
  const worker = await startWorker(
    client,
    {
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ZOOM_ACCOUNT_ID: 'bench',
      ZOOM_CLIENT_ID: 'bench',
      ZOOM_CLIENT_SECRET: 'bench',
      RECONCILE_INTERVAL: 'off',
      ...(cache === undefined ? {} : { WORKER_MAX_CACHED_WORKFLOWS: String(cache) }),
    },
    launch,
  );
  const figures = new Map<number, number>();
  const total = stages.at(-1) ?? 0;
  const bar = progress.bar(`worker memory, cache ${cache ?? 'default'}`, total);
  try {
    let opened = 0;
    for (const stage of stages) {
      // Many in flight, as a webinar's registrations arrive: the server, not this loop, sets the pace.
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          while (opened < stage) {
            const id = `mem${opened++}`;
            await ingestUntilAccepted(client, taskQueue, {
              kind: 'created',
              eventTs: Date.now(),
              zoomEvent: zoomWebinar(webinarId),
              occurrenceId: null,
              registrant: { id, email: `${id}@example.com`, first_name: 'M', last_name: '' },
              registrantStatus: 'approved',
              operator: null,
              operatorId: null,
            });
            bar.update(opened);
          }
        }),
      );
      const query = `ZoomWebinarId = "${webinarId}" AND RegistrationState = "approved"`;
      const deadline = Date.now() + 600_000;
      while ((await client.workflow.count(query)).count < stage) {
        worker.assertAlive();
        if (Date.now() > deadline) throw new Error(`${stage} registrants did not all apply their event in 10 minutes`);
        await sleep(1_000);
      }
      // Let the worker finish what it was doing (evictions, GC) before reading.
      await sleep(3_000);
      worker.assertAlive();
      figures.set(stage, worker.rssMb());
      bar.note(`${stage} open: worker RSS ${figures.get(stage)} MB`);
    }
  } finally {
    bar.stop();
    await worker.stop();
  }
  // Only after a measurement that succeeded: one that failed ends the bench, and its dev server with it.
  await terminateAll(client, `ZoomWebinarId = "${webinarId}"`);
  return figures;
}

/**
 * Ends the workflows the measurement left open (they would wait out DEDUP_WINDOW), in one batch operation on the
 * server, and waits for it: thousands of them open would keep the dev server busy under the phases that follow.
 */
async function terminateAll(client: Client, visibilityQuery: string): Promise<void> {
  const { workflowService } = client.connection;
  const { namespace } = client.options;
  const jobId = `bench-memory-cleanup-${Date.now()}`;
  await workflowService.startBatchOperation({
    namespace,
    jobId,
    visibilityQuery,
    reason: 'npm run bench: the memory phase is over',
    terminationOperation: { identity: 'npm run bench' },
  });
  const { BATCH_OPERATION_STATE_RUNNING } = temporal.api.enums.v1.BatchOperationState;
  const deadline = Date.now() + 600_000;
  while ((await workflowService.describeBatchOperation({ namespace, jobId })).state === BATCH_OPERATION_STATE_RUNNING) {
    if (Date.now() > deadline) throw new Error(`the batch that ends the memory phase's workflows ran for 10 minutes`);
    await sleep(1_000);
  }
}
