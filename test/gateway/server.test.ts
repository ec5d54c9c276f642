// Every gateway answer that needs no Temporal, through fastify.inject: the webhook's refusals, the API's auth and
// validation, health, 404 and 413. Temporal here is an address where nothing listens, so a route that did reach it
// would answer 503, never the 2xx/4xx asserted below.
import type { Client, Connection } from '@temporalio/client';
import pino, { type Logger } from 'pino';
import { buildGateway, MAX_BODY_BYTES } from '../../src/gateway/server';
import { createGatewayClient } from '../../src/gateway/client';
import { urlValidationAnswer, zoomSignature } from '../../src/zoom/signature';
import { buildRegistrationEvent } from '../../tools/sandbox/webhooks';
import { ZoomWorld } from '../../tools/sandbox/world';

const SECRET = 'zoom-webhook-secret';
const API_TOKEN = 'api-token';
let temporal: { client: Client; connection: Connection };

beforeAll(() => {
  temporal = createGatewayClient({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
});
afterAll(() => temporal.connection.close());

const gateway = (
  { API_TOKEN: apiToken, logger = pino({ level: 'silent' }) }: { API_TOKEN?: string; logger?: Logger } = { API_TOKEN },
) =>
  buildGateway({
    config: { ZOOM_WEBHOOK_SECRET_TOKEN: SECRET, TEMPORAL_TASK_QUEUE: 'inject', API_TOKEN: apiToken },
    client: temporal.client,
    logger,
  });

function signed(body: string, at = Math.floor(Date.now() / 1000)) {
  const timestamp = String(at);
  return {
    'content-type': 'application/json',
    'x-zm-request-timestamp': timestamp,
    'x-zm-signature': zoomSignature(SECRET, timestamp, body),
  };
}

const zoom = new ZoomWorld();
const webinar = zoom.add('webinar', { id: '81234567890' });
const ada = zoom.addRegistrant(webinar, { id: 'reg1', email: 'ada@example.com', first_name: 'Ada' });
/** Ada's own cancellation: she is the operator, with no operator_id. */
const cancelledBody = buildRegistrationEvent('cancelled', 'acct', webinar, ada, { operator: ada.email });
const cancelled = JSON.stringify(cancelledBody);
// Built, then broken where the test says: Zoom never sends these.
const withoutEmail = structuredClone(cancelledBody);
delete withoutEmail.payload.object.registrant.email;
const approvedWithoutOperator = buildRegistrationEvent('approved', 'acct', webinar, ada, {});

describe('POST /zoom/webhook', () => {
  const webhook = (payload: string, headers: Record<string, string>) =>
    gateway().inject({ method: 'POST', url: '/zoom/webhook', payload, headers });

  test.each([
    ['no signature', { 'x-zm-request-timestamp': String(Math.floor(Date.now() / 1000)) }, 'missing signature'],
    ['no timestamp', { 'x-zm-signature': 'v0=00' }, 'missing timestamp'],
    ['a timestamp that is not a number', { ...signed(cancelled), 'x-zm-request-timestamp': 'soon' }, 'bad timestamp'],
    ['a timestamp 3 hours old', signed(cancelled, Math.floor(Date.now() / 1000) - 3 * 3600), 'stale timestamp'],
    [
      'a timestamp 2 hours and a second old',
      signed(cancelled, Math.floor(Date.now() / 1000) - 7201),
      'stale timestamp',
    ],
    ['a timestamp 10 minutes ahead', signed(cancelled, Math.floor(Date.now() / 1000) + 600), 'timestamp in the future'],
    [
      'another secret',
      { ...signed(cancelled), 'x-zm-signature': zoomSignature('other', '1', cancelled) },
      'bad signature',
    ],
  ])('%s: 401', async (_what, headers, reason) => {
    const answer = await webhook(cancelled, headers);
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toEqual({ error: { code: 'invalid_signature', message: reason } });
  });

  test('a body changed after signing: 401', async () => {
    const answer = await webhook(cancelled.replace('reg1', 'reg2'), signed(cancelled));
    expect(answer.json()).toEqual({ error: { code: 'invalid_signature', message: 'bad signature' } });
  });

  test('signed in milliseconds, as Zoom may: the signature still counts', async () => {
    const answer = await webhook('{"event":"meeting.started"}', signed('{"event":"meeting.started"}', Date.now()));
    expect(answer.statusCode).toBe(200);
  });

  test.each([
    ['not JSON', '{nope', 'invalid_json', 'body is not JSON'],
    [
      'a url_validation without its token',
      '{"event":"endpoint.url_validation","payload":{}}',
      'invalid_event',
      'payload.plainToken is missing',
    ],
  ])('signed, but %s: 400', async (_what, body, code, message) => {
    const answer = await webhook(body, signed(body));
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({ error: { code, message } });
  });

  test.each([
    ['JSON without an event name', '{"payload":{}}'],
    ['a cancellation without the registrant email', JSON.stringify(withoutEmail)],
  ])('signed, but %s: never refused (Zoom never resends a 4xx), kept for an operator', async (_what, body) => {
    const answer = await webhook(body, signed(body));
    // Kept as a workflow: Temporal is an address where nothing listens here, so 503 and Zoom retries.
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toEqual({
      error: { code: 'temporal_unavailable', message: 'the unreadable event could not be kept; retry later' },
    });
  });

  test('signed, an approval without operator: not refused (Zoom never resends a 4xx), handed on to Temporal', async () => {
    const body = JSON.stringify(approvedWithoutOperator);
    const answer = await webhook(body, signed(body));
    // Temporal is an address where nothing listens here: 503, so that Zoom retries; never a 400 that loses it.
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ error: { code: 'temporal_unavailable' } });
  });

  test('url_validation is answered with the HMAC of the plain token', async () => {
    const body = '{"event":"endpoint.url_validation","payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"}}';
    const answer = await webhook(body, signed(body));
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual(urlValidationAnswer(SECRET, 'qgg8vlvZRS6UYooatFL8Aw'));
  });

  test('an event this service does not handle: 200, ignored', async () => {
    const body = '{"event":"meeting.started","payload":{}}';
    expect((await webhook(body, signed(body))).json()).toEqual({ status: 'ignored' });
  });

  test('the raw body is verified whatever its content type says', async () => {
    const body = '{"event":"meeting.started","payload":{}}';
    const answer = await webhook(body, { ...signed(body), 'content-type': 'text/plain' });
    expect(answer.json()).toEqual({ status: 'ignored' });
  });

  test('a body over 1 MiB: 413', async () => {
    const body = JSON.stringify({ event: 'meeting.started', pad: 'x'.repeat(MAX_BODY_BYTES) });
    const answer = await webhook(body, signed(body));
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });

  test('a valid registration event with Temporal unreachable: 503, so that Zoom delivers it again', async () => {
    const answer = await webhook(cancelled, signed(cancelled));
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ error: { code: 'temporal_unavailable' } });
  });
});

