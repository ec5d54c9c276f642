// `npm run gateway`.
import { gatewayConfigSchema, loadConfigOrExit } from '../config';
import { logger } from '../logger';
import { buildGateway } from '../gateway/server';
import { createGatewayClient } from '../gateway/client';
import { temporalUnreachable } from '../temporal/connection';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigSchema);
  const { client, connection } = createGatewayClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
  const app = buildGateway({ config, client, logger });
  await app.listen({ port: config.PORT, host: config.HOST });
  // The gateway starts without Temporal (it answers 503 meanwhile and Zoom redelivers), but says so at once.
  await client
    .withDeadline(Date.now() + 3_000, () => connection.ensureConnected())
    .catch((err: unknown) => logger.warn(`${temporalUnreachable(config, err).message} Answering 503 until it is.`));
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
