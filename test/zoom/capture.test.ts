// Capture mode end to end without a real account: the emulator plays one of Zoom's candidate behaviours, the gateway
// and the Zoom client write what they see with capture on, and `npm run capture`'s findings name the emulator
// settings that behaviour is: what a team's capture of the real Zoom would tell us. Nothing personal is written.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createGatewayClient } from '../../src/gateway/client';
import { buildGateway } from '../../src/gateway/server';
import { zoomWebinar } from '../../src/domain/zoom-event';
import { ZoomClient } from '../../src/zoom/client';
import { placeholder, redact, zoomHeaders, ZoomCapture, type CaptureRecord } from '../../src/zoom/capture';
import { eventually } from '../../tools/eventually';
import { ZoomEmulator } from '../../tools/sandbox/emulator';
import { findings, readCapture } from '../../tools/sandbox/profile';

const SECRET = 'capture-secret';
const credentials = { accountId: 'acct', clientId: 'client', clientSecret: 'secret' };

test('personal fields and emails anywhere are replaced; the same value gives the same placeholder', () => {
  const body = {
    event: 'webinar.registration_cancelled',
    payload: {
      operator: 'Ada@Example.com',
      operator_id: 'op-1',
      object: {
        id: 81234567890,
        topic: 'Ask ada@example.com anything',
        registrant: { id: 'reg1', email: 'ada@example.com', first_name: 'Ada', last_name: 'L', join_url: 'https://x' },
      },
    },
  };
  const redacted = redact(body, 'salt') as typeof body;
  expect(JSON.stringify(redacted)).not.toMatch(/ada|Ada|https:\/\/x/);
  expect(redacted.payload.operator).toBe(redacted.payload.object.registrant.email);
  expect(redacted.payload.object.registrant.email).toBe(placeholder('salt', 'ada@example.com'));
  expect(redacted.payload.object.topic).toBe(`Ask ${placeholder('salt', 'ada@example.com')} anything`);
  expect(redacted.payload).toMatchObject({
    operator_id: 'op-1',
    object: { id: 81234567890, registrant: { id: 'reg1' } },
  });
  expect(placeholder('other salt', 'ada@example.com')).not.toBe(placeholder('salt', 'ada@example.com'));
});

test("GET webinar's host start link, passcodes and contact are replaced; its settings otherwise stay", () => {
  const webinar = {
    id: 81234567890,
    start_url: 'https://zoom.us/s/81234567890?zak=host-token',
    password: 'pass1',
    encrypted_passwd: 'enc',
    h323_passcode: '987654',
    pstn_password: '987654',
    settings: { contact_name: 'Grace Hopper', contact_email: 'grace@example.com', registration_type: 2 },
  };
  const redacted = redact(webinar, 'salt');
  expect(JSON.stringify(redacted)).not.toMatch(/host-token|pass1|enc"|987654|Grace|grace/);
  expect(redacted).toMatchObject({ id: 81234567890, settings: { registration_type: 2 } });
});

test("the headers kept are Zoom's, the rate-limit ones and the user agent; never our credentials", () => {
  expect(
    zoomHeaders({
      'X-Zm-Signature': 'v0=abc',
      'x-zm-request-timestamp': '1',
      'x-zm-trackingid': 't',
      'x-ratelimit-remaining': '9',
      'retry-after': '1',
      'user-agent': 'Zoom Marketplace/1.0a',
      authorization: 'Bearer secret',
      cookie: 'c',
      'content-type': 'application/json',
    }),
  ).toEqual({
    'x-zm-signature': 'v0=abc',
    'x-zm-request-timestamp': '1',
    'x-zm-trackingid': 't',
    'x-ratelimit-remaining': '9',
    'retry-after': '1',
    'user-agent': 'Zoom Marketplace/1.0a',
  });
});

test('a capture that cannot be written says so once, and the calls go on', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'zoom-capture-'));
  const warnings: string[] = [];
  const capture = await ZoomCapture.open(path.join(dir, 'capture'), 'worker', (m) => warnings.push(m));
  // The folder gives way to a file: every append now fails.
  await rm(path.join(dir, 'capture'), { recursive: true });
  await writeFile(path.join(dir, 'capture'), '');
  const answer = { method: 'GET', path: '/webinars/1', query: {}, status: 200, headers: {}, body: {} };
  expect(() => {
    capture.zoomAnswer(answer);
    capture.zoomAnswer(answer);
    capture.webhook({ headers: {}, signature_valid: true, status: 200, rawBody: '{}' });
  }).not.toThrow();
  await eventually(() => warnings.length > 0, { what: 'the warning' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(warnings).toEqual([expect.stringMatching(/^ZOOM_CAPTURE_DIR: could not write .*worker-.*\.jsonl/)]);
  await rm(dir, { recursive: true, force: true });
});

