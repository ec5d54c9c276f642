// `npm start`: the seat app on SEAT_APP_PORT, taking the worker's callbacks at /zoom-callbacks.
import { RegistrationsApi } from '@zoom-registrations/client';
import { buildSeatApp } from './app';
import { capacityOf, parseSeatAppConfig, type SeatAppConfig } from './config';
import { SeatStore } from './store';

async function main(): Promise<void> {
  let config: SeatAppConfig;
  try {
    config = parseSeatAppConfig(process.env);
  } catch (err) {
    process.stderr.write(`seat app: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  const store = await SeatStore.open(config.SEAT_APP_DATABASE, capacityOf(config));
  const app = buildSeatApp({
    store,
    callbackSecret: config.APP_CALLBACK_SECRET,
    api: new RegistrationsApi({ baseUrl: config.GATEWAY_URL, token: config.API_TOKEN }),
    logLevel: config.LOG_LEVEL,
  });
  const url = await app.listen({ port: config.SEAT_APP_PORT, host: config.SEAT_APP_HOST });
  process.stdout.write(`seat app: pages on ${url}/, callbacks at ${url}/zoom-callbacks\n`);

  const stop = async () => {
    // Callbacks being applied finish first: their answers must follow their commits.
    await app.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  process.stderr.write(`seat app: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
