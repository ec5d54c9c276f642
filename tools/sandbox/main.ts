// `npm run sandbox`: the Zoom emulator on its own, seeded with one webinar and one meeting and their registrants. With
// SANDBOX_WEBHOOK_URL set it delivers webhooks there (validated first), as Zoom would.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError, loadConfigOrExit } from '../../src/config';
import { listenOrExplain } from '../../src/http';
import { ZoomEmulator } from './emulator';
import { seedDemoMeeting, seedDemoWebinar } from './seed';
import { settingsPatchSchema, type SettingsPatch } from './settings';
import { describeIssue } from '../../src/errors';

const rate = z.coerce.number({ error: 'must be a number between 0 and 1' }).min(0).max(1).default(0);

const sandboxConfigSchema = z.object({
  SANDBOX_PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(9090),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  ZOOM_ACCOUNT_ID: z.string().min(1).default('sandbox-account'),
  ZOOM_CLIENT_ID: z.string().min(1).default('sandbox-client'),
  ZOOM_CLIENT_SECRET: z.string().min(1).default('sandbox-secret'),
  SANDBOX_SELF_CANCEL_MODE: z.enum(['remove', 'deny'], { error: 'must be remove or deny' }).default('remove'),
  SANDBOX_PLAN: z
    .enum(['unlimited', 'free', 'pro', 'business'], { error: 'must be unlimited, free, pro or business' })
    .default('pro'),
  SANDBOX_CONSISTENCY_DELAY_MS: z.coerce.number({ error: 'must be milliseconds' }).int().min(0).default(0),
  SANDBOX_TIME_SCALE: z.coerce.number({ error: 'must be a number ≥ 1' }).min(1).default(60),
  SANDBOX_WEBHOOK_URL: z.url({ error: 'must be an http(s) URL' }).optional(),
  ZOOM_WEBHOOK_SECRET_TOKEN: z.string().min(1).default('sandbox-webhook-secret'),
  SANDBOX_SERVER_ERROR_RATE: rate,
  SANDBOX_TIMEOUT_RATE: rate,
  SANDBOX_DUPLICATE_RATE: rate,
  SANDBOX_OUT_OF_ORDER_RATE: rate,
  SANDBOX_DROP_RATE: rate,
  // A behaviour profile made from a real account's capture (`npm run capture`): its settings win over the above.
  SANDBOX_PROFILE: z.string().min(1).optional(),
});

/** The settings of a profile file, checked as every settings change is. */
async function profileSettings(file: string | undefined): Promise<SettingsPatch> {
  if (!file) return {};
  const parsed = settingsPatchSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new ConfigError(`SANDBOX_PROFILE ${file}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit(sandboxConfigSchema);
  const emulator = new ZoomEmulator({
    accountId: config.ZOOM_ACCOUNT_ID,
    clientId: config.ZOOM_CLIENT_ID,
    clientSecret: config.ZOOM_CLIENT_SECRET,
    settings: {
      selfCancelMode: config.SANDBOX_SELF_CANCEL_MODE,
      plan: config.SANDBOX_PLAN,
      consistencyDelayMs: config.SANDBOX_CONSISTENCY_DELAY_MS,
      timeScale: config.SANDBOX_TIME_SCALE,
      webhookSecret: config.ZOOM_WEBHOOK_SECRET_TOKEN,
      serverErrorRate: config.SANDBOX_SERVER_ERROR_RATE,
      timeoutRate: config.SANDBOX_TIMEOUT_RATE,
      duplicateRate: config.SANDBOX_DUPLICATE_RATE,
      outOfOrderRate: config.SANDBOX_OUT_OF_ORDER_RATE,
      dropRate: config.SANDBOX_DROP_RATE,
      ...(await profileSettings(config.SANDBOX_PROFILE)),
    },
  });
  await listenOrExplain(
    { listen: ({ port, host }) => emulator.start(port, host).then(() => emulator.url) },
    { port: config.SANDBOX_PORT, host: config.SANDBOX_HOST, setting: 'SANDBOX_PORT', what: 'sandbox (or npm run dev)' },
  );
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (config.SANDBOX_WEBHOOK_URL) {
    // Zoom validates an endpoint before it sends it anything; so does the sandbox.
    await emulator.configure({ webhookUrl: config.SANDBOX_WEBHOOK_URL }).catch((err: Error) => {
      say(`webhooks        NOT delivered: ${err.message}`);
    });
  }
  const webinar = seedDemoWebinar(emulator);
  const meeting = seedDemoMeeting(emulator);

  say(`Zoom emulator   ZOOM_API_BASE_URL=${emulator.apiBaseUrl}`);
  say(`                ZOOM_OAUTH_TOKEN_URL=${emulator.tokenUrl}`);
  say(
    `credentials     ZOOM_ACCOUNT_ID=${config.ZOOM_ACCOUNT_ID} ZOOM_CLIENT_ID=${config.ZOOM_CLIENT_ID} ZOOM_CLIENT_SECRET=${config.ZOOM_CLIENT_SECRET}`,
  );
  say(`control API     ${emulator.controlUrl}  (npm run simulate -- help)`);
  say(
    `webhooks        ${emulator.settings.webhookUrl ?? 'not delivered (set SANDBOX_WEBHOOK_URL)'}; retries 5/20/60 min ÷ ${config.SANDBOX_TIME_SCALE}`,
  );
  say(`self-cancel     ${config.SANDBOX_SELF_CANCEL_MODE}; rate limits: ${config.SANDBOX_PLAN}`);
  say(`seeded webinar  ${webinar.id}: ${[...webinar.registrants.values()].map((r) => r.email).join(', ')}`);
  say(`seeded meeting  ${meeting.id}: ${[...meeting.registrants.values()].map((r) => r.email).join(', ')}`);
  say(`try this        npm run simulate -- cancel-as-registrant ${webinar.id} ada@example.com`);
  say(`                npm run simulate -- cancel-as-registrant meeting:${meeting.id} alan@example.com`);

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void emulator.stop().then(() => process.exit(0)));
  }
}

main().catch((err: unknown) => {
  process.stderr.write(err instanceof ConfigError ? `sandbox: ${err.message}\n` : `sandbox failed: ${String(err)}\n`);
  process.exit(1);
});
