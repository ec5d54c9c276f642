// verifyCallback against callbacks signed as the worker signs them (its own signedCallbackHeaders): accepted whole,
// refused with the reason when the signature, the timestamp or the shape is wrong.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { CallbackVerificationError, verifyCallback } from '../../../packages/client/src';
import { signedCallbackHeaders } from '../../../src/app-callbacks/notifier';
import type { AppCallback } from '../../../src/domain/callbacks';

const secret = `whsec_${randomBytes(24).toString('base64')}`;
const callback: AppCallback = {
  type: 'registrant.cancelled',
  timestamp: '2026-12-05T10:00:00.000Z',
  data: {
    meeting_id: '85746065000',
    occurrence_id: null,
    registrant: { id: 'aT9uRiNg0m4cHiNe5xQ1zw', email: 'alan@example.com', first_name: 'Alan', last_name: 'T' },
    event_ts: 1764928800000,
    cancelled_by: 'registrant',
    can_reregister: true,
    zoom_status: 'removed',
    evidence: { lookup: 'not_found', operator: 'registrant', follow_ups: [] },
  },
};
const body = JSON.stringify(callback);
const signed = (raw = body, at = new Date(), key = secret) =>
  signedCallbackHeaders(new Webhook(key), 'zr_85746065000_aT9uRiNg0m4cHiNe5xQ1zw_1_cancelled', at, raw);

/** The problem verifyCallback names, or 'accepted'. */
function problemOf(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (err) {
    if (err instanceof CallbackVerificationError) return `${err.problem}: ${err.message}`;
    throw err;
  }
}

test('a signed callback comes back typed, with its webhook-id, from a plain object or Fetch Headers', () => {
  const verified = verifyCallback(body, signed(), secret);
  expect(verified).toEqual({ webhookId: 'zr_85746065000_aT9uRiNg0m4cHiNe5xQ1zw_1_cancelled', callback });
  // Narrowed by its type, as an app's switch would.
  if (verified.callback.type === 'registrant.cancelled') expect(verified.callback.data.can_reregister).toBe(true);
  const upperCased = Object.fromEntries(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v]));
  expect(verifyCallback(Buffer.from(body), upperCased, secret).callback).toEqual(callback);
  expect(verifyCallback(body, new Headers(signed()), secret).callback).toEqual(callback);
});

test("the doctor's test callback is a callback too", () => {
  const test = JSON.stringify({ type: 'test', timestamp: new Date().toISOString(), data: { message: 'hello' } });
  expect(verifyCallback(test, signed(test), secret).callback.type).toBe('test');
});

test.each([
  [
    'a body changed after signing',
    () => verifyCallback(body.replace('"admin"', '"x"').replace('Alan', 'Eve'), signed(), secret),
    /^signature: /,
  ],
  [
    'another secret',
    () => verifyCallback(body, signed(body, new Date(), `whsec_${randomBytes(24).toString('base64')}`), secret),
    /^signature: /,
  ],
  ['no signature headers', () => verifyCallback(body, {}, secret), /^signature: /],
  [
    'signed an hour ago (a replay)',
    () => verifyCallback(body, signed(body, new Date(Date.now() - 3_600_000)), secret),
    /^timestamp: /,
  ],
  [
    'a shape the worker never sends',
    () => {
      const odd = JSON.stringify({ ...callback, data: { ...callback.data, cancelled_by: 'someone' } });
      return verifyCallback(odd, signed(odd), secret);
    },
    /^shape: data\.cancelled_by: /,
  ],
] as const)('refused: %s', (_what, run, reason) => {
  expect(problemOf(run)).toMatch(reason);
});
