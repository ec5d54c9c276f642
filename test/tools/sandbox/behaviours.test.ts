// The emulator's Zoom-like behaviours beyond the plain API, over real HTTP: rate limits per label and plan,
// eventual consistency, injected faults, scripted answers on writes, and the webhooks our own writes produce.
import axios from 'axios';
import { ZoomEmulator } from '../../../tools/sandbox/emulator';
import { registrationEventName } from '../../../tools/sandbox/webhooks';
import type { SettingsPatch } from '../../../tools/sandbox/settings';
import { eventually } from '../../../tools/eventually';
import { zoomApi } from '../../helpers/zoom-api';
import { ZoomReceiver } from '../../helpers/zoom-receiver';

const credentials = { accountId: 'acct', clientId: 'id', clientSecret: 'secret' };
const running: ZoomEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

async function emulatorWith(settings: SettingsPatch, random?: () => number) {
  const emulator = new ZoomEmulator({ ...credentials, settings, random });
  await emulator.start();
  running.push(emulator);
  const webinar = emulator.addWebinar();
  const ada = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
  return { emulator, zoom: zoomApi(emulator, credentials), webinarId: webinar.id, adaId: ada.id };
}

describe('rate limits per label', () => {
  test('free plan: Light allows 4 per second, then 429 with Zoom body and headers', async () => {
    const { zoom, webinarId, adaId } = await emulatorWith({ plan: 'free' });
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => zoom.call('GET', `/webinars/${webinarId}/registrants/${adaId}`)),
    );
    const ok = answers.filter((a) => a.status === 200);
    const limited = answers.filter((a) => a.status === 429);
    expect([ok.length, limited.length]).toEqual([4, 1]);
    expect(ok.map((a) => String(a.headers['x-ratelimit-remaining'])).sort()).toEqual(['0', '1', '2', '3']);
    expect(ok[0]!.headers).toMatchObject({
      'x-ratelimit-category': 'Light',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': '4',
    });
    expect(limited[0]!.headers).toMatchObject({
      'x-ratelimit-category': 'Light',
      'x-ratelimit-type': 'QPS',
      'x-ratelimit-limit': '4',
      'x-ratelimit-remaining': '0',
      'retry-after': '1',
    });
    expect(limited[0]!.data).toEqual({
      code: 429,
      message: 'You have reached the maximum per-second rate limit for this API. Try again later.',
    });
  });

  test('Medium (list, PUT status) has its own, lower budget; Light calls do not use it up', async () => {
    const { zoom, webinarId, adaId } = await emulatorWith({ plan: 'free' });
    await zoom.call('GET', `/webinars/${webinarId}/registrants/${adaId}`);
    const lists = await Promise.all([1, 2, 3].map(() => zoom.call('GET', `/webinars/${webinarId}/registrants`)));
    expect(lists.map((a) => a.status).sort()).toEqual([200, 200, 429]);
    expect(lists[0]!.headers).toMatchObject({ 'x-ratelimit-category': 'Medium', 'x-ratelimit-limit': '2' });
  });

  test('a bigger plan has bigger limits; unlimited (the default) sends no rate-limit headers', async () => {
    const pro = await emulatorWith({ plan: 'pro' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => pro.zoom.call('GET', `/webinars/${pro.webinarId}/registrants/${pro.adaId}`)),
    );
    expect(answers.every((a) => a.status === 200 && a.headers['x-ratelimit-limit'] === '30')).toBe(true);
    const plain = await emulatorWith({});
    const answer = await plain.zoom.call('GET', `/webinars/${plain.webinarId}/registrants/${plain.adaId}`);
    expect(answer.headers['x-ratelimit-limit']).toBeUndefined();
  });
});

