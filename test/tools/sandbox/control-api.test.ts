// Acting as people: the sandbox's control API over HTTP, and `npm run simulate` as a real child process.
import axios from 'axios';
import { ZoomEmulator } from '../../../tools/sandbox/emulator';
import { registrationEventName } from '../../../tools/sandbox/webhooks';
import { runScript } from '../../helpers/run-script';
import { ZoomReceiver } from '../../helpers/zoom-receiver';

const credentials = { accountId: 'acct', clientId: 'id', clientSecret: 'secret' };
let emulator: ZoomEmulator;
let receiver: ZoomReceiver;

beforeAll(async () => {
  receiver = new ZoomReceiver('hook-secret');
  const url = await receiver.start();
  emulator = new ZoomEmulator({ ...credentials, settings: { webhookSecret: 'hook-secret' } });
  await emulator.start();
  await emulator.configure({ webhookUrl: url });
});
afterAll(async () => {
  await emulator.stop();
  await receiver.stop();
});
afterEach(() => emulator.configure({ selfCancelMode: 'remove' }));

const control = (method: string, route: string, data?: unknown) =>
  axios.request({ method, url: `${emulator.controlUrl}${route}`, data, validateStatus: () => true });

async function newWebinar(): Promise<string> {
  const answer = await control('POST', '/webinars', { topic: 'Control API test' });
  expect(answer.status).toBe(201);
  return (answer.data as { id: string }).id;
}

describe('control API', () => {
  test('register, then act by email: each action answers with the registrant and the webhook sent', async () => {
    const w = await newWebinar();
    const registered = await control('POST', `/webinars/${w}/registrants`, {
      email: 'ada@example.com',
      first_name: 'Ada',
    });
    expect(registered.status).toBe(201);
    expect(registered.data).toMatchObject({
      registrant: { email: 'ada@example.com', status: 'approved' },
      webhook: { event: registrationEventName('created'), operator: null, delivery: { state: 'pending' } },
    });
    const id = (registered.data as { registrant: { id: string } }).registrant.id;

    const cancelled = await control('POST', `/webinars/${w}/registrants/ada@example.com/cancel-as-admin`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.data).toMatchObject({
      registrant: { id, status: 'denied' },
      webhook: {
        event: registrationEventName('cancelled'),
        operator: 'host@example.com',
        operator_id: expect.any(String),
      },
    });
    const approved = await control('POST', `/webinars/${w}/registrants/${id}/approve`);
    expect(approved.data).toMatchObject({
      registrant: { status: 'approved' },
      webhook: { event: registrationEventName('approved') },
    });

    await emulator.deliveriesIdle();
    const deliveries = await control('GET', `/deliveries?registrant=${id}`);
    expect((deliveries.data as Array<{ event: string; state: string }>).map((d) => [d.event, d.state])).toEqual([
      [registrationEventName('created'), 'delivered'],
      [registrationEventName('cancelled'), 'delivered'],
      [registrationEventName('approved'), 'delivered'],
    ]);
    const webinars = await control('GET', '/webinars');
    expect(webinars.data).toContainEqual(
      expect.objectContaining({ id: w, registrants: [expect.objectContaining({ id, status: 'approved' })] }),
    );
  });

  test('a self-cancel: the registrant is the operator, with no operator_id; in remove mode they may register again', async () => {
    const w = await newWebinar();
    await control('POST', `/webinars/${w}/registrants`, { email: 'lin@example.com', first_name: 'Lin' });
    const cancelled = await control('POST', `/webinars/${w}/registrants/lin@example.com/cancel-as-registrant`);
    expect(cancelled.data).toMatchObject({
      registrant: null,
      webhook: { event: registrationEventName('cancelled'), operator: 'lin@example.com', operator_id: null },
    });
    const again = await control('POST', `/webinars/${w}/registrants`, { email: 'lin@example.com', first_name: 'Lin' });
    expect(again.status).toBe(201);
  });

  test('deny mode: a self-cancel leaves them denied, and registering again is blocked', async () => {
    const w = await newWebinar();
    await control('PATCH', '/settings', { selfCancelMode: 'deny' });
    await control('POST', `/webinars/${w}/registrants`, { email: 'max@example.com', first_name: 'Max' });
    const cancelled = await control('POST', `/webinars/${w}/registrants/max@example.com/cancel-as-registrant`);
    expect(cancelled.data).toMatchObject({ registrant: { status: 'denied' } });
    const again = await control('POST', `/webinars/${w}/registrants`, { email: 'max@example.com', first_name: 'Max' });
    expect(again.status).toBe(409);
    expect(again.data).toMatchObject({ error: { code: 'registration_blocked' } });
  });

  test.each([
    ['POST', '/webinars/1/registrants', { email: 'x@example.com', first_name: 'X' }, 404, 'webinar_not_found'],
    ['POST', '/webinars/{w}/registrants', { email: 'not-an-email', first_name: 'X' }, 400, 'invalid_request'],
    ['POST', '/webinars/{w}/registrants/nobody@example.com/approve', undefined, 404, 'registrant_not_found'],
    ['POST', '/webinars/{w}/registrants/nobody@example.com/teleport', undefined, 400, 'invalid_request'],
    ['PATCH', '/settings', { dropRate: 3 }, 400, 'invalid_settings'],
    ['PATCH', '/settings', { noSuchSetting: 1 }, 400, 'invalid_settings'],
  ])('%s %s %j → %i %s', async (method, route, body, status, code) => {
    const w = await newWebinar();
    const answer = await control(method, route.replace('{w}', w), body);
    expect(answer.status).toBe(status);
    expect(answer.data).toMatchObject({ error: { code, message: expect.any(String) } });
  });
});

