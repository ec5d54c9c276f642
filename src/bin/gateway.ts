// `npm run gateway`.
import { gatewayConfigSchema, loadConfigOrExit } from '../config';
import { logger } from '../logger';
import { buildGateway } from '../gateway/server';
import { createGatewayClient } from '../gateway/temporal';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigSchema);
  const { client, connection } = createGatewayClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE);
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
