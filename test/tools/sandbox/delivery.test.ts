// The emulator delivering webhooks as Zoom does, to a real endpoint that checks signatures with the gateway's code:
// URL validation, retries 5/20/60 minutes apart under a time scale for a 5xx or no answer (never for a 4xx), each
// signed with the first attempt's timestamp or afresh, the 3-second answer limit, duplicates, out-of-order
// deliveries and dropped ones; and Zoom's revalidation of the endpoint every 72 hours, which disables the
// subscription after repeated failures until it is re-enabled.
import axios from 'axios';
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

// --- revalidation ------------------------------------------------------------------------------------------------

/** 72 hours become 26 ms at this scale. */
const FAST = 10_000_000;
const endpoints: ZoomReceiver[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
  await Promise.all(endpoints.splice(0).map((e) => e.stop()));
});
const soon = { intervalMs: 5, timeoutMs: 10_000 };

async function endpoint(): Promise<{ endpoint: ZoomReceiver; url: string }> {
  const created = new ZoomReceiver(SECRET);
  endpoints.push(created);
  return { endpoint: created, url: await created.start() };
}

/** An emulator subscribed to a ZoomReceiver, revalidating every 72 h scaled (26 ms unless told). */
async function revalidated(settings: SettingsPatch = {}) {
  const { endpoint: validating, url } = await endpoint();
  const emulator = new ZoomEmulator({
    ...credentials,
    settings: { webhookSecret: SECRET, timeScale: FAST, ...settings },
  });
  await emulator.start();
  running.push(emulator);
  await emulator.configure({ webhookUrl: url });
  return { emulator, endpoint: validating, url, webinarId: emulator.addWebinar().id };
}

const failuresInARow = (emulator: ZoomEmulator) =>
  emulator.webhookSubscription.revalidations.map((r) => r.consecutive_failures);

test('an endpoint that answers right passes revalidation again and again; stop() ends it', async () => {
  const { emulator, endpoint: validating, url } = await revalidated();
  await eventually(() => emulator.webhookSubscription.revalidations.length >= 3, soon);
  const revalidations = emulator.webhookSubscription.revalidations.slice(0, 3);
  expect(revalidations).toEqual(
    Array.from({ length: 3 }, () => ({
      at: expect.any(String),
      url,
      ok: true,
      detail: 'validated',
      consecutive_failures: 0,
    })),
  );
  expect(emulator.webhookSubscription).toMatchObject({ state: 'enabled', consecutive_failures: 0, disabled_at: null });
  // The challenge in configure, then one per revalidation (one more may be under way).
  expect(validating.validations).toBeGreaterThanOrEqual(4);

  await emulator.stop();
  running.splice(running.indexOf(emulator), 1);
  expect(emulator.webhookSubscription.next_revalidation_at).toBeNull();
});