describe('losing webhooks', () => {
  afterEach(() => emulator.configure({ dropNext: 0, dropUntil: null }));

  test('POST /webhooks/drop loses the next N, or all for a while; a lost one is redelivered by its id', async () => {
    const webinarId = await newWebinar();
    expect((await control('POST', '/webhooks/drop', { next: 1 })).data).toEqual({ dropNext: 1, dropUntil: null });
    const registered = await control('POST', `/webinars/${webinarId}/registrants`, {
      email: 'lost@example.com',
      first_name: 'Lost',
    });
    const delivery = (registered.data as { webhook: { delivery: { id: number; state: string } } }).webhook.delivery;
    expect(delivery.state).toBe('dropped');
    const later = await control('POST', `/deliveries/${delivery.id}/redeliver`);
    expect(later.status).toBe(202);
    expect(later.data).toMatchObject({ id: delivery.id, state: 'pending' });
    expect((await control('POST', `/deliveries/${delivery.id}/redeliver`)).status).toBe(404);

    const timed = await control('POST', '/webhooks/drop', { for: '10m' });
    expect(Date.parse((timed.data as { dropUntil: string }).dropUntil)).toBeGreaterThan(Date.now() + 9 * 60_000);
  });

  test.each([
    [{}, 'body: give next (a count) or for (a duration)'],
    [{ next: 0 }, 'body next: must be 1 or more'],
    [{ for: 'soon' }, 'body for: must be a positive duration like 3s, 10m or 24h (got "soon")'],
    [{ next: 1, all: true }, 'body: Unrecognized key: "all"'],
  ])('%j is refused: %s', async (body, message) => {
    const answer = await control('POST', '/webhooks/drop', body);
    expect(answer.status).toBe(400);
    expect(answer.data).toEqual({ error: { code: 'invalid_request', message } });
  });
});

describe('npm run simulate', () => {
  const simulate = (...args: string[]) => runScript('tools/sandbox/simulate.ts', args, { SANDBOX_URL: emulator.url });

  test('register and cancel as the registrant, as a newcomer would type it', async () => {
    const w = await newWebinar();
    const registered = await simulate('register', w, 'grace@example.com', 'Grace', 'Hopper');
    expect(registered.code).toBe(0);
    expect(registered.stdout).toMatch(/^registered: grace@example\.com \(\S+\) is now approved\n/);
    expect(registered.stdout).toContain(
      `→ ${registrationEventName('created')} queued for ${emulator.settings.webhookUrl}`,
    );

    const cancelled = await simulate('cancel-as-registrant', w, 'grace@example.com');
    expect(cancelled.stdout).toContain('cancel-as-registrant: the registration is gone');
    expect(cancelled.stdout).toContain(
      `→ ${registrationEventName('cancelled')} operator=grace@example.com (no operator_id)`,
    );
    await emulator.deliveriesIdle();
    const listed = await simulate('deliveries');
    expect(listed.stdout).toMatch(
      new RegExp(`${registrationEventName('cancelled')} registrant \\S+ event_ts \\d+: delivered \\[200\\]`),
    );
  });

  test('settings are shown and changed with key=value', async () => {
    const changed = await simulate('settings', 'selfCancelMode=deny', 'consistencyDelayMs=0');
    expect(changed.code).toBe(0);
    expect(changed.stdout).toContain('selfCancelMode="deny"');
    expect(emulator.settings.selfCancelMode).toBe('deny');
  });

  test('a meeting is named meeting:<id>: registered, listed, and cancelled as Zoom sends it for meetings', async () => {
    const meeting = emulator.addMeeting({ topic: 'Office hours' });
    const registered = await simulate('register', `meeting:${meeting.id}`, 'alan@example.com', 'Alan');
    expect(registered.code).toBe(0);
    expect(registered.stdout).toContain(registrationEventName('created', 'meeting'));
    const listed = await simulate('meetings');
    expect(listed.stdout).toContain(`meeting ${meeting.id} "Office hours"`);
    expect(listed.stdout).toContain('alan@example.com');
    const cancelled = await simulate('cancel-as-registrant', `meeting:${meeting.id}`, 'alan@example.com');
    expect(cancelled.stdout).toContain(registrationEventName('cancelled', 'meeting'));
    // A webinar's route does not know a meeting's id.
    expect((await simulate('approve', meeting.id, 'alan@example.com')).stderr).toContain(`no webinar ${meeting.id}`);
  });

  test("subscription shows Zoom's revalidations of the endpoint, and re-enables it once it validates", async () => {
    const shown = await simulate('subscription');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/subscription enabled \(0 failure\(s\) in a row\); next revalidation at \S+Z/);
    const reenabled = await simulate('subscription', 'reenable');
    expect(reenabled).toMatchObject({ code: 0, stdout: expect.stringContaining('subscription enabled') });
  });

  test.each([
    [['subscription', 'off'], 2, 'subscription takes nothing, or reenable'],
    [['teleport'], 2, 'unknown action "teleport"'],
    [['approve', 'abc', 'x'], 2, 'a webinar is its Zoom id (digits), a meeting meeting:<id>'],
    [['settings', 'dropRate=7'], 2, 'dropRate: must be between 0 and 1'],
    [['approve', '123'], 2, 'wrong number of arguments for approve'],
    [['approve', '123', 'nobody@example.com'], 1, '404: no webinar 123'],
  ])('%j exits %i saying %s', async (args, code, message) => {
    const result = await simulate(...args);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
  });
});
