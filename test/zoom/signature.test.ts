import { createHmac } from 'node:crypto';
import { parseZoomTimestamp, urlValidationAnswer, verifyZoomSignature, zoomSignature } from '../../src/zoom/signature';

const secret = 'secret-token';
const body = Buffer.from('{"event":"webinar.registration_cancelled"}');
const now = 1_764_000_000_000;
const ts = String(now / 1000);

test('signature is v0= hex HMAC-SHA256 of v0:{timestamp}:{body} (known vector)', () => {
  // Computed independently: printf 'v0:1764000000:{"event":"webinar.registration_cancelled"}' | openssl dgst -sha256 -hmac secret-token
  expect(zoomSignature(secret, ts, body)).toBe(
    'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body.toString()}`).digest('hex'),
  );
  expect(zoomSignature(secret, ts, body)).toMatch(/^v0=[0-9a-f]{64}$/);
});

test('a correct signature verifies', () => {
  expect(
    verifyZoomSignature({
      secret,
      signature: zoomSignature(secret, ts, body),
      timestamp: ts,
      rawBody: body,
      nowMs: now,
    }),
  ).toBeNull();
});

test.each([
  ['missing signature', { signature: undefined }],
  ['missing timestamp', { timestamp: undefined }],
  ['bad timestamp', { timestamp: 'yesterday' }],
  ['stale timestamp', { nowMs: now + 7_201_000 }],
  ['timestamp in the future', { nowMs: now - 301_000 }],
  ['bad signature', { signature: zoomSignature('other', ts, body) }],
  ['bad signature', { signature: 'v0=short' }],
  ['bad signature', { rawBody: Buffer.from('{"event":"webinar.registration_approved"}') }],
] as const)('%s', (reason, change) => {
  const args = {
    secret,
    signature: zoomSignature(secret, ts, body),
    timestamp: ts,
    rawBody: body,
    nowMs: now,
    ...change,
  };
  expect(verifyZoomSignature(args)).toBe(reason);
});

test('timestamps: seconds, or milliseconds above 10^12', () => {
  expect(parseZoomTimestamp('1764000000')).toBe(1_764_000_000_000);
  expect(parseZoomTimestamp('1764000000123')).toBe(1_764_000_000_123);
  expect(parseZoomTimestamp('17.5')).toBeNull();
});

test('URL validation answers the HMAC of the plain token', () => {
  expect(urlValidationAnswer(secret, 'abc')).toEqual({
    plainToken: 'abc',
    encryptedToken: createHmac('sha256', secret).update('abc').digest('hex'),
  });
});
