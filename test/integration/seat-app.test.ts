// The reference app (examples/seat-app) as its operator uses it: the app in a process of its own as `npm start`
// runs it (its embedded database in memory), a real world (gateway, worker, dev server, Zoom emulator) whose
// callbacks go to it, and its page in Debian's Chromium through playwright-core. People register in a webinar
// through Zoom's webhooks; one cancels herself, the host cancels another, Zoom loses the webinar during a third's
// cancellation; the page shows each as an app must (who cancelled, whether they may register again, free seats), and
// "cancel for them" calls the gateway's API through the client and shows the settled outcome. Then, without the
// browser: a redelivered callback (its webhook-id again) changes nothing, an older one moves nothing back, and
// refusals say why.
// The picture (docs/seat-app.png) is taken once the browser test's assertions have passed, and written when
// SCREENSHOTS=write says so (`npm run screenshots`): a plain test run leaves the committed picture as it is.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { RegistrationsApi } from '../../packages/client/src';
import { eventually } from '../../tools/eventually';
import { ROOT } from '../helpers/run-script';
import { launchChromium } from '../helpers/web-ui';
import { API_TOKEN, startWorld, type World } from '../helpers/world';

const CAPACITY = 10;
const secret = `whsec_${randomBytes(24).toString('base64')}`;

let world: World;
let seatApp: ChildProcess;
let seatUrl = '';
let wire: Wire;
let browser: Browser;
let gatewayApi: RegistrationsApi;
let webinarId: string;
const people = {
  ada: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com', id: '' },
  grace: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@example.com', id: '' },
  katherine: { first_name: 'Katherine', last_name: 'Johnson', email: 'katherine@example.com', id: '' },
  hedy: { first_name: 'Hedy', last_name: 'Lamarr', email: 'hedy@example.com', id: '' },
  // Names are whatever people type into Zoom's form: the page must show this as text, not run it.
  mallory: { first_name: '<img src=x onerror=alert(1)>', last_name: `O'Neil & "Co"`, email: 'm@example.com', id: '' },
  joan: { first_name: 'Joan', last_name: 'Clarke', email: 'joan@example.com', id: '' },
};
type Person = keyof typeof people;

/** What the app answers about a registrant (`Accept: application/json`). */
interface RegistrantJson {
  registrant: { state: string; holds_seat: boolean; cancelled_by: string | null; updated_at: string };
  callbacks: Array<{ webhook_id: string; type: string; applied: boolean }>;
}
interface EventJson {
  capacity: number;
  held: number;
  free_seats: number;
}

beforeAll(async () => {
  // The world needs the app's URL before it starts, the app the gateway's after: the callbacks go through a
  // recorder of this test's (which also keeps each one as it came over the wire, for an exact redelivery).
  wire = await startWire(() => seatUrl);
  [world, browser] = await Promise.all([
    startWorld({
      windows: { FOLLOW_UP_WINDOW: '2s', LOOKUP_TIMEOUT: '8s', DEDUP_WINDOW: '1h' },
      app: { url: `${wire.url}/zoom-callbacks`, secret },
    }),
    launchChromium(),
  ]);
  gatewayApi = new RegistrationsApi({ baseUrl: world.gatewayUrl, token: API_TOKEN });
  ({ child: seatApp, url: seatUrl } = await startSeatApp({
    APP_CALLBACK_SECRET: secret,
    GATEWAY_URL: world.gatewayUrl,
    API_TOKEN,
    SEAT_APP_PORT: '0',
    SEAT_APP_DATABASE: 'memory',
    SEAT_APP_CAPACITY: String(CAPACITY),
    LOG_LEVEL: 'warn',
  }));

  webinarId = world.emulator.addWebinar().id;
  for (const person of Object.values(people)) {
    const { first_name, last_name, email } = person;
    const { registrant, event } = world.emulator.register(webinarId, { first_name, last_name, email });
    person.id = registrant.id;
    expect((await world.deliver(event)).status).toBe(200);
  }
  await stateOf(Object.keys(people) as Person[], 'registered');

  // Ada uses the link in her confirmation email; the host cancels Katherine; Zoom has lost the webinar when the
  // worker looks Hedy up after the host cancelled her.
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, people.ada.id));
  await world.deliver(world.emulator.cancelAsAdmin(webinarId, people.katherine.id));
  world.emulator.scriptLookup(webinarId, people.hedy.id, [{ respond: 'webinar_not_found' }]);
  await world.deliver(world.emulator.cancelAsAdmin(webinarId, people.hedy.id));
  await Promise.all([stateOf(['ada', 'katherine'], 'cancelled'), stateOf(['hedy'], 'needs_review')]);
});

afterAll(async () => {
  await browser?.close();
  await world?.stop();
  await stopSeatApp(seatApp);
  await wire?.stop();
});

