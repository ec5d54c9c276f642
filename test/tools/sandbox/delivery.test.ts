// The emulator delivering webhooks as Zoom does, to a real endpoint that checks signatures with the gateway's code:
// URL validation, retries 5/20/60 minutes apart under a time scale for a 5xx or no answer (never for a 4xx), each
// signed with the first attempt's timestamp or afresh, the 3-second answer limit, duplicates, out-of-order
// deliveries and dropped ones.
import { ZoomEmulator } from '../../../tools/sandbox/emulator';
import { registrationEventName } from '../../../tools/sandbox/webhooks';
import type { SettingsPatch } from '../../../tools/sandbox/settings';
import { eventually } from '../../../tools/eventually';
import { ZoomReceiver } from '../../helpers/zoom-receiver';

const SECRET = 'hook-secret';
const credentials = { accountId: 'acct', clientId: 'id', clientSecret: 'secret' };
let receiver: ZoomReceiver;
let receiverUrl: string;
const running: ZoomEmulator[] = [];

beforeEach(async () => {
  receiver = new ZoomReceiver(SECRET);
  receiverUrl = await receiver.start();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
  await receiver.stop();
});

/** An emulator subscribed to the receiver; 5 min becomes 50 ms at this scale. */
async function subscribed(settings: SettingsPatch = {}, random?: () => number) {
  const emulator = new ZoomEmulator({
    ...credentials,
    settings: { webhookSecret: SECRET, timeScale: 6000, ...settings },
    random,
  });
  await emulator.start();
  running.push(emulator);
  await emulator.configure({ webhookUrl: receiverUrl });
  return { emulator, webinarId: emulator.addWebinar().id };
}

test('people acting produce signed deliveries that verify with the gateway code', async () => {
  const { emulator, webinarId } = await subscribed();
  const { registrant } = emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  emulator.cancelAsRegistrant(webinarId, registrant.id);
  await emulator.deliveriesIdle();
  expect(receiver.received.map((r) => [r.event, r.registrantId, r.signatureFailure])).toEqual([
    [registrationEventName('created'), registrant.id, null],
    [registrationEventName('cancelled'), registrant.id, null],
  ]);
  expect(emulator.deliveries.map((d) => d.state)).toEqual(['delivered', 'delivered']);
});

test('an endpoint that cannot answer the validation challenge is not subscribed', async () => {
  const emulator = new ZoomEmulator({ ...credentials, settings: { webhookSecret: 'another-secret' } });
  await emulator.start();
  running.push(emulator);
  await expect(emulator.configure({ webhookUrl: receiverUrl })).rejects.toMatchObject({
    status: 422,
    code: 'endpoint_validation_failed',
  });
  expect(emulator.settings.webhookUrl).toBeNull();
  await expect(emulator.configure({ webhookUrl: 'http://127.0.0.1:9/nothing' })).rejects.toMatchObject({
    code: 'endpoint_validation_failed',
  });
});

test('5xx answers are retried 5, 20 and 60 minutes apart (scaled), then given up', async () => {
  const { emulator, webinarId } = await subscribed();
  receiver.answers = [500, 503, 502, 500];
  emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await emulator.deliveriesIdle();

  const [delivery] = emulator.deliveries;
  expect(delivery).toMatchObject({ state: 'failed', event: registrationEventName('created') });
  expect(delivery!.attempts.map((a) => [a.outcome, a.retry_in_ms])).toEqual([
    [500, (5 * 60_000) / 6000],
    [503, (20 * 60_000) / 6000],
    [502, (60 * 60_000) / 6000],
    [500, null],
  ]);
  // Each retry came no earlier than its delay after the attempt before (timers may run late, never early).
  const at = receiver.received.map((r) => r.at);
  expect(at).toHaveLength(4);
  delivery!.attempts.slice(0, 3).forEach((attempt, i) => {
    expect(at[i + 1]! - at[i]!).toBeGreaterThanOrEqual(attempt.retry_in_ms! - 5);
  });
  // Every retry is the same event, signed with the first attempt's timestamp (the default, retryTimestamp: first).
  expect(new Set(receiver.received.map((r) => r.eventTs)).size).toBe(1);
  expect(new Set(receiver.received.map((r) => r.timestamp)).size).toBe(1);
  expect(receiver.received.every((r) => r.signatureFailure === null)).toBe(true);
});

test.each([400, 401, 404, 413])('a %i is never retried: the delivery has failed', async (status) => {
  const { emulator, webinarId } = await subscribed();
  receiver.answers = [status];
  emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await emulator.deliveriesIdle();
  expect(emulator.deliveries[0]).toMatchObject({ state: 'failed', attempts: [{ outcome: status, retry_in_ms: null }] });
  expect(receiver.received).toHaveLength(1);
});