describe('a capture settles what the emulator played', () => {
  let dir: string;
  let emulator: ZoomEmulator;
  const temporal = createGatewayClient({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'zoom-capture-'));
    emulator = new ZoomEmulator({
      ...credentials,
      settings: { selfCancelOperator: 'absent', removedRegistrantAnswer: 'bare_404' },
    });
    await emulator.start();
  });
  afterAll(async () => {
    await emulator.stop();
    await temporal.connection.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a self-cancel without operator fields, then a bare 404; a retry with the first timestamp; our write echoed', async () => {
    const gatewayCapture = await ZoomCapture.open(dir, 'gateway', (m) => {
      throw new Error(m);
    });
    const workerCapture = await ZoomCapture.open(dir, 'worker', (m) => {
      throw new Error(m);
    });
    expect(workerCapture.salt).toBe(gatewayCapture.salt);
    const gateway = buildGateway({
      config: { ZOOM_WEBHOOK_SECRET_TOKEN: SECRET, TEMPORAL_TASK_QUEUE: 'capture' },
      client: temporal.client,
      logger: pino({ level: 'silent' }),
      capture: gatewayCapture,
    });
    const zoom = new ZoomClient({
      apiBaseUrl: emulator.apiBaseUrl,
      tokenUrl: emulator.tokenUrl,
      ...credentials,
      onAnswer: (answer) => workerCapture.zoomAnswer(answer),
    });

    const webinar = emulator.addWebinar();
    const ada = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada', last_name: 'L' });
    const { rawBody, headers } = emulator.signedRequest(emulator.cancelAsRegistrant(webinar.id, ada.id), SECRET);
    // Temporal is an address where nothing listens: 503, and Zoom sends the same body again.
    for (let attempt = 0; attempt < 2; attempt++) {
      await gateway.inject({ method: 'POST', url: '/zoom/webhook', payload: rawBody, headers });
    }
    await zoom.getRegistrant(zoomWebinar(webinar.id), ada.id).catch(() => 'refused: a 404 without Zoom body');
    // Our own cancel of Bob, and the webhook Zoom echoes for it (webhookOnApiWrites; delivered by hand here).
    const bob = emulator.addRegistrant(webinar.id, { email: 'bob@example.com', first_name: 'Bob' });
    await zoom.updateRegistrantStatus(zoomWebinar(webinar.id), bob.id, 'cancel');
    const echo = emulator.signedRequest(emulator.buildEvent('cancelled', webinar.id, bob.id), SECRET);
    await gateway.inject({ method: 'POST', url: '/zoom/webhook', payload: echo.rawBody, headers: echo.headers });
    await gateway.close();

    const records = await eventually(
      async () => {
        const all = await readCapture(dir);
        // Three deliveries, the lookup and the write (a token request is no API call).
        return all.length >= 5 ? all : undefined;
      },
      { what: 'the capture written' },
    );
    const webhooks = records.filter((r) => r.kind === 'webhook');
    expect(webhooks).toEqual([
      expect.objectContaining({ signature_valid: true, status: 503 }),
      expect.objectContaining({ signature_valid: true, status: 503 }),
      expect.objectContaining({ signature_valid: true, status: 503 }),
    ]);
    expect(webhooks[0]).toMatchObject({
      headers: { 'x-zm-signature': headers['x-zm-signature'], 'user-agent': 'Zoom Marketplace/1.0a' },
      body: {
        event: 'webinar.registration_cancelled',
        payload: { object: { registrant: { id: ada.id, email: placeholder(gatewayCapture.salt, 'ada@example.com') } } },
      },
    });
    expect(records.find((r) => r.kind === 'zoom_answer' && r.method === 'PUT')).toMatchObject({
      status: 204,
      request: { action: 'cancel', registrants: [{ id: bob.id }] },
    });
    expect(findings(records, ada.id)).toEqual({
      settings: {
        retryTimestamp: 'first',
        webhookOnApiWrites: true,
        selfCancelOperator: 'absent',
        selfCancelMode: 'remove',
        removedRegistrantAnswer: 'bare_404',
      },
      seen: [
        'x-zm-request-timestamp is in seconds',
        "a retried delivery carried the first attempt's timestamp",
        "a retried delivery carried the first attempt's x-zm-trackingid (the emulator sends a new one)",
        `a webhook for registrant ${bob.id} followed our write to it`,
        "the self-cancel's webhook names no operator, without operator_id",
        'GET answered 404 after the self-cancel',
      ],
      unsettled: [],
    });
    // Nothing personal was written, and the files are the process's own.
    const files = await readdir(dir);
    expect(files.sort()).toEqual(
      expect.arrayContaining(['salt', expect.stringMatching(/^gateway-\d{4}-\d\d-\d\d\.jsonl$/)]),
    );
    for (const file of files)
      expect(await readFile(path.join(dir, file), 'utf8')).not.toMatch(/(ada|bob)@example\.com|"Ada"|"Bob"/);
    expect(findings(records, null).unsettled).toContain(
      'the self-cancel: say which registrant cancelled themselves (--self-cancelled <registrantId>)',
    );
  });
});

