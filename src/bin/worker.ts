// `npm run worker` (compiled: `node lib/bin/worker.js`): the registration workers until SIGINT or SIGTERM.
import './dot-env';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { WORKFLOW_BUNDLE_FILE } from './bundle-workflows';
import { ConfigError, loadConfigOrExit, workerConfigSchema, type WorkerConfig } from '../config';
import { errorMessage } from '../errors';
import { ensureReconciliationSchedule } from '../temporal/reconciliation-schedule';
import { logger } from '../logger';
import { connectWorker, describeTarget } from '../temporal/connection';
import { createRegistrationWorkers, mailerOf, prometheusTelemetry } from '../workers';
import { failedToStart } from './start-up';

async function main(): Promise<void> {
  const config = loadConfigOrExit(workerConfigSchema);
  installRuntime(config);
  const mailer = mailerOf(config);
  const temporal = await connectWorker(config);
  const { connection, namespace, dataConverter, target } = temporal;
  try {
    // Built by `npm run build` next to the compiled code; under tsx (npm run worker) the worker bundles at start.
    const bundle = path.join(__dirname, '..', WORKFLOW_BUNDLE_FILE);
    const workflowBundle = existsSync(bundle) ? { codePath: bundle } : undefined;
    const workers = await createRegistrationWorkers({ config, temporal, workflowBundle, mailer });
    logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, ...describeTarget(target) }, 'worker started');
    await keepReconciliationSchedule(config, new Client({ connection, namespace, dataConverter }));
    await Promise.all(workers.map((worker) => worker.run()));
  } finally {
    await connection.close();
  }
  logger.info('worker stopped');
}

/** The SDK's runtime: its log lines as ours, the shutdown signals, and the Prometheus endpoint. */
function installRuntime(config: WorkerConfig): void {
  const metrics = config.WORKER_METRICS_ADDRESS;
  try {
    Runtime.install({
      logger: new DefaultLogger('INFO', ({ level, message, meta }) => {
        const method = ({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const)[level];
        // The SDK names a failure `error`; pino serializes it (type, message, stack) only under `err`.
        const { error, ...rest } = (meta ?? {}) as { error?: unknown };
        logger[method](error === undefined ? rest : { ...rest, err: error }, message);
      }),
      // Workers drain and stop on these; run() then resolves.
      shutdownSignals: ['SIGINT', 'SIGTERM'],
      ...(metrics ? { telemetryOptions: prometheusTelemetry(metrics) } : {}),
    });
  } catch (err) {
    throw new ConfigError(
      `cannot serve metrics at ${metrics} (WORKER_METRICS_ADDRESS): ${errorMessage(err)}. Is another worker ` +
        'running on this machine? Give each its own port, or set WORKER_METRICS_ADDRESS=off.',
    );
  }
}

/** The sweep's schedule as RECONCILE_INTERVAL says; a failure is logged, since webhooks flow without it. */
async function keepReconciliationSchedule(config: WorkerConfig, client: Client): Promise<void> {
  try {
    const schedule = await ensureReconciliationSchedule(client, {
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      everyMs: config.RECONCILE_INTERVAL,
    });
    logger.info({ schedule }, 'reconciliation schedule kept');
  } catch (err) {
    logger.error({ err: errorMessage(err) }, 'the reconciliation schedule could not be kept: no sweep until it is');
  }
}

main().catch(failedToStart('worker'));