test('the page: who cancelled, who may register again, free seats; "cancel for them" shows the settled outcome', async () => {
  const page = await browser.newPage({ viewport: { width: 1320, height: 640 } });
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${seatUrl}/events/webinar/${webinarId}`);
  await reads(page.locator('h1'), `Webinar ${webinarId}`);

  // Ada cancelled herself: her seat is free and she may register again.
  await reads(cell(page, 'ada', 'state'), 'cancelled');
  await reads(cell(page, 'ada', 'who'), 'the registrant');
  await reads(cell(page, 'ada', 'again'), 'may register again');
  await reads(cell(page, 'ada', 'seat'), 'seat free');
  // The host cancelled Katherine: Zoom denied her, and the same email cannot register again.
  await reads(cell(page, 'katherine', 'who'), 'the host');
  await reads(cell(page, 'katherine', 'again'), 'may not register again with the same email');
  // Hedy's cancellation waits for an operator.
  await reads(cell(page, 'hedy', 'again'), 'waiting for an operator');
  // Grace, Mallory and Joan hold seats: 10 - 3.
  await reads(page.locator('#free-seats'), '7 of 10 seats free');
  expect(await page.getByRole('button', { name: 'Cancel for them' }).count()).toBe(3);
  expect(await cell(page, 'ada', 'action').getByRole('button').count()).toBe(0);
  // User input shown as text, never as markup.
  await reads(cell(page, 'mallory', 'name'), `<img src=x onerror=alert(1)> O'Neil & "Co"`);
  expect(await page.locator('tbody img').count()).toBe(0);

  // Cancel for Grace: the form posts, the app calls the gateway through the client and shows what settled.
  await Promise.all([
    page.waitForURL(/\/events\/webinar\/\d+#r-/),
    cell(page, 'grace', 'action').getByRole('button', { name: 'Cancel for them' }).click(),
  ]);
  await reads(
    page.locator(`.requests li[data-registrant="${people.grace.id}"] .outcome`),
    'settled: cancelled by the registrant, may register again',
  );
  await reads(cell(page, 'grace', 'state'), 'cancelled');
  await reads(cell(page, 'grace', 'who'), 'the registrant');
  await reads(cell(page, 'grace', 'again'), 'may register again');
  await reads(page.locator('#free-seats'), '8 of 10 seats free');
  // It happened where it counts: Zoom no longer has her, and the worker settled it as asked.
  expect(world.emulator.registrant(webinarId, people.grace.id)).toBeUndefined();
  expect(await gatewayApi.get({ kind: 'webinar', id: webinarId }, people.grace.id)).toMatchObject({
    cancelled_by: 'registrant',
  });
  // Its registrant.cancelled callback comes too, before or after the answer, and changes nothing more.
  await eventually(
    async () => (await registrantJson('grace')).callbacks.some((c) => c.type === 'registrant.cancelled') || undefined,
    { what: "Grace's registrant.cancelled callback" },
  );
  await page.reload();
  await reads(page.locator('#free-seats'), '8 of 10 seats free');
  await reads(cell(page, 'grace', 'again'), 'may register again');
  expect(dialogs).toEqual([]);

  const picture = await page.screenshot({ fullPage: true });
  expect(picture.length).toBeGreaterThan(10_000);
  if (process.env.SCREENSHOTS === 'write') writeFileSync(path.join(ROOT, 'docs', 'seat-app.png'), picture);
  await page.close();
});

test('a callback redelivered (its webhook-id again) changes nothing; an older one moves nothing back', async () => {
  const joan = people.joan.id;
  const created = wire.received.find(({ body }) => body.includes(joan) && body.includes('"registrant.created"'));
  if (!created) throw new Error("Joan's registrant.created is not on the wire");
  const before = await registrantJson('joan');
  expect(before.registrant).toMatchObject({ state: 'registered', holds_seat: true });
  expect(before.callbacks.map((c) => c.type)).toEqual(['registrant.created']);
  const seatsBefore = await eventJson();

  // Exactly as the worker retries it: the same id, body and signature.
  expect((await post(created.body, signedHeaders(created.headers))).status).toBe(204);
  // The same id with another body (a later cancellation): that id was applied, so nothing is.
  const webhookId = String(created.headers['webhook-id']);
  const createdData = (JSON.parse(created.body) as { data: Record<string, unknown> & { event_ts: number } }).data;
  const cancelled = {
    type: 'registrant.cancelled',
    timestamp: new Date().toISOString(),
    data: {
      ...createdData,
      cancelled_by: 'admin',
      can_reregister: false,
      zoom_status: 'denied',
      evidence: { lookup: 'denied', operator: 'admin', follow_ups: [] },
      event_ts: createdData.event_ts + 60_000,
    },
  };
  expect((await post(...sign(webhookId, cancelled))).status).toBe(204);
  expect(await registrantJson('joan')).toEqual(before);
  expect(await eventJson()).toEqual(seatsBefore);

  // The same cancellation under a new id is applied: what the id alone kept out above.
  expect((await post(...sign('msg_seat_app_test_1', cancelled))).status).toBe(204);
  expect((await registrantJson('joan')).registrant).toMatchObject({ state: 'cancelled', cancelled_by: 'admin' });
  expect(await eventJson()).toMatchObject({ held: seatsBefore.held - 1, free_seats: seatsBefore.free_seats + 1 });
  // An approval older than that cancellation, delivered late: recorded, and nothing moves back.
  const olderApproval = {
    type: 'registrant.approved',
    timestamp: new Date().toISOString(),
    data: { ...createdData, event_ts: createdData.event_ts + 30_000 },
  };
  expect((await post(...sign('msg_seat_app_test_2', olderApproval))).status).toBe(204);
  const after = await registrantJson('joan');
  expect(after.registrant).toMatchObject({ state: 'cancelled', holds_seat: false });
  expect(after.callbacks.map((c) => [c.type, c.applied])).toEqual([
    ['registrant.created', true],
    ['registrant.cancelled', true],
    ['registrant.approved', false],
  ]);

  // Refusals say why: a changed body fails its signature (401); a signed body of no known shape is a 400.
  const [body, headers] = sign('msg_seat_app_test_3', olderApproval);
  const tampered = await post(body.replace('"Joan"', '"Mallory"'), headers);
  expect(tampered).toMatchObject({ status: 401, body: { problem: 'signature' } });
  const unknown = await post(...sign('msg_seat_app_test_4', { ...olderApproval, type: 'registrant.teleported' }));
  expect(unknown).toMatchObject({ status: 400, body: { problem: 'shape' } });
  expect((await registrantJson('joan')).callbacks).toHaveLength(3);
});

/** Waits until the app has applied what puts each of `who` in `state`. */
async function stateOf(who: Person[], state: string): Promise<void> {
  await eventually(
    async () => {
      const answers = await Promise.all(who.map((p) => registrantJson(p).catch(() => null)));
      return answers.every((a) => a?.registrant.state === state) || undefined;
    },
    { what: `${who.join(', ')} ${state} in the seat app`, timeoutMs: 30_000 },
  );
}

async function getJson<T>(pathname: string): Promise<T> {
  const response = await fetch(`${seatUrl}${pathname}`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`GET ${pathname}: ${response.status}`);
  return (await response.json()) as T;
}
const registrantJson = (who: Person) =>
  getJson<RegistrantJson>(`/events/webinar/${webinarId}/registrants/${people[who].id}`);
const eventJson = () => getJson<EventJson>(`/events/webinar/${webinarId}`);

/** One cell of a registrant's row. */
const cell = (page: Page, who: Person, column: string) =>
  page.locator(`tr[data-registrant="${people[who].id}"] td.${column}`);

/** Waits for the element to read exactly `text` (whitespace collapsed); fails showing what it read. */
async function reads(locator: Locator, text: string): Promise<void> {
  const read = async () => ((await locator.textContent({ timeout: 5_000 })) ?? '').replace(/\s+/g, ' ').trim();
  try {
    await eventually(async () => ((await read()) === text ? true : undefined), { timeoutMs: 5_000 });
  } catch {
    expect(await read()).toBe(text);
  }
}

/** A callback signed with the app's secret, as the worker signs one. */
function sign(webhookId: string, callback: unknown): [string, Record<string, string>] {
  const body = JSON.stringify(callback);
  const now = new Date();
  return [
    body,
    {
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(webhookId, now, body),
    },
  ];
}

function signedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const names = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
  return Object.fromEntries(names.map((name) => [name, String(headers[name])]));
}