test.each([
  [
    'the registrant as operator, then denied',
    { operator: 'redacted:a', operator_id: '' },
    200,
    { status: 'denied' },
    { selfCancelOperator: 'registrant', selfCancelMode: 'deny' },
  ],
  [
    'the host as operator, then 404/3000',
    { operator: 'redacted:h', operator_id: 'h1' },
    404,
    { code: 3000, message: 'Registrant r1 was not found.' },
    { selfCancelOperator: 'host', selfCancelMode: 'remove', removedRegistrantAnswer: 'registrant_not_found' },
  ],
] as const)('findings from a capture: %s', (_what, operator, status, body, settings) => {
  const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, s)).toISOString();
  const records: CaptureRecord[] = [
    {
      kind: 'webhook',
      at: at(0),
      headers: { 'x-zm-request-timestamp': '1' },
      signature_valid: true,
      status: 200,
      body: {
        event: 'webinar.registration_cancelled',
        payload: { ...operator, object: { registrant: { id: 'r1', email: 'redacted:a' } } },
      },
    },
    {
      kind: 'zoom_answer' as const,
      at: at(1),
      method: 'GET',
      path: '/webinars/1/registrants/r1',
      query: {},
      status,
      headers: {},
      body,
    },
  ];
  expect(findings(records, 'r1').settings).toEqual(settings);
});