test('daily limits per registrant: 10 status updates, 3 adds per email, then 429 until 00:00 UTC', async () => {
  const { emulator, zoom, webinarId, adaId } = await emulatorWith({ plan: 'pro' });
  const grace = emulator.addRegistrant(webinarId, { email: 'grace@example.com', first_name: 'Grace' });
  const update = (id: string) =>
    zoom.call('PUT', `/webinars/${webinarId}/registrants/status`, {
      data: { action: 'approve', registrants: [{ id }] },
    });
  const statuses = [];
  for (let i = 0; i < 11; i += 1) statuses.push((await update(adaId)).status);
  expect(statuses).toEqual([...Array<number>(10).fill(204), 429]);
  const spent = await update(adaId);
  expect(spent.headers).toMatchObject({ 'x-ratelimit-type': 'Daily-limit', 'x-ratelimit-limit': '10' });
  expect(spent.headers['retry-after']).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
  expect(Date.parse(spent.headers['retry-after'] as string)).toBeGreaterThan(Date.now());
  expect(spent.data).toMatchObject({ code: 429, message: expect.stringContaining('daily rate limit (10)') });
  // Another registrant has its own count.
  expect((await update(grace.id)).status).toBe(204);

  const add = () =>
    zoom.call('POST', `/webinars/${webinarId}/registrants`, { data: { email: 'Lin@example.com', first_name: 'Lin' } });
  expect([(await add()).status, (await add()).status, (await add()).status, (await add()).status]).toEqual([
    201, 201, 201, 429,
  ]);
});

test('eventual consistency: GET and list show a change only after the delay', async () => {
  const { emulator, zoom, webinarId, adaId } = await emulatorWith({ consistencyDelayMs: 400 });
  emulator.cancelAsAdmin(webinarId, adaId);
  const soon = await zoom.call('GET', `/webinars/${webinarId}/registrants/${adaId}`);
  expect(soon.data).toMatchObject({ status: 'approved' });
  const deniedList = await zoom.call('GET', `/webinars/${webinarId}/registrants?status=denied`);
  expect(deniedList.data).toMatchObject({ total_records: 0 });
  // The write itself is done: the record is denied; readers catch up.
  expect(emulator.registrant(webinarId, adaId)?.status).toBe('denied');
  await eventually(async () => {
    const later = await zoom.call('GET', `/webinars/${webinarId}/registrants/${adaId}`);
    return (later.data as { status: string }).status === 'denied';
  });

  const lin = emulator.addRegistrant(webinarId, { email: 'lin@example.com', first_name: 'Lin' });
  emulator.cancelAsRegistrant(webinarId, lin.id);
  // Removed, but still visible for a while, in GET and in the approved list.
  expect((await zoom.call('GET', `/webinars/${webinarId}/registrants/${lin.id}`)).status).toBe(200);
  const approved = await zoom.call('GET', `/webinars/${webinarId}/registrants`);
  expect((approved.data as { registrants: Array<{ id: string }> }).registrants.map((r) => r.id)).toContain(lin.id);
  await eventually(async () => (await zoom.call('GET', `/webinars/${webinarId}/registrants/${lin.id}`)).status === 404);
});

describe('fault injection', () => {
  test('a server error rate answers 500 for that share of requests (fixed random source)', async () => {
    const draws = [0.05, 0.9, 0.05, 0.9];
    const { zoom, webinarId, adaId } = await emulatorWith({ serverErrorRate: 0.1 }, () => draws.shift() ?? 0.9);
    const statuses = [];
    for (let i = 0; i < 4; i += 1) {
      statuses.push((await zoom.call('GET', `/webinars/${webinarId}/registrants/${adaId}`)).status);
    }
    expect(statuses).toEqual([500, 200, 500, 200]);
  });

  test('a rate-limited share answers a per-second 429 with Retry-After, counted as injected', async () => {
    const draws = [0.05, 0.9, 0.9, 0.9];
    const { emulator, zoom, webinarId, adaId } = await emulatorWith(
      { rateLimitedRate: 0.1 },
      () => draws.shift() ?? 0.9,
    );
    const first = await zoom.call('GET', `/webinars/${webinarId}/registrants/${adaId}`);
    expect(first.status).toBe(429);
    expect(first.headers).toMatchObject({
      'retry-after': '1',
      'x-ratelimit-category': 'Light',
      'x-ratelimit-type': 'QPS',
    });
    expect(first.data).toMatchObject({ code: 429, message: expect.stringContaining('per-second rate limit') });
    expect((await zoom.call('GET', `/webinars/${webinarId}/registrants/${adaId}`)).status).toBe(200);
    expect(emulator.injected).toEqual({ serverErrors: 0, rateLimited: 1, timeouts: 0 });
    expect(emulator.requests.map((r) => r.label)).toContain('Light');
  });

  test('a timeout rate holds requests until the client gives up', async () => {
    const { zoom, webinarId, adaId } = await emulatorWith({ timeoutRate: 1, timeoutMs: 5_000 });
    await zoom.getToken();
    const err = await zoom
      .call('GET', `/webinars/${webinarId}/registrants/${adaId}`, { timeout: 300 })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(err) && err.code).toBe('ECONNABORTED');
  });

  test('a latency holds every answer that long, then answers it', async () => {
    const { zoom, webinarId, adaId } = await emulatorWith({ latencyMs: 400 });
    await zoom.getToken();
    const fast = await zoom
      .call('GET', `/webinars/${webinarId}/registrants/${adaId}`, { timeout: 200 })
      .catch((e: unknown) => e);
    expect(axios.isAxiosError(fast) && fast.code).toBe('ECONNABORTED');
    const patient = await zoom.call('GET', `/webinars/${webinarId}/registrants/${adaId}`, { timeout: 5_000 });
    expect(patient.status).toBe(200);
  });

  test('settings change at runtime and are validated', async () => {
    const { emulator } = await emulatorWith({});
    await expect(emulator.configure({ serverErrorRate: 2 })).rejects.toMatchObject({
      status: 400,
      message: 'serverErrorRate: must be between 0 and 1',
    });
    await expect(emulator.configure({ selfCancelMode: 'deny' })).resolves.toMatchObject({ selfCancelMode: 'deny' });
  });
});

