// `npm run dev`: a whole local world with no Zoom account: a Temporal dev server with its Web UI, the Zoom emulator
// (delivering its webhooks to the gateway as Zoom would, retries included), a worker and the gateway, wired
// together, with the reference seat app taking the callbacks, an SMTP catcher that keeps the registrants' emails and a
// stand-in for the operators' alert channel.
// It seeds webinar 81234567890 with the same registrants on every start and plays one case of each kind through the
// real path (Zoom's webhook → gateway → workflow → lookup against the emulator), so that the README's commands, the
// Web UI, the catcher's page and the seat app's page have something real to show. `npm run simulate` and `npm run demo` act on the same
// world.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { RegistrationsApi } from '@zoom-registrations/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import pino from 'pino';
import pinoPretty from 'pino-pretty';
import { gatewayConfigSchema, loadConfigOrExit, workerConfigSchema } from '../../src/config';
import { buildCodecServer } from '../../src/codec-server/server';
import { GatewayMetrics } from '../../src/gateway/metrics';
import { buildGateway } from '../../src/gateway/server';
import { readRegistrant } from '../../src/temporal/registrant-reads';
import { createGatewayClient } from '../../src/gateway/client';
import { errorMessage } from '../../src/errors';
import { connectWorker } from '../../src/temporal/connection';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';
import { ensureReconciliationSchedule } from '../../src/temporal/reconciliation-schedule';
import type { RegistrantView } from '../../src/workflows/registrant/messages';
import { createRegistrationWorkers, prometheusTelemetry } from '../../src/workers';
import { eventually } from '../eventually';
import { ZoomEmulator } from '../sandbox/emulator';
import { emulatorWorkerEnv } from '../sandbox/worker-env';
import {
  DEMO_MEETING_ID,
  DEMO_MEETING_PEOPLE,
  DEMO_PEOPLE,
  DEMO_WEBINAR_ID,
  seedDemoMeeting,
  seedDemoWebinar,
  type DemoPerson,
} from '../sandbox/seed';
import { AlertHook, printedAlert } from './alert-hook';
import { describeCaught } from './caught-emails';
import { MailCatcher } from './mail-catcher';
import { portsInUse } from './ports';
import { startTemporalDevServer } from './temporal-server';
import { zoomWebinar } from '../../src/domain/zoom-event';
import { buildSeatApp } from '../../examples/seat-app/src/app';
import { DEFAULT_SEAT_CAPACITY } from '../../examples/seat-app/src/config';
import { SeatStore } from '../../examples/seat-app/src/store';

const DEV = {
  envFile: '.dev-world.env',
  ports: {
    'the Temporal dev server': 7233,
    'its Web UI': 8233,
    'the Zoom emulator': 9090,
    'the gateway': 3000,
    'the seat app': 3001,
    "the operators' alert hook": 3002,
    "the worker's metrics": 9464,
    'the SMTP catcher': 1025,
    "the SMTP catcher's web page": 1080,
  },
  codecServerPort: 8888,
  /** A key for this world only, the same on every start so that `ops` and the demo in another terminal can read. */
  payloadKeys: `dev:${createHash('sha256').update('zoom-registrations dev world').digest('base64')}`,
  webhookSecret: 'sandbox-webhook-secret',
  zoom: { accountId: 'sandbox-account', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' },
  /** Addresses of no one: the catcher keeps every email anyway. */
  notifyFrom: 'Sandbox Events <events@sandbox.example>',
  notifyReplyTo: 'help@sandbox.example',
};
const host = '127.0.0.1';
/** The emulator as the worker reaches it once started: checked with the rest of the settings before it listens. */
const devEmulator = {
  credentials: DEV.zoom,
  apiBaseUrl: `http://${host}:${DEV.ports['the Zoom emulator']}/v2`,
  tokenUrl: `http://${host}:${DEV.ports['the Zoom emulator']}/oauth/token`,
};
const say = (line = '') => process.stdout.write(`${line}\n`);
// Human lines in this terminal; the processes log JSON in production.
const log = pino({ level: 'warn' }, pinoPretty({ colorize: true, ignore: 'pid,hostname,service', singleLine: true }));

/** The SDK's warnings as one line each: what failed, for which workflow, and why. */
const sdkWarnings = new DefaultLogger('WARN', ({ level, message, meta }) => {
  // The Zoom API queue's worker runs activities only: expected, not a warning worth a line here.
  if (message.startsWith('No workflows registered')) return;
  const m = (meta ?? {}) as { activityType?: string; attempt?: number; workflowId?: string; error?: unknown };
  const what = m.activityType ? `: ${m.activityType} (attempt ${m.attempt ?? '?'}) of ${m.workflowId ?? '?'}` : '';
  const why = m.error === undefined ? '' : ` (${errorMessage(m.error)})`;
  log[level === 'ERROR' ? 'error' : 'warn'](`${message}${what}${why}`);
});

/** Everything started so far, stopped in reverse order on any way out. */
const started: Array<() => Promise<unknown>> = [];
async function stopAll(): Promise<void> {
  for (const stop of started.reverse()) await stop().catch(() => {});
}

/** The shell's environment less its settings for reaching some other Temporal (its task queue stays). */
function withoutTemporalConnection(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !name.startsWith('TEMPORAL_') || name === 'TEMPORAL_TASK_QUEUE'),
  );
}