describe('/api/v1', () => {
  const cancellations = '/api/v1/webinars/81234567890/registrants/reg1/cancellations';
  const api = (
    method: 'GET' | 'POST',
    url: string,
    opts: { payload?: string; headers?: Record<string, string>; token?: string | null } = {},
  ) =>
    gateway().inject({
      method,
      url,
      payload: opts.payload,
      headers: {
        ...(opts.payload === undefined ? {} : { 'content-type': 'application/json' }),
        ...(opts.token === null ? {} : { authorization: `Bearer ${opts.token ?? API_TOKEN}` }),
        ...opts.headers,
      },
    });

  test.each([
    ['no token', null],
    ['a wrong token', 'not-the-token'],
    ['a token that only starts right', `${API_TOKEN}x`],
  ])('%s: 401 with WWW-Authenticate', async (_what, token) => {
    const answer = await api('POST', cancellations, { payload: '{"by":"admin"}', token });
    expect(answer.statusCode).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    expect(answer.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or wrong bearer token' } });
  });

  test('a cancellation body over 1 MiB: 413, before anything reaches Temporal', async () => {
    const payload = JSON.stringify({ by: 'admin', reason: 'x'.repeat(MAX_BODY_BYTES) });
    const answer = await api('POST', cancellations, { payload });
    expect(answer.statusCode).toBe(413);
    expect(answer.json()).toMatchObject({ error: { code: 'body_too_large' } });
  });

  test('API_TOKEN unset: every route answers 401 api_disabled', async () => {
    const answer = await gateway({}).inject({ method: 'GET', url: '/api/v1/webinars/1/registrants/r' });
    expect(answer.statusCode).toBe(401);
    expect(answer.json()).toMatchObject({ error: { code: 'api_disabled' } });
  });

  test.each([
    [
      'POST',
      '/api/v1/webinars/abc/registrants/reg1/cancellations',
      '{"by":"admin"}',
      'path webinarId: must be Zoom digits',
    ],
    [
      'POST',
      '/api/v1/webinars/1/registrants/a%20b/cancellations',
      '{"by":"admin"}',
      "path registrantId: must be a Zoom registrant id (letters, digits, '-', '_')",
    ],
    ['POST', cancellations, '{"by":"someone"}', 'body by: must be registrant or admin'],
    ['POST', cancellations, '{"reason":"no by"}', 'body by: is required'],
    ['POST', cancellations, '{"by":"admin","reason":"  "}', 'body reason: must not be empty'],
    ['POST', cancellations, '{"by":"admin","extra":1}', 'body: Unrecognized key: "extra"'],
    ['POST', cancellations, '[]', 'body: Invalid input: expected object, received array'],
    [
      'GET',
      '/api/v1/webinars/1/registrants?state=gone',
      undefined,
      'query state: must be one of registered, approved, pending, denied, self_cancelled, admin_cancelled, needs_review, settling',
    ],
    [
      'GET',
      '/api/v1/webinars/1/registrants?state=denied&limit=0',
      undefined,
      'query limit: Too small: expected number to be >=1',
    ],
    [
      'GET',
      '/api/v1/webinars/1/registrants?state=denied&cursor=a!b',
      undefined,
      'query cursor: must be a next_cursor from a previous page',
    ],
    ['GET', '/api/v1/webinars/1/registrants?state=denied&page=2', undefined, 'query: Unrecognized key: "page"'],
  ] as const)('%s %s %s: 400 %j', async (method, url, payload, message) => {
    const answer = await api(method, url, { payload });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({ error: { code: 'invalid_request', message } });
  });

  test('an Idempotency-Key that is not printable ASCII: 400', async () => {
    const answer = await api('POST', cancellations, {
      payload: '{"by":"admin"}',
      headers: { 'idempotency-key': 'a b' },
    });
    expect(answer.json()).toEqual({
      error: {
        code: 'invalid_request',
        message: 'header idempotency-key: must be 1 to 200 printable ASCII characters',
      },
    });
  });

  test.each([
    ['not JSON', '{by:'],
    ['empty', ''],
  ])('a JSON body that is %s: 400 invalid_json', async (_what, payload) => {
    const answer = await api('POST', cancellations, { payload });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toEqual({ error: { code: 'invalid_json', message: 'the body must be a JSON object' } });
  });

  test('no body at all: 400 saying a JSON object is required', async () => {
    const answer = await api('POST', cancellations);
    expect(answer.json()).toEqual({ error: { code: 'invalid_request', message: 'body: a JSON object is required' } });
  });

  test.each([
    ['POST', cancellations, '{"by":"registrant"}'],
    ['GET', '/api/v1/webinars/1/registrants/reg1', undefined],
    ['GET', `${cancellations}/k1`, undefined],
    ['GET', '/api/v1/webinars/1/registrants?state=denied', undefined],
  ] as const)('%s %s with Temporal unreachable: 503', async (method, url, payload) => {
    const answer = await api(method, url, { payload });
    expect(answer.statusCode).toBe(503);
    expect(answer.json()).toMatchObject({ error: { code: 'temporal_unavailable' } });
  });

  test.each([
    ['/api/v1/webinars/1/registrants/reg1', 'Temporal call failed'],
    ['/api/v1/webinars/1/registrants?state=denied', 'listing registrants failed'],
  ])('GET %s with Temporal unreachable: "%s" carries the request’s correlation id', async (url, msg) => {
    const lines: { msg?: string; correlationId?: string }[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
    );
    await gateway({ API_TOKEN, logger }).inject({ url, headers: { authorization: `Bearer ${API_TOKEN}` } });
    const incoming = lines.find((line) => line.msg === 'incoming request');
    expect(incoming?.correlationId).toEqual(expect.any(String));
    expect(lines.find((line) => line.msg === msg)?.correlationId).toBe(incoming?.correlationId);
  });
});

test('health answers 200, readiness 503 while Temporal is unreachable, and anything else 404', async () => {
  const app = gateway();
  expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
  const ready = await app.inject({ url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toEqual({ error: { code: 'temporal_unavailable', message: 'Temporal is not reachable' } });
  const missing = await app.inject({ url: '/nope?x=1' });
  expect(missing.statusCode).toBe(404);
  expect(missing.json()).toEqual({ error: { code: 'not_found', message: 'no route GET /nope' } });
});