test('scripted answers on DELETE and PUT status: the error comes back and nothing changes', async () => {
  const { emulator, zoom, webinarId, adaId } = await emulatorWith({});
  emulator.script('delete', webinarId, adaId, [{ respond: 'rate_limited', retryAfter: '2' }]);
  emulator.script('status', webinarId, adaId, [{ respond: 'server_error', status: 503 }]);

  const deleted = await zoom.call('DELETE', `/webinars/${webinarId}/registrants/${adaId}`);
  expect(deleted.status).toBe(429);
  expect(deleted.headers['retry-after']).toBe('2');
  const cancelled = await zoom.call('PUT', `/webinars/${webinarId}/registrants/status`, {
    data: { action: 'cancel', registrants: [{ id: adaId }] },
  });
  expect(cancelled.status).toBe(503);
  expect(emulator.registrant(webinarId, adaId)?.status).toBe('approved');

  // Scripts are used once: the next calls act.
  expect(
    (
      await zoom.call('PUT', `/webinars/${webinarId}/registrants/status`, {
        data: { action: 'cancel', registrants: [{ id: adaId }] },
      })
    ).status,
  ).toBe(204);
  expect(emulator.registrant(webinarId, adaId)?.status).toBe('denied');
  emulator.script('delete', webinarId, adaId, [{ respond: 'not_found' }]);
  expect((await zoom.call('DELETE', `/webinars/${webinarId}/registrants/${adaId}`)).data).toMatchObject({ code: 3000 });
  expect(emulator.registrant(webinarId, adaId)).toBeDefined();
});

test('our API writes produce the webhooks Zoom sends for them, to a validated endpoint', async () => {
  const receiver = new ZoomReceiver('hook-secret');
  const url = await receiver.start();
  try {
    const { emulator, zoom, webinarId, adaId } = await emulatorWith({ webhookSecret: 'hook-secret' });
    await emulator.configure({ webhookUrl: url });
    const grace = emulator.addRegistrant(webinarId, { email: 'grace@example.com', first_name: 'Grace' });

    await zoom.call('PUT', `/webinars/${webinarId}/registrants/status`, {
      data: { action: 'cancel', registrants: [{ id: adaId }] },
    });
    await zoom.call('DELETE', `/webinars/${webinarId}/registrants/${grace.id}`);
    await emulator.deliveriesIdle();

    expect(receiver.received.map((r) => [r.event, r.registrantId, r.signatureFailure])).toEqual([
      [registrationEventName('cancelled'), adaId, null],
      [registrationEventName('cancelled'), grace.id, null],
    ]);
    await emulator.configure({ webhookOnApiWrites: false });
    await zoom.call('PUT', `/webinars/${webinarId}/registrants/status`, {
      data: { action: 'approve', registrants: [{ id: adaId }] },
    });
    await emulator.deliveriesIdle();
    expect(receiver.received).toHaveLength(2);
  } finally {
    await receiver.stop();
  }
});
