// `npm run codec-server`: decrypts payloads for the Temporal Web UI and CLI (README, "Personal data in Temporal").
import './dot-env';
import { codecServerConfigSchema, loadConfigOrExit } from '../config';
import { listenOrExplain } from '../http';
import { buildCodecServer } from '../codec-server/server';
import { logger } from '../logger';
import { AesGcmPayloadCodec } from '../temporal/payload-codec';
import { failedToStart } from './start-up';

async function main(): Promise<void> {
  const config = loadConfigOrExit(codecServerConfigSchema);
  const app = buildCodecServer({
    codec: new AesGcmPayloadCodec(config.PAYLOAD_CODEC_KEYS),
    token: config.CODEC_SERVER_TOKEN ?? null,
    corsOrigins: config.CODEC_SERVER_CORS_ORIGINS,
    logger,
  });
  const url = await listenOrExplain(app, {
    port: config.CODEC_SERVER_PORT,
    host: config.CODEC_SERVER_HOST,
    setting: 'CODEC_SERVER_PORT',
    what: 'codec server',
  });
  logger.info(
    { url, keys: config.PAYLOAD_CODEC_KEYS.map(({ id }) => id), origins: config.CODEC_SERVER_CORS_ORIGINS },
    'codec server started',
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void app.close().finally(() => process.exit(0)));
  }
}

main().catch(failedToStart('codec server'));