test('retryTimestamp fresh: a retry is signed when it is sent', async () => {
  // 5 minutes become 1.2 s: the retry's timestamp is a later second than the first attempt's.
  const { emulator, webinarId } = await subscribed({ retryTimestamp: 'fresh', timeScale: 250 });
  receiver.answers = [500];
  emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await emulator.deliveriesIdle();
  const [first, retry] = receiver.received.map((r) => Number(r.timestamp));
  expect(emulator.deliveries[0]).toMatchObject({ state: 'delivered' });
  expect(retry).toBeGreaterThan(first!);
});

test('no answer within 3 s counts as a failure; the retry that gets a 2xx ends it', async () => {
  const { emulator, webinarId } = await subscribed();
  receiver.answers = ['hang', 204];
  emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await emulator.deliveriesIdle();
  expect(emulator.deliveries[0]).toMatchObject({ state: 'delivered' });
  expect(emulator.deliveries[0]!.attempts.map((a) => a.outcome)).toEqual(['timeout', 204]);
});

test('duplicates: the same event delivered twice, recorded as a copy', async () => {
  const { emulator, webinarId } = await subscribed({ duplicateRate: 0.5 }, () => 0.25);
  const { event } = emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await emulator.deliveriesIdle();
  expect(receiver.received.map((r) => r.eventTs)).toEqual([event.event_ts, event.event_ts]);
  expect(emulator.deliveries.map((d) => [d.id, d.duplicate_of, d.state])).toEqual([
    [1, null, 'delivered'],
    [2, 1, 'delivered'],
  ]);
});

test('dropped deliveries are never sent', async () => {
  const { emulator, webinarId } = await subscribed({ dropRate: 0.5 }, () => 0.25);
  emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await emulator.deliveriesIdle();
  expect(receiver.received).toEqual([]);
  expect(emulator.deliveries[0]).toMatchObject({ state: 'dropped', attempts: [] });
});

test('the next N are lost, or all of them for a while; a lost one can still arrive later', async () => {
  const { emulator, webinarId } = await subscribed();
  emulator.dropWebhooks({ next: 2 });
  const { registrant } = emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  const approved = emulator.approve(webinarId, registrant.id);
  const denied = emulator.deny(webinarId, registrant.id);
  await emulator.deliveriesIdle();
  expect(emulator.deliveries.map((d) => d.state)).toEqual(['dropped', 'dropped', 'delivered']);
  expect(receiver.received.map((r) => r.eventTs)).toEqual([denied.event_ts]);
  expect(emulator.settings.dropNext).toBe(0);

  emulator.dropWebhooks({ forMs: 60_000 });
  emulator.approve(webinarId, registrant.id);
  await emulator.deliveriesIdle();
  expect(emulator.deliveries[3]?.state).toBe('dropped');
  await emulator.configure({ dropUntil: null });

  // The second one arrives after all, late.
  expect(emulator.redeliver(2)).toBe(true);
  expect(emulator.redeliver(2)).toBe(false);
  expect(emulator.redeliver(3)).toBe(false);
  await emulator.deliveriesIdle();
  expect(emulator.deliveries[1]?.state).toBe('delivered');
  expect(receiver.received.map((r) => r.eventTs)).toEqual([denied.event_ts, approved.event_ts]);
});

test('out of order: a held delivery is overtaken by the next event', async () => {
  const { emulator, webinarId } = await subscribed({ outOfOrderRate: 1 });
  const { registrant, event: created } = emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await emulator.configure({ outOfOrderRate: 0 });
  const cancelled = emulator.cancelAsAdmin(webinarId, registrant.id);
  await emulator.deliveriesIdle();
  expect(receiver.received.map((r) => r.eventTs)).toEqual([cancelled.event_ts, created.event_ts]);
  expect(emulator.deliveries[0]).toMatchObject({ held_out_of_order: true, state: 'delivered' });
});

test('stop() cancels the retries still scheduled', async () => {
  const { emulator, webinarId } = await subscribed({ timeScale: 1 });
  receiver.answers = [500];
  emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await eventually(() => emulator.deliveries[0]?.attempts.length === 1);
  expect(emulator.deliveries[0]!.attempts[0]!.retry_in_ms).toBe(5 * 60_000);
  await emulator.stop();
  running.splice(running.indexOf(emulator), 1);
  expect(emulator.deliveries[0]!.state).toBe('pending');
  expect(receiver.received).toHaveLength(1);
});
