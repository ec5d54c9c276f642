// The logs of a full run of the real processes (`src/bin/gateway.ts` and `src/bin/worker.ts`, at LOG_LEVEL=debug):
// registrations, a self-cancel, an admin cancel, an API cancellation, a refused callback and a forged webhook. One
// correlation id, Zoom's x-zm-trackingid, follows the self-cancel from the gateway's line through the workflow's to
// the callback's delivery and the app's X-Correlation-Id; and no line holds an email, a name, a token or a secret.
import { spawn, type ChildProcess } from 'node:child_process';
import axios from 'axios';
import { freePort } from '../../tools/dev/temporal-server';
import { signedRequest } from '../../tools/sandbox/webhooks';
import { eventually } from '../../tools/eventually';
import { ROOT } from '../helpers/run-script';
import {
  API_TOKEN,
  callbacksAbout,
  settled,
  startWorld,
  WEBHOOK_SECRET,
  ZOOM_CREDENTIALS,
  type World,
} from '../helpers/world';

interface LogLine {
  msg?: string;
  correlationId?: string;
  webhookId?: string;
  [key: string]: unknown;
}

let world: World;
const children: ChildProcess[] = [];
let output = '';

function start(script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: 'debug' },
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  return child;
}

const lines = (): LogLine[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

// Names no log line would hold by chance.
const PEOPLE = {
  selfCancel: { email: 'zenobia.quillfeather@example.com', first_name: 'Zenobia', last_name: 'Quillfeather' },
  admin: { email: 'ottoline.marchbanks@example.com', first_name: 'Ottoline', last_name: 'Marchbanks' },
  api: { email: 'peregrine.ashdown@example.com', first_name: 'Peregrine', last_name: 'Ashdown' },
  refused: { email: 'isadora.thistlewood@example.com', first_name: 'Isadora', last_name: 'Thistlewood' },
};

afterAll(async () => {
  children.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
  await world?.stop();
});

test('one correlation id from Zoom to the app; no email, name, token or secret in any line', async () => {
  world = await startWorld({
    inProcessWorkers: false,
    windows: { FOLLOW_UP_WINDOW: '2s', LOOKUP_TIMEOUT: '1m', DEDUP_WINDOW: '1h', CALLBACK_RETRY_WINDOW: '3s' },
  });
  start('src/bin/worker.ts', { ...world.env, WORKER_METRICS_ADDRESS: 'off' });
  const port = await freePort();
  start('src/bin/gateway.ts', {
    TEMPORAL_ADDRESS: world.env.TEMPORAL_ADDRESS ?? '',
    TEMPORAL_TASK_QUEUE: world.taskQueue,
    ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET,
    API_TOKEN,
    PORT: String(port),
    HOST: '127.0.0.1',
  });
  const gateway = `http://127.0.0.1:${port}`;
  await eventually(() => (lines().some((l) => l.msg === 'worker started') ? true : undefined), {
    timeoutMs: 90_000,
    what: 'the worker started',
  });
  await eventually(() => (lines().some((l) => l.msg === 'gateway started') ? true : undefined), {
    what: 'the gateway started',
  });
  const deliver = async (body: unknown, headers: Record<string, string> = {}) => {
    const request = signedRequest(body, WEBHOOK_SECRET);
    const answer = await axios.post(`${gateway}/zoom/webhook`, request.rawBody, {
      headers: { ...request.headers, ...headers },
      validateStatus: () => true,
      transformRequest: (data: unknown) => data,
    });
    return { status: answer.status, trackingId: request.headers['x-zm-trackingid'] ?? '' };
  };

  const webinar = world.emulator.addWebinar();
  const add = (person: (typeof PEOPLE)[keyof typeof PEOPLE]) => world.emulator.addRegistrant(webinar.id, person);
  const people = {
    selfCancel: add(PEOPLE.selfCancel),
    admin: add(PEOPLE.admin),
    api: add(PEOPLE.api),
    refused: add(PEOPLE.refused),
  };
  const cancelledDelivery = (id: string) =>
    world.app.deliveries.find(
      (d) => d.callback.data.registrant.id === id && d.callback.type === 'registrant.cancelled',
    );
  world.app.refuses = (callback) => callback.data.registrant.id === people.refused.id;

  for (const { id } of Object.values(people))
    expect((await deliver(world.emulator.announce(webinar.id, id))).status).toBe(200);
  const selfCancel = await deliver(world.emulator.cancelAsRegistrant(webinar.id, people.selfCancel.id));
  expect(selfCancel.status).toBe(200);
  expect((await deliver(world.emulator.cancelAsAdmin(webinar.id, people.admin.id))).status).toBe(200);
  const forged = await deliver(world.emulator.cancelAsAdmin(webinar.id, people.refused.id), {
    'x-zm-signature': 'v0=forged',
  });
  expect(forged.status).toBe(401);
  const api = await axios.post(
    `${gateway}/api/v1/webinars/${webinar.id}/registrants/${people.api.id}/cancellations`,
    { by: 'registrant', reason: `asked by ${PEOPLE.api.email}` },
    { headers: { authorization: `Bearer ${API_TOKEN}`, prefer: 'wait=20' }, validateStatus: () => true },
  );
  expect(api.status).toBe(200);
  // Asked again: a plain 409, nothing to clean up and nothing to warn about (the registrant's run goes on).
  const again = await axios.post(
    `${gateway}/api/v1/webinars/${webinar.id}/registrants/${people.api.id}/cancellations`,
    { by: 'admin' },
    { headers: { authorization: `Bearer ${API_TOKEN}` }, validateStatus: () => true },
  );
  expect(again.status).toBe(409);

  await callbacksAbout(world, people.selfCancel.id, 2);
  await callbacksAbout(world, people.admin.id, 2);
  await callbacksAbout(world, people.api.id, 2);
  await settled(world, webinar.id, people.admin.id);
  await eventually(() => (output.includes('the app answered HTTP 503') ? true : undefined), {
    what: 'a refused callback logged',
  });

  // The self-cancel's id, in the gateway's line, the workflow's, the delivery's, and the app's header.
  const cancelled = cancelledDelivery(people.selfCancel.id);
  expect(cancelled?.correlationId).toBe(selfCancel.trackingId);
  const about = lines().filter((l) => l.correlationId === selfCancel.trackingId);
  expect(about.map((l) => l.msg)).toEqual(
    expect.arrayContaining(['webhook accepted', 'event applied', 'app notified']),
  );
  expect(about.find((l) => l.msg === 'app notified')?.webhookId).toBe(cancelled?.webhookId);
  // The API's cancellation: the callback carries the cancellation id the API answered.
  const apiCallback = cancelledDelivery(people.api.id);
  expect(apiCallback?.correlationId).toBe((api.data as { cancellation_id: string }).cancellation_id);

  expect(
    lines()
      .filter((l) => (l.level as number) >= 40)
      .map((l) => l.msg),
  ).not.toContain('could not delete the workflow of a refused request');
  expect(lines().length).toBeGreaterThan(20);
  const secrets = [
    ...Object.values(PEOPLE).flatMap((p) => [p.email, p.first_name, p.last_name]),
    WEBHOOK_SECRET,
    API_TOKEN,
    ZOOM_CREDENTIALS.clientSecret,
    world.app.secret,
    world.app.secret.slice('whsec_'.length),
  ];
  const found = secrets.filter((secret) => output.includes(secret));
  expect(found).toEqual([]);
}, 180_000);