describe('findings from a synthetic capture', () => {
  const at = (seconds: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, 0) + seconds * 1000).toISOString();
  const webhook = (
    seconds: number,
    registrantId: string,
    { status = 200, valid = true, stamp = '1796385600', event = 'webinar.registration_cancelled' } = {},
  ): CaptureRecord => ({
    kind: 'webhook',
    at: at(seconds),
    headers: { 'x-zm-request-timestamp': stamp, 'x-zm-trackingid': `t${seconds}` },
    signature_valid: valid,
    status,
    body: { event, payload: { object: { registrant: { id: registrantId, email: `redacted:${registrantId}` } } } },
  });
  const answer = (
    seconds: number,
    method: string,
    path: string,
    status: number,
    body: unknown = {},
    request?: unknown,
  ) => ({ kind: 'zoom_answer', at: at(seconds), method, path, query: {}, status, headers: {}, body, request }) as const;
  const cancelR2 = (seconds: number) =>
    answer(seconds, 'PUT', '/webinars/1/registrants/status', 204, '', {
      action: 'cancel',
      registrants: [{ id: 'r2' }],
    });

  test('no webhook in the 15 minutes after our write: writes do not echo', () => {
    const found = findings([cancelR2(0), answer(15 * 60, 'GET', '/webinars/1', 200)], null);
    expect(found.settings).toEqual({ webhookOnApiWrites: false });
    expect(found.seen).toContain('no webhook followed our 1 write(s) in the 15 minutes after');
  });

  test('a capture that ends sooner, or a webhook that came while our write was in flight, settles nothing', () => {
    expect(findings([cancelR2(0), answer(60, 'GET', '/webinars/1', 200)], null).unsettled).toContain(
      'whether our API writes echo a webhook (the capture ends within 15 minutes of our write)',
    );
    const inFlight = findings([webhook(-2, 'r2'), cancelR2(0), answer(3600, 'GET', '/webinars/1', 200)], null);
    expect(inFlight.settings.webhookOnApiWrites).toBeUndefined();
    expect(inFlight.unsettled).toContainEqual(expect.stringMatching(/while our write was in flight/));
  });

  test("a retry of the event that prompted our write is no echo; a DELETE's registrant is in its path", () => {
    const found = findings(
      [
        webhook(0, 'r1', { status: 503 }),
        answer(30, 'DELETE', '/webinars/1/registrants/r1', 204, ''),
        webhook(300, 'r1', { stamp: '1796385900' }),
        answer(3600, 'GET', '/webinars/1', 200),
      ],
      null,
    );
    expect(found.settings).toEqual({ retryTimestamp: 'fresh', webhookOnApiWrites: false });
    expect(found.seen).toContain('a retried delivery carried a new x-zm-trackingid (the emulator sends a new one)');
  });

  test('the same body again after a 2xx is a duplicate, not a retry; a forged webhook is left out', () => {
    const found = findings([webhook(0, 'r1'), webhook(1, 'r1'), webhook(2, 'r9', { valid: false })], 'r9');
    expect(found.settings).toEqual({});
    expect(found.seen).toContain('1 webhook(s) failed the signature check and are left out');
    expect(found.unsettled).toEqual([
      'whether retries keep the first timestamp and x-zm-trackingid (no delivery was retried)',
      'whether our API writes echo a webhook (no write of ours succeeded)',
      'the self-cancel: no cancellation webhook for registrant r9',
    ]);
  });

  test("GET's answer to a self-cancel: past a 429 and a record not yet changed, before our own DELETE", () => {
    const lookup = (seconds: number, status: number, body: unknown) =>
      answer(seconds, 'GET', '/webinars/1/registrants/r1', status, body);
    const records = [
      webhook(0, 'r1'),
      lookup(1, 429, { code: 429 }),
      lookup(2, 200, { id: 'r1', status: 'approved' }),
      lookup(3, 200, { id: 'r1', status: 'denied' }),
      answer(4, 'DELETE', '/webinars/1/registrants/r1', 204, ''),
      lookup(5, 404, { code: 3000 }),
    ];
    expect(findings(records, 'r1').settings).toMatchObject({ selfCancelMode: 'deny' });
    expect(findings(records.slice(0, 3), 'r1').unsettled).toContain(
      'what GET answers for a self-cancelled registrant (it still answered status approved)',
    );
    expect(findings([records[0]!, records[4]!, records[5]!], 'r1').unsettled).toContain(
      "what GET answers for a self-cancelled registrant (the worker's lookup was not captured)",
    );
  });
});
