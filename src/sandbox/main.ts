// `npm run sandbox`: the Zoom emulator on its own, seeded with one webinar and two registrants.
import { z } from 'zod';
import { loadConfigOrExit } from '../config';
import { ZoomEmulator } from './emulator';
import { seedDemoWebinar } from './seed';

const sandboxConfigSchema = z.object({
  SANDBOX_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(9090),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  ZOOM_ACCOUNT_ID: z.string().min(1).default('sandbox-account'),
  ZOOM_CLIENT_ID: z.string().min(1).default('sandbox-client'),
  ZOOM_CLIENT_SECRET: z.string().min(1).default('sandbox-secret'),
  SANDBOX_SELF_CANCEL_MODE: z.enum(['remove', 'deny'], { error: 'must be remove or deny' }).default('remove'),
});

async function main(): Promise<void> {
  const config = loadConfigOrExit(sandboxConfigSchema);
  const emulator = new ZoomEmulator({
    accountId: config.ZOOM_ACCOUNT_ID,
    clientId: config.ZOOM_CLIENT_ID,
    clientSecret: config.ZOOM_CLIENT_SECRET,
    selfCancelMode: config.SANDBOX_SELF_CANCEL_MODE,
  });
  await emulator.start(config.SANDBOX_PORT, config.SANDBOX_HOST);
  const { webinar, ada, grace } = seedDemoWebinar(emulator);

  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`Zoom emulator   ZOOM_API_BASE_URL=${emulator.apiBaseUrl}`);
  say(`                ZOOM_OAUTH_TOKEN_URL=${emulator.tokenUrl}`);
  say(
    `credentials     ZOOM_ACCOUNT_ID=${config.ZOOM_ACCOUNT_ID} ZOOM_CLIENT_ID=${config.ZOOM_CLIENT_ID} ZOOM_CLIENT_SECRET=${config.ZOOM_CLIENT_SECRET}`,
  );
  say(`self-cancel     ${config.SANDBOX_SELF_CANCEL_MODE}`);
  say(`seeded webinar  ${webinar.id}: registrants ${ada.id} (ada@example.com), ${grace.id} (grace@example.com)`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void emulator.stop().then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed: ${String(err)}\n`);
  process.exit(1);
});
