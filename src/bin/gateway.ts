// `npm run gateway`.
import './dot-env';
import { gatewayConfigSchema, loadConfigOrExit } from '../config';
import { listenOrExplain } from '../http';
import { logger } from '../logger';
import { buildGateway } from '../gateway/server';
import { createGatewayClient } from '../gateway/client';
import { GatewayMetrics } from '../gateway/metrics';
import { describeTarget, probeTemporal, TemporalUnreachableError } from '../temporal/connection';
import { failedToStart } from './start-up';
import { ZoomCapture } from '../zoom/capture';

async function main(): Promise<void> {
  const config = loadConfigOrExit(gatewayConfigSchema);
  const metrics = new GatewayMetrics();
  const { client, connection, target } = createGatewayClient(config, [metrics.interceptor]);
  // The gateway starts without Temporal (it answers 503 meanwhile and Zoom redelivers), but says so at once; a
  // server that is there but refuses the certificate or the key will not change its mind: that stops the gateway.
  await probeTemporal(target).catch((err: unknown) => {
    if (!(err instanceof TemporalUnreachableError) || !err.transient) throw err;
    logger.warn(`${err.message} Answering 503 until it is.`);
  });
  const capture = config.ZOOM_CAPTURE_DIR
    ? await ZoomCapture.open(config.ZOOM_CAPTURE_DIR, 'gateway', (message) => logger.warn(message))
    : null;
  if (capture) logger.warn(`capture mode: the webhooks Zoom sends are written to ${config.ZOOM_CAPTURE_DIR}, redacted`);
  const app = buildGateway({ config, client, logger, metrics, capture });
  await listenOrExplain(app, { port: config.PORT, host: config.HOST, setting: 'PORT', what: 'gateway' });
  logger.info(describeTarget(target), 'gateway started');
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

main().catch(failedToStart('gateway'));
