// `npm run worker` (compiled: `node lib/bin/worker.js`): the registration workers until SIGINT or SIGTERM.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfigOrExit, workerConfigSchema } from '../config';
import { logger } from '../logger';
import { createRegistrationWorkers } from '../workers';

async function main(): Promise<void> {
  const config = loadConfigOrExit(workerConfigSchema);
  Runtime.install({
    logger: new DefaultLogger('INFO', ({ level, message, meta }) => {
      const method = ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[level];
      logger[method](meta ?? {}, message);
    }),
    // Workers drain and stop on these; run() then resolves.
    shutdownSignals: ['SIGINT', 'SIGTERM'],
  });
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
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
  logger.error({ err }, 'worker failed');
  process.exit(1);
});
