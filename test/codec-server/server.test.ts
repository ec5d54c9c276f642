// The codec server, through Fastify's inject: the Web UI's CORS preflight, the bearer token, a round trip in
// Temporal's remote codec format, and clear refusals.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { buildCodecServer } from '../../src/codec-server/server';
import { codecServerConfigSchema, parseConfig } from '../../src/config';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';

const TOKEN = 'codec-token';
const UI = 'http://localhost:8233';
const codec = new AesGcmPayloadCodec([{ id: 'k1', key: randomBytes(32) }]);
const server = buildCodecServer({ codec, token: TOKEN, corsOrigins: [UI], logger: pino({ level: 'silent' }) });
afterAll(() => server.close());

const json = (payload: { metadata?: Record<string, Uint8Array | null> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});
const post = (url: string, body: unknown, authorization = `Bearer ${TOKEN}`) =>
  server.inject({ method: 'POST', url, payload: body as object, headers: { authorization, origin: UI } });

test("the Web UI's preflight is answered for its origin, with the headers it sends", async () => {
  const answer = await server.inject({
    method: 'OPTIONS',
    url: '/decode',
    headers: {
      origin: UI,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-namespace,authorization',
    },
  });
  expect(answer.statusCode).toBe(204);
  expect(answer.headers['access-control-allow-origin']).toBe(UI);
  expect(answer.headers['access-control-allow-headers']).toMatch(/x-namespace/);
  expect(answer.headers['access-control-allow-credentials']).toBe('true');
});

test('an encrypted payload is decoded back to the JSON it was', async () => {
  const plain = defaultPayloadConverter.toPayload({ email: 'ada@example.com' });
  const [sealed] = await codec.encode([plain]);
  const answer = await post('/decode', { payloads: [json(sealed!)] });
  expect(answer.statusCode).toBe(200);
  expect(answer.headers['access-control-allow-origin']).toBe(UI);
  const { payloads } = answer.json<{ payloads: Array<{ data: string }> }>();
  expect(Buffer.from(payloads[0]!.data, 'base64').toString()).toBe('{"email":"ada@example.com"}');
});

test('encode, then decode: the same payload', async () => {
  const plain = json(defaultPayloadConverter.toPayload('Ada'));
  const encoded = (await post('/encode', { payloads: [plain] })).json<{ payloads: unknown[] }>();
  expect((await post('/decode', encoded)).json()).toEqual({ payloads: [plain] });
});

test.each([
  ['no token', ''],
  ['a wrong token', 'Bearer guess'],
])('%s: 401, and nothing decoded', async (_, authorization) => {
  const answer = await post('/decode', { payloads: [] }, authorization);
  expect(answer.statusCode).toBe(401);
  expect(answer.headers['www-authenticate']).toBe('Bearer');
  expect(answer.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or wrong bearer token' } });
});

test('a body that is not payloads: 400 saying where', async () => {
  const answer = await post('/decode', { payloads: [{ metadata: { encoding: '%%%' } }] });
  expect(answer.statusCode).toBe(400);
  expect(answer.json()).toEqual({
    error: { code: 'invalid_request', message: 'body payloads.0.metadata.encoding: must be base64' },
  });
});

test('a payload under a key the server does not have: 422 naming the key', async () => {
  const [sealed] = await new AesGcmPayloadCodec([{ id: 'k0', key: randomBytes(32) }]).encode([
    defaultPayloadConverter.toPayload('x'),
  ]);
  const answer = await post('/decode', { payloads: [json(sealed!)] });
  expect(answer.statusCode).toBe(422);
  expect(answer.json()).toEqual({
    error: {
      code: 'undecodable',
      message: 'a payload is encrypted with key "k0", which is not among PAYLOAD_CODEC_KEYS (k1)',
    },
  });
});

describe('its settings', () => {
  const keys = `k1:${randomBytes(32).toString('base64')}`;
  test.each([
    [{}, 'PAYLOAD_CODEC_KEYS is required: the keys the worker uses'],
    [
      { PAYLOAD_CODEC_KEYS: 'k1:c2hvcnQ=' },
      'PAYLOAD_CODEC_KEYS must be id:key pairs separated by commas, each key 32 bytes in base64 (`openssl rand -base64 32`); "k1" is not',
    ],
    [{ PAYLOAD_CODEC_KEYS: `${keys},${keys}` }, 'PAYLOAD_CODEC_KEYS must not name a key id twice'],
    [
      { PAYLOAD_CODEC_KEYS: keys, CODEC_SERVER_HOST: '0.0.0.0' },
      'CODEC_SERVER_TOKEN is required when the codec server listens beyond this machine (CODEC_SERVER_HOST=0.0.0.0)',
    ],
  ])('%j: %s', (env, message) => {
    expect(() => parseConfig(codecServerConfigSchema, env)).toThrow(message);
  });

  test('on loopback without a token, the dev UI allowed', () => {
    expect(parseConfig(codecServerConfigSchema, { PAYLOAD_CODEC_KEYS: keys })).toMatchObject({
      CODEC_SERVER_HOST: '127.0.0.1',
      CODEC_SERVER_PORT: 8888,
      CODEC_SERVER_CORS_ORIGINS: ['http://localhost:8233', 'http://127.0.0.1:8233'],
    });
  });
});