async function post(body: string, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${seatUrl}/zoom-callbacks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
}

interface Wire {
  url: string;
  received: Array<{ body: string; headers: IncomingHttpHeaders }>;
  stop(): Promise<void>;
}

/** Passes each callback on to the app, unchanged, and keeps it; 503 (the worker retries) while there is no app. */
async function startWire(target: () => string): Promise<Wire> {
  const received: Wire['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!target()) return void res.writeHead(503).end();
      received.push({ body, headers: req.headers });
      const forwarded = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
        ),
      );
      fetch(`${target()}${req.url ?? '/'}`, { method: req.method ?? 'POST', headers: forwarded, body })
        .then(async (answer) => res.writeHead(answer.status).end(await answer.text()))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The seat app as `npm start` runs it (tsx, in its own folder), on the port it prints. */
async function startSeatApp(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const child = spawn(process.execPath, ['--import', tsx, 'src/main.ts'], {
    cwd: path.join(ROOT, 'examples', 'seat-app'),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const listening = /pages on (http:\/\/\S+?)\/,/.exec(out);
      if (listening?.[1]) resolve(listening[1]);
    });
    child.once('exit', (code) => reject(new Error(`the seat app exited (${code}) before listening: ${out}`)));
    setTimeout(() => reject(new Error(`the seat app did not listen within 30 s: ${out}`)), 30_000).unref();
  });
  return { child, url };
}

async function stopSeatApp(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
