// `npm run worker` (compiled: `node lib/bin/worker.js`): the registration workers until SIGINT or SIGTERM.
import { Runtime } from '@temporalio/worker';
import { loadConfigOrExit, workerConfigSchema } from '../config';
import { logger } from '../logger';
import { runtimeLogger } from '../runtime-logger';
import { connectWorker, TemporalUnreachableError } from '../temporal-connection';
import { createRegistrationWorkers } from '../workers';

async function main(): Promise<void> {
  const config = loadConfigOrExit(workerConfigSchema);
  Runtime.install({
    logger: runtimeLogger(logger),
    // Workers drain and stop on these; run() then resolves.
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  const connection = await connectWorker(config);
  try {
    const workers = await createRegistrationWorkers({ config, connection });
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker started');
    await Promise.all(workers.map((worker) => worker.run()));
  } finally {
    await connection.close();
  }
  logger.info('worker stopped');
}

main().catch((err: unknown) => {
  // A start-up problem is one line that says what to do; anything else keeps its stack.
  if (err instanceof TemporalUnreachableError) logger.error(err.message);
  else logger.error({ err }, 'worker failed');
  process.exit(1);
});