test('6 failed revalidations in a row disable the subscription: nothing is sent until it is re-enabled', async () => {
  const { emulator, endpoint: validating, webinarId } = await revalidated();
  validating.validatesOtherwise = false;
  await eventually(() => emulator.webhookSubscription.state === 'disabled', soon);
  expect(failuresInARow(emulator)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(emulator.webhookSubscription.revalidations.every((r) => !r.ok && r.detail.includes('encryptedToken'))).toBe(
    true,
  );
  expect(emulator.webhookSubscription).toMatchObject({ consecutive_failures: 6, next_revalidation_at: null });

  const { registrant } = emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await emulator.deliveriesIdle();
  expect(emulator.deliveries[0]).toMatchObject({ state: 'subscription_disabled', attempts: [] });
  expect(validating.received.map((r) => r.event)).toEqual([]);

  // Re-enabling validates the endpoint first, as Zoom's app page does.
  await expect(emulator.reenableWebhooks()).resolves.toMatchObject({ ok: false });
  expect(emulator.webhookSubscription.state).toBe('disabled');
  validating.validatesOtherwise = true;
  await expect(emulator.reenableWebhooks()).resolves.toEqual({
    ok: true,
    detail: 're-enabled: the endpoint validated',
  });
  expect(emulator.webhookSubscription).toMatchObject({ state: 'enabled', consecutive_failures: 0, disabled_at: null });

  const approved = emulator.approve(webinarId, registrant.id);
  await emulator.deliveriesIdle();
  expect(emulator.deliveries.map((d) => d.state)).toEqual(['subscription_disabled', 'delivered']);
  expect(validating.received.map((r) => r.event)).toEqual([approved.event]);
  // And the revalidations go on.
  await eventually(() => emulator.webhookSubscription.revalidations.length > 6, soon);
  expect(emulator.webhookSubscription.revalidations[6]).toMatchObject({ ok: true, consecutive_failures: 0 });
});

test('a passed revalidation between failures starts the count again', async () => {
  const { emulator, endpoint: validating } = await revalidated({ disableAfterFailedRevalidations: 3 });
  validating.validationAnswers = [false, false, true, false, false, true];
  await eventually(() => emulator.webhookSubscription.revalidations.length >= 6, soon);
  expect(failuresInARow(emulator).slice(0, 6)).toEqual([1, 2, 0, 1, 2, 0]);
  expect(emulator.webhookSubscription.state).toBe('enabled');
});

test('a disabled subscription stops the retries still scheduled', async () => {
  // Retries 5 min apart become 500 ms; revalidations (the shortest period, 1 s) under 2 ms.
  const {
    emulator,
    endpoint: validating,
    webinarId,
  } = await revalidated({
    timeScale: 600,
    revalidateEveryMs: 1_000,
    disableAfterFailedRevalidations: 1,
  });
  validating.answers = [500];
  emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' });
  await eventually(() => emulator.deliveries[0]?.attempts.length === 1, soon);
  validating.validatesOtherwise = false;
  await emulator.deliveriesIdle();
  expect(emulator.webhookSubscription.state).toBe('disabled');
  expect(emulator.deliveries[0]).toMatchObject({ state: 'subscription_disabled', attempts: [{ outcome: 500 }] });
  expect(validating.received.map((r) => r.event)).toHaveLength(1);
});

test('a new webhook URL is validated afresh, which re-enables the subscription', async () => {
  const { emulator, endpoint: validating, webinarId } = await revalidated({ disableAfterFailedRevalidations: 2 });
  validating.validatesOtherwise = false;
  await eventually(() => emulator.webhookSubscription.state === 'disabled', soon);

  const other = await endpoint();
  await emulator.configure({ webhookUrl: other.url });
  expect(emulator.webhookSubscription).toMatchObject({ state: 'enabled', consecutive_failures: 0 });
  const created = emulator.register(webinarId, { email: 'ada@example.com', first_name: 'Ada' }).event;
  await emulator.deliveriesIdle();
  expect(other.endpoint.received.map((r) => r.event)).toEqual([created.event]);
  await eventually(() => emulator.webhookSubscription.revalidations.some((r) => r.url === other.url && r.ok), soon);
});

test('revalidateEveryMs null: no revalidation is ever sent', async () => {
  const off = await revalidated({ revalidateEveryMs: null });
  const on = await revalidated();
  // The other emulator, subscribed later with the same period, has revalidated a few times meanwhile.
  await eventually(() => on.emulator.webhookSubscription.revalidations.length >= 3, soon);
  expect(off.emulator.webhookSubscription).toMatchObject({
    state: 'enabled',
    next_revalidation_at: null,
    revalidations: [],
  });
  expect(off.endpoint.validations).toBe(1);
});

test('a new time scale or period at runtime moves the next revalidation', async () => {
  const { emulator } = await revalidated({ timeScale: 1 });
  const due = Date.parse(emulator.webhookSubscription.next_revalidation_at!);
  expect(due - Date.now()).toBeGreaterThan(71 * 3_600_000);
  expect(emulator.webhookSubscription.revalidations).toEqual([]);

  await emulator.configure({ timeScale: FAST });
  await eventually(() => emulator.webhookSubscription.revalidations.length >= 2, soon);

  await emulator.configure({ revalidateEveryMs: null });
  expect(emulator.webhookSubscription.next_revalidation_at).toBeNull();
});

test('revalidation settings are checked', async () => {
  const emulator = new ZoomEmulator({ ...credentials });
  running.push(emulator);
  await expect(emulator.configure({ revalidateEveryMs: 5 })).rejects.toMatchObject({
    status: 400,
    message: 'revalidateEveryMs: must be at least 1000 (ms), or null for no revalidation',
  });
  await expect(emulator.configure({ disableAfterFailedRevalidations: 0 })).rejects.toMatchObject({
    message: 'disableAfterFailedRevalidations: must be a whole number from 1 to 1000',
  });
  expect(emulator.settings).toMatchObject({ revalidateEveryMs: 72 * 3_600_000, disableAfterFailedRevalidations: 6 });
});

test('the control API shows the subscription and re-enables it once the endpoint validates', async () => {
  const { emulator, endpoint: validating } = await revalidated({ disableAfterFailedRevalidations: 2 });
  const control = (method: string, route: string) =>
    axios.request<{ state?: string; error?: { code: string } }>({
      method,
      url: `${emulator.controlUrl}${route}`,
      validateStatus: () => true,
    });
  validating.validatesOtherwise = false;
  await eventually(async () => (await control('GET', '/webhooks/subscription')).data.state === 'disabled', soon);

  const refused = await control('POST', '/webhooks/reenable');
  expect([refused.status, refused.data.error?.code]).toEqual([422, 'endpoint_validation_failed']);
  validating.validatesOtherwise = true;
  const reenabled = await control('POST', '/webhooks/reenable');
  expect(reenabled.status).toBe(200);
  expect(reenabled.data).toMatchObject({ state: 'enabled', consecutive_failures: 0 });

  await emulator.configure({ webhookUrl: null });
  const none = await control('POST', '/webhooks/reenable');
  expect([none.status, none.data.error?.code]).toEqual([409, 'no_webhook_url']);
});