/** `npm run dev -- --encrypt`: payloads encrypted, and the Web UI decoding them through a local codec server. */
function readFlags(): { encrypt: boolean } {
  try {
    return parseArgs({ options: { encrypt: { type: 'boolean', default: false } } }).values;
  } catch (err) {
    throw new DevWorldError(`${errorMessage(err)}; the one flag is --encrypt`);
  }
}

async function main(): Promise<void> {
  const { encrypt } = readFlags();
  const codecUrl = `http://${host}:${DEV.codecServerPort}`;
  // Short windows so that every case settles within a minute; override them like any variable.
  const appUrlGiven = Boolean(process.env.APP_CALLBACK_URL);
  const seatAppUrl = `http://${host}:${DEV.ports['the seat app']}`;
  const mail = new MailCatcher(
    { smtp: DEV.ports['the SMTP catcher'], web: DEV.ports["the SMTP catcher's web page"] },
    host,
  );
  const alerts = new AlertHook();
  const uiUrl = `http://localhost:${DEV.ports['its Web UI']}`;
  const env: NodeJS.ProcessEnv = {
    FOLLOW_UP_WINDOW: '20s',
    LOOKUP_TIMEOUT: '2m',
    CALLBACK_RETRY_WINDOW: '10s',
    // A sweep every two minutes, counting what changed up to five seconds before it.
    RECONCILE_INTERVAL: '2m',
    RECONCILE_GRACE: '5s',
    API_TOKEN: 'dev-api-token',
    NOTIFY_FROM: DEV.notifyFrom,
    NOTIFY_REPLY_TO: DEV.notifyReplyTo,
    ...(appUrlGiven
      ? {}
      : {
          APP_CALLBACK_URL: `${seatAppUrl}/zoom-callbacks`,
          APP_CALLBACK_SECRET: `whsec_${randomBytes(24).toString('base64')}`,
        }),
    ...withoutTemporalConnection(process.env),
    // The emulator it starts, whatever the shell says; the app's settings are defaults above, which the shell's win.
    ...emulatorWorkerEnv(devEmulator, null, {
      // Its own dev server, plaintext, whatever the shell or a Temporal CLI profile says about another cluster.
      TEMPORAL_ADDRESS: `${host}:${DEV.ports['the Temporal dev server']}`,
      TEMPORAL_TLS: 'false',
      ZOOM_WEBHOOK_SECRET_TOKEN: DEV.webhookSecret,
      PORT: String(DEV.ports['the gateway']),
      HOST: host,
      // Its own catcher and alert hook, whatever the shell says: a dev world mails no one and posts to no real channel.
      SMTP_URL: mail.smtpUrl,
      OPS_ALERT_WEBHOOK_URL: alerts.urlOn(DEV.ports["the operators' alert hook"], host),
      TEMPORAL_UI_URL: uiUrl,
      ...(encrypt ? { PAYLOAD_CODEC_KEYS: process.env.PAYLOAD_CODEC_KEYS ?? DEV.payloadKeys } : {}),
    }),
  };
  // Checked before anything starts, so that a mistake leaves nothing running.
  const workerConfig = loadConfigOrExit(workerConfigSchema, env);
  const gatewayConfig = loadConfigOrExit(gatewayConfigSchema, env);
  const taken = await portsInUse(encrypt ? { ...DEV.ports, 'its codec server': DEV.codecServerPort } : DEV.ports, host);
  if (taken.length > 0) {
    const list = taken.map(({ name, port }) => `${port} (${name})`).join(', ');
    throw new DevWorldError(
      `port ${list} already in use: is another \`npm run dev\` still running? Stop it with Ctrl-C in its terminal ` +
        `(or find it with \`lsof -i :${taken[0]?.port}\`), then start again.`,
    );
  }

  // Its settings for `npm run doctor -- --settings`, as a deployment keeps them in .env; gone when it stops.
  writeFileSync(DEV.envFile, worldEnvFile(env));
  started.push(() => rm(DEV.envFile, { force: true }));

  // First, so that it is stopped last: the worker's emails in flight as it stops still land in it.
  mail.onEmail = (email) => say(`  emailed: ${describeCaught(email)}`);
  mail.onError = (err) => log.warn(`the SMTP catcher: ${errorMessage(err)}`);
  await mail.start();
  started.push(() => mail.stop());
  alerts.onAlert = (text) => say(printedAlert(text).replace(/^/gm, '  '));
  await alerts.start(DEV.ports["the operators' alert hook"], host);
  started.push(() => alerts.stop());

  say('starting the Temporal dev server…');
  const temporal = await startTemporalDevServer({
    port: DEV.ports['the Temporal dev server'],
    uiPort: DEV.ports['its Web UI'],
    ...(encrypt ? { uiCodecEndpoint: codecUrl } : {}),
    log: say,
  });
  started.push(() => temporal.stop());
  // Zoom's retries 5, 20 and 60 minutes apart become seconds; the Pro plan's rate limits apply.
  const emulator = new ZoomEmulator({
    ...DEV.zoom,
    settings: { plan: 'pro', timeScale: 60, webhookSecret: DEV.webhookSecret },
  });
  await emulator.start(DEV.ports['the Zoom emulator'], host);
  started.push(() => emulator.stop());

  // The worker's Prometheus endpoint, as production serves it (README, "Metrics").
  const workerMetrics = `${host}:${DEV.ports["the worker's metrics"]}`;
  Runtime.install({ logger: sdkWarnings, shutdownSignals: [], telemetryOptions: prometheusTelemetry(workerMetrics) });
  const temporalForWorkers = await connectWorker(workerConfig);
  const nativeConnection = temporalForWorkers.connection;
  started.push(() => nativeConnection.close());
  const workers = await createRegistrationWorkers({ config: workerConfig, temporal: temporalForWorkers });
  const running = Promise.all(workers.map((w) => w.run()));
  started.push(() => (workers.forEach((w) => w.shutdown()), running));
  // As the worker keeps it at start: the sweep's schedule, from RECONCILE_INTERVAL.
  const { dataConverter } = temporalForWorkers;
  await ensureReconciliationSchedule(new Client({ connection: nativeConnection, dataConverter }), {
    taskQueue: workerConfig.TEMPORAL_TASK_QUEUE,
    everyMs: workerConfig.RECONCILE_INTERVAL,
  });

  const metrics = new GatewayMetrics();
  const { client, connection } = createGatewayClient(gatewayConfig, [metrics.interceptor]);
  started.push(() => connection.close());
  const gateway = buildGateway({ config: gatewayConfig, client, logger: log, metrics });
  await gateway.listen({ port: gatewayConfig.PORT, host: gatewayConfig.HOST });
  started.push(() => gateway.close());
  const gatewayUrl = `http://${host}:${gatewayConfig.PORT}`;
  if (encrypt) {
    // On loopback, without a token: the dev UI's browser calls it directly.
    const codecServer = buildCodecServer({
      codec: new AesGcmPayloadCodec(workerConfig.PAYLOAD_CODEC_KEYS),
      token: null,
      corsOrigins: [`http://localhost:${DEV.ports['its Web UI']}`],
      logger: log,
    });
    await codecServer.listen({ port: DEV.codecServerPort, host });
    started.push(() => codecServer.close());
  }
  const everyone = [...Object.values(DEMO_PEOPLE), ...Object.values(DEMO_MEETING_PEOPLE)];
  const nameOf = (id: string) => everyone.find((p) => p.id === id)?.first_name;
  const { ada, grace, hedy, rosalind, joan } = DEMO_PEOPLE;
  // The seat app refuses Joan's approval until her callback waits for an operator's re-drive: that case, played.
  // Another app (APP_CALLBACK_URL) refuses nothing of ours.
  let joanIsRefused = !appUrlGiven;
  if (!appUrlGiven) {
    const store = await SeatStore.open('memory', () => DEFAULT_SEAT_CAPACITY);
    const seatApp = buildSeatApp({
      store,
      callbackSecret: env.APP_CALLBACK_SECRET ?? '',
      api: new RegistrationsApi({ baseUrl: gatewayUrl, token: gatewayConfig.API_TOKEN ?? '' }),
      refuses: (callback) =>
        joanIsRefused && callback.type === 'registrant.approved' && callback.data.registrant.id === joan.id,
      onCallback: ({ callback: { type, data }, result }) => {
        const who = nameOf(data.registrant.id) ?? data.registrant.email;
        if (result === 'refused') return say(`  app REFUSED: ${type} (${who}) with HTTP 503`);
        const detail =
          type === 'registrant.cancelled'
            ? ` cancelled_by=${data.cancelled_by} can_reregister=${data.can_reregister}`
            : '';
        say(`  app told: ${type} (${who})${detail}${result === 'applied' ? '' : ` [${result}]`}`);
      },
    });
    await seatApp.listen({ port: DEV.ports['the seat app'], host });
    started.push(() => seatApp.close().then(() => store.close()));
  }

  // Validated like Zoom validates an endpoint: the gateway answers the challenge.
  await emulator.configure({ webhookUrl: `${gatewayUrl}/zoom/webhook` });

  // Seeded as if each had registered through Zoom's page: the app hears of every one, and Zoom and we agree.
  const webinar = seedDemoWebinar(emulator);
  for (const { id } of Object.values(DEMO_PEOPLE)) emulator.announce(webinar.id, id);
  const meeting = seedDemoMeeting(emulator);
  for (const { id } of Object.values(DEMO_MEETING_PEOPLE)) emulator.announce(meeting.id, id);

  // One case of each kind, so that `ops`, the API and the Web UI have something to act on.
  const cancelWhileWebinarLost = (id: string) => {
    emulator.scriptLookup(webinar.id, id, [{ respond: 'webinar_not_found' }]);
    return emulator.cancelAsAdmin(webinar.id, id);
  };
  const plays: Array<[DemoPerson, string, () => { event: string }]> = [
    ['ada', 'cancels her own registration', () => emulator.cancelAsRegistrant(webinar.id, ada.id)],
    ['grace', 'is cancelled by the host', () => emulator.cancelAsAdmin(webinar.id, grace.id)],
    ['hedy', "is cancelled by the host while Zoom's API has lost the webinar", () => cancelWhileWebinarLost(hedy.id)],
    ['rosalind', 'likewise', () => cancelWhileWebinarLost(rosalind.id)],
    [
      'joan',
      `is approved by the host${joanIsRefused ? '; the app refuses to hear it' : ''}`,
      () => emulator.approve(webinar.id, joan.id),
    ],
  ];
  say();
  for (const [who, what, act] of plays)
    say(`  played: ${DEMO_PEOPLE[who].first_name} ${what} → Zoom sends ${act().event}`);
  const alanCancels = emulator.cancelAsRegistrant(meeting.id, DEMO_MEETING_PEOPLE.alan.id);
  say(`  played: Alan cancels his own registration to the office hours → Zoom sends ${alanCancels.event}`);

  // Ready once the cases an operator acts on are in place (Grace settles after FOLLOW_UP_WINDOW, meanwhile).
  const read = async (id: string): Promise<RegistrantView | null> =>
    (await readRegistrant(client, zoomWebinar(webinar.id), id).catch(() => null))?.view ?? null;
  for (const { id } of [hedy, rosalind]) await until(async () => (await read(id))?.state === 'needs_review');
  if (joanIsRefused) {
    await until(async () => ((await read(joan.id))?.failed_callbacks.length ?? 0) > 0);
    joanIsRefused = false;
    say(
      `  Joan's callback now waits for a re-drive (CALLBACK_RETRY_WINDOW=${env.CALLBACK_RETRY_WINDOW}); the app is fixed.`,
    );
  }

  const ui = temporal.uiUrl ?? 'the Web UI';
  const api = `${gatewayUrl}/api/v1/webinars/${DEMO_WEBINAR_ID}/registrants`;
  say();
  say(`  Temporal Web UI   ${ui}/namespaces/default/workflows`);
  say(`  Temporal          ${temporal.address}`);
  if (encrypt) {
    say(`  codec server      ${codecUrl}  (payloads encrypted; the Web UI decodes them through it)`);
    say(`                    other terminals: export PAYLOAD_CODEC_KEYS='${env.PAYLOAD_CODEC_KEYS ?? ''}'`);
  }
  say(`  Zoom emulator     ${emulator.apiBaseUrl}  (control: ${emulator.controlUrl}; npm run simulate -- help)`);
  say(`  gateway           ${gatewayUrl}/zoom/webhook  (webhook secret: ${DEV.webhookSecret})`);
  say(`  app API           ${gatewayUrl}/api/v1  (Authorization: Bearer ${gatewayConfig.API_TOKEN ?? ''})`);
  say(
    `  app callbacks     ${workerConfig.APP_CALLBACK_URL ?? ''}${appUrlGiven ? '' : ' (the seat app, examples/seat-app)'}`,
  );
  if (!appUrlGiven)
    say(`  seat app          ${seatAppUrl}/events/webinar/${DEMO_WEBINAR_ID}  (its page: seats, outcomes)`);
  say(`  emails            ${mail.webUrl}  (an SMTP catcher on ${mail.smtpUrl}: what the worker sent, to anyone)`);
  say(`  operator alerts   ${workerConfig.OPS_ALERT_WEBHOOK_URL ?? ''}  (a stand-in channel that prints them here)`);
  say(`  worker metrics    http://${workerMetrics}/metrics  (the gateway's: ${gatewayUrl}/metrics)`);
  say(`  its settings      ${DEV.envFile}  (npm run doctor -- --settings ${DEV.envFile} checks them)`);
  say();
  say(`  Webinar ${DEMO_WEBINAR_ID} (the same on every start):`);
  for (const person of Object.values(DEMO_PEOPLE)) say(`    ${person.first_name.padEnd(10)} ${person.id}`);
  say(`  Meeting ${DEMO_MEETING_ID}, office hours (named meeting:${DEMO_MEETING_ID} in ops and simulate):`);
  for (const person of Object.values(DEMO_MEETING_PEOPLE)) say(`    ${person.first_name.padEnd(10)} ${person.id}`);
  say();
  say('  Try, in a second terminal (the README has more):');
  say(`    npm run ops -- resolve ${DEMO_WEBINAR_ID} ${hedy.id} admin`);
  if (!appUrlGiven) say(`    npm run ops -- redrive ${DEMO_WEBINAR_ID} ${joan.id}`);
  say(`    curl -sS --fail-with-body -X POST ${api}/${DEMO_PEOPLE.katherine.id}/cancellations \\`);
  say(
    `      -H 'Authorization: Bearer ${gatewayConfig.API_TOKEN ?? ''}' -H 'Content-Type: application/json' -d '{"by": "registrant"}'`,
  );
  say(
    `    npm run simulate -- cancel-as-admin ${DEMO_WEBINAR_ID} mary@example.com   # settles after FOLLOW_UP_WINDOW=${env.FOLLOW_UP_WINDOW}`,
  );
  say(
    `    npm run ops -- reconcile ${DEMO_WEBINAR_ID}   # a sweep now (one runs every RECONCILE_INTERVAL=${env.RECONCILE_INTERVAL})`,
  );
  say(`    npm run simulate -- cancel-as-admin meeting:${DEMO_MEETING_ID} barbara@example.com`);
  say('    npm run demo');
  say('  Ctrl-C stops everything.');
  say();
  say('ready');
}

