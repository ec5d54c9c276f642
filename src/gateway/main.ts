// `npm run gateway`.
import { Client, Connection } from '@temporalio/client';
import { gatewayConfigSchema, loadConfigOrExit } from '../config';
import { logger } from '../logger';
import { buildGateway } from './server';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigSchema);
  // Lazy: the gateway starts (and answers 503) even while Temporal is down.
  const connection = Connection.lazy({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = buildGateway({ config, client, logger });
  await app.listen({ port: config.PORT, host: config.HOST });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'gateway stopping');
      void app
        .close()
        .then(() => connection.close())
        .finally(() => process.exit(0));
    });
  }
}

main().catch((err: unknown) => {
  logger.error({ err }, 'gateway failed');
  process.exit(1);
});
