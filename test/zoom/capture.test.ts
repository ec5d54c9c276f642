// Capture mode end to end without a real account: the emulator plays one of Zoom's candidate behaviours, the gateway
// and the Zoom client write what they see with capture on, and `npm run capture`'s findings name the emulator
// settings that behaviour is: what a team's capture of the real Zoom would tell us. Nothing personal is written.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { createGatewayClient } from '../../src/gateway/client';
import { buildGateway } from '../../src/gateway/server';
import { zoomWebinar } from '../../src/domain/zoom-event';
import { ZoomClient } from '../../src/zoom/client';
import { placeholder, redact, ZoomCapture, type CaptureRecord } from '../../src/zoom/capture';
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

  test('a self-cancel without operator fields, then a bare 404, and a retry with the first timestamp', async () => {
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
    await gateway.close();

    const records = await eventually(
      async () => {
        const all = await readCapture(dir);
        return all.length >= 3 ? all : undefined; // two deliveries and the lookup (a token request is no API call)
      },
      { what: 'the capture written' },
    );
    expect(records.filter((r) => r.kind === 'webhook')).toEqual([
      expect.objectContaining({ signature_valid: true, status: 503 }),
      expect.objectContaining({ signature_valid: true, status: 503 }),
    ]);
    expect(findings(records, ada.id)).toEqual({
      settings: {
        retryTimestamp: 'first',
        selfCancelOperator: 'absent',
        selfCancelMode: 'remove',
        removedRegistrantAnswer: 'bare_404',
      },
      seen: [
        "a retried delivery carried the first attempt's timestamp",
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
      expect(await readFile(path.join(dir, file), 'utf8')).not.toMatch(/ada@example\.com|"Ada"/);
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