/** The settings the world's worker and gateway run with (of all the shell's variables, only theirs), as .env lines. */
function worldEnvFile(env: NodeJS.ProcessEnv): string {
  const names = new Set([...Object.keys(workerConfigSchema.shape), ...Object.keys(gatewayConfigSchema.shape)]);
  const lines = [...names].filter((name) => env[name]).map((name) => `${name}=${JSON.stringify(env[name])}`);
  return `# npm run dev's settings, for npm run doctor -- --settings ${DEV.envFile}; removed when it stops\n${lines.join('\n')}\n`;
}

class DevWorldError extends Error {}

const until = (check: () => Promise<boolean>) =>
  eventually(check, {
    timeoutMs: 60_000,
    intervalMs: 250,
    timedOut: () => new DevWorldError('the played cases did not reach their states within a minute'),
    retryErrors: false,
  });

let stopping: Promise<never> | null = null;
/**
 * Stops everything once, then exits. A second call (Ctrl-C arrives twice: from the terminal, and relayed by npm and
 * tsx) waits for the first instead of ending the process before it has stopped what it started.
 */
function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    if (started.length > 0) say('stopping…');
    await stopAll();
    if (started.length > 0) say('stopped');
    process.exit(code);
  })();
  return stopping;
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

main().catch(async (err: unknown) => {
  process.stderr.write(`npm run dev: ${err instanceof DevWorldError ? err.message : String(err)}\n`);
  await stop(1);
});
