// The emulator against what zoom-platform.md documents, over real HTTP.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { zoomWebinar } from '../../../src/domain/zoom-event';
import axios, { type AxiosRequestConfig } from 'axios';
import { basicAuth, zoomApi } from '../../helpers/zoom-api';
import { ZoomEmulator } from '../../../tools/sandbox/emulator';
import { verifyZoomSignature } from '../../../src/zoom/signature';
import { registrationEventSchema } from '../../../src/zoom/webhook';

const credentials = { accountId: 'acct', clientId: 'id', clientSecret: 'secret' };
let emulator: ZoomEmulator;
let zoom: ReturnType<typeof zoomApi>;
const getToken = (...args: Parameters<ReturnType<typeof zoomApi>['getToken']>) => zoom.getToken(...args);
const api = (method: string, path: string, config?: AxiosRequestConfig) => zoom.call(method, path, config);

beforeAll(async () => {
  emulator = new ZoomEmulator(credentials);
  await emulator.start();
  zoom = zoomApi(emulator, credentials);
});
afterAll(() => emulator.stop());

describe('Server-to-Server OAuth', () => {
  test('issues a bearer token for the right credentials, in the query or a form body', async () => {
    const answer = await getToken();
    expect(answer.status).toBe(200);
    expect(answer.data).toMatchObject({ token_type: 'bearer', expires_in: 3600, access_token: expect.any(String) });
    const form = await axios.post(emulator.tokenUrl, 'grant_type=account_credentials&account_id=acct', {
      headers: { authorization: basicAuth('id', 'secret'), 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
  });

  test.each([
    ['wrong secret', undefined, basicAuth('id', 'wrong'), 400, 'invalid_client'],
    ['wrong grant', 'grant_type=client_credentials&account_id=acct', undefined, 400, 'unsupported_grant_type'],
    ['wrong account', 'grant_type=account_credentials&account_id=other', undefined, 400, 'invalid_request'],
  ])('%s is refused', async (_name, params, authorization, status, error) => {
    const answer = await getToken(params, authorization);
    expect(answer.status).toBe(status);
    expect(answer.data).toMatchObject({ error });
  });

  test('classic scopes by default; granular ones on request, and a missing scope is 400 code 4711 on its calls', async () => {
    expect((await getToken()).data).toMatchObject({
      scope: 'webinar:read:admin webinar:write:admin meeting:read:admin meeting:write:admin',
    });
    await emulator.configure({ tokenScopes: 'granular', missingScope: 'webinar:read:registrant:admin' });
    try {
      const { scope } = (await getToken()).data as { scope: string };
      expect(scope.split(' ')).toEqual(expect.arrayContaining(['webinar:delete:registrant:admin']));
      expect(scope.split(' ')).not.toContain('webinar:read:registrant:admin');
      const { id } = emulator.addWebinar();
      const person = emulator.addRegistrant(id, { email: 'ada@example.com', first_name: 'Ada' });
      expect((await api('GET', `/webinars/${id}/registrants/${person.id}`)).data).toEqual({
        code: 4711,
        message: 'Invalid access token, does not contain scopes:[webinar:read:registrant:admin]',
      });
      expect((await api('GET', `/webinars/${id}/registrants`)).status).toBe(200);
    } finally {
      await emulator.configure({ tokenScopes: 'classic', missingScope: null });
    }
  });

  test('API calls need a live token: missing, unknown and expired ones get 401 code 124', async () => {
    const { id } = emulator.addWebinar();
    expect((await api('GET', `/webinars/${id}/registrants`, { headers: {} })).data).toEqual({
      code: 124,
      message: 'Invalid access token.',
    });
    const short = new ZoomEmulator({ ...credentials, tokenTtlSeconds: 0.001 });
    await short.start();
    try {
      const shortToken = (
        (
          await axios.post(`${short.tokenUrl}?grant_type=account_credentials&account_id=acct`, undefined, {
            headers: { authorization: basicAuth('id', 'secret') },
          })
        ).data as { access_token: string }
      ).access_token;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const answer = await axios.get(`${short.apiBaseUrl}/webinars/1/registrants`, {
        headers: { authorization: `Bearer ${shortToken}` },
        validateStatus: () => true,
      });
      expect(answer.status).toBe(401);
    } finally {
      await short.stop();
    }
  });
});

describe('registrants', () => {
  test('GET one: the record with Zoom fields and a tracking id; 404 with 3000 or 3001 when missing', async () => {
    const webinar = emulator.addWebinar();
    const ada = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada', status: 'pending' });
    const found = await api('GET', `/webinars/${webinar.id}/registrants/${ada.id}`);
    expect(found.status).toBe(200);
    expect(found.data).toMatchObject({
      id: ada.id,
      email: 'ada@example.com',
      first_name: 'Ada',
      status: 'pending',
      join_url: expect.any(String),
    });
    expect(found.headers['x-zm-trackingid']).toMatch(/^v=2\.0;clid=us06;rid=WEB_[0-9a-f]{32}$/);
    expect((await api('GET', `/webinars/${webinar.id}/registrants/nobody`)).data).toEqual({
      code: 3000,
      message: 'Registrant nobody was not found.',
    });
    const noWebinar = await api('GET', `/webinars/123/registrants/${ada.id}`);
    expect([noWebinar.status, noWebinar.data]).toEqual([404, { code: 3001, message: 'Webinar does not exist: 123.' }]);
  });

  test('scripted answers come first, then the record; repeatLast keeps the last one', async () => {
    const webinar = emulator.addWebinar();
    const ada = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
    emulator.scriptLookup(webinar.id, ada.id, [
      { respond: 'rate_limited', retryAfter: '2026-11-25T00:00:00Z' },
      { respond: 'status', status: 'all' },
    ]);
    const limited = await api('GET', `/webinars/${webinar.id}/registrants/${ada.id}`);
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({
      'retry-after': '2026-11-25T00:00:00Z',
      'x-ratelimit-type': 'Daily-limit',
      'x-ratelimit-category': 'Light',
    });
    expect(limited.data).toMatchObject({ code: 429 });
    expect((await api('GET', `/webinars/${webinar.id}/registrants/${ada.id}`)).data).toMatchObject({ status: 'all' });
    expect((await api('GET', `/webinars/${webinar.id}/registrants/${ada.id}`)).data).toMatchObject({
      status: 'approved',
    });

    emulator.scriptLookup(webinar.id, ada.id, [{ respond: 'server_error', status: 503 }], { repeatLast: true });
    for (let i = 0; i < 3; i += 1)
      expect((await api('GET', `/webinars/${webinar.id}/registrants/${ada.id}`)).status).toBe(503);
    expect(emulator.countRequests('GET', `/v2/webinars/${webinar.id}/registrants/${ada.id}`)).toBe(6);
  });

  test('list: approved by default, status filter, pages of page_size with next_page_token', async () => {
    const webinar = emulator.addWebinar();
    for (let i = 0; i < 5; i += 1)
      emulator.addRegistrant(webinar.id, { email: `p${i}@example.com`, first_name: `P${i}` });
    emulator.addRegistrant(webinar.id, { email: 'pending@example.com', first_name: 'Pen', status: 'pending' });
    const first = await api('GET', `/webinars/${webinar.id}/registrants`, { params: { page_size: 2 } });
    expect(first.data).toMatchObject({ page_size: 2, total_records: 5, next_page_token: expect.stringMatching(/.+/) });
    const emails: string[] = [];
    let page = first.data as { registrants: Array<{ email: string }>; next_page_token: string };
    for (;;) {
      emails.push(...page.registrants.map((r) => r.email));
      if (!page.next_page_token) break;
      page = (
        await api('GET', `/webinars/${webinar.id}/registrants`, {
          params: { page_size: 2, next_page_token: page.next_page_token },
        })
      ).data as typeof page;
    }
    expect(emails).toEqual(['p0@example.com', 'p1@example.com', 'p2@example.com', 'p3@example.com', 'p4@example.com']);
    expect(
      (await api('GET', `/webinars/${webinar.id}/registrants`, { params: { status: 'pending' } })).data,
    ).toMatchObject({ total_records: 1 });
    expect(
      (await api('GET', `/webinars/${webinar.id}/registrants`, { params: { page_size: 301 } })).data,
    ).toMatchObject({ code: 300 });
    expect((await api('GET', `/webinars/${webinar.id}/registrants`, { params: { status: 'cancelled' } })).status).toBe(
      400,
    );
    expect(
      (await api('GET', `/webinars/${webinar.id}/registrants`, { params: { next_page_token: 'forged' } })).data,
    ).toEqual({ code: 300, message: 'The next page token is invalid or expired.' });
  });

  test('a recurring webinar: GET shows its occurrences, the list filters by occurrence_id, events name them', async () => {
    const once = emulator.addWebinar();
    expect((await api('GET', `/webinars/${once.id}`)).data).toMatchObject({ id: Number(once.id), type: 5 });
    expect((await api('GET', `/webinars/${once.id}`)).data).not.toHaveProperty('occurrences');
    expect((await api('GET', '/webinars/12345')).data).toMatchObject({ code: 3001 });

    const series = emulator.addWebinar({ occurrences: 2 });
    const [first, second] = series.occurrences.map((o) => o.occurrence_id);
    const answer = await api('GET', `/webinars/${series.id}`);
    expect(answer.data).toMatchObject({
      type: 9,
      occurrences: [
        { occurrence_id: first, status: 'available' },
        { occurrence_id: second, status: 'available' },
      ],
    });
    emulator.addRegistrant(series.id, { email: 'all@example.com', first_name: 'All' });
    const { event } = emulator.register(series.id, {
      email: 'second@example.com',
      first_name: 'Second',
      occurrenceIds: [second as string],
    });
    expect(event.payload.object.occurrences).toEqual([{ occurrence_id: second, start_time: expect.any(String) }]);
    const emails = async (occurrence_id: string) =>
      (
        (await api('GET', `/webinars/${series.id}/registrants`, { params: { occurrence_id } })).data as {
          registrants: Array<{ email: string }>;
        }
      ).registrants.map((r) => r.email);
    expect(await emails(first as string)).toEqual(['all@example.com']);
    expect(await emails(second as string)).toEqual(['all@example.com', 'second@example.com']);
  });

  test('occurrences pass: GET leaves ended ones out unless show_previous_occurrences, and says registration_type', async () => {
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    const series = emulator.addWebinar({ occurrences: 3, registrationType: 3, startsAt: weekAgo });
    const [past, ...rest] = series.occurrences.map((o) => o.occurrence_id);
    const ids = (data: unknown) =>
      (data as { occurrences: Array<{ occurrence_id: string }> }).occurrences.map((o) => o.occurrence_id);
    const live = (await api('GET', `/webinars/${series.id}`)).data;
    expect(live).toMatchObject({ type: 9, settings: { registration_type: 3 } });
    expect(ids(live)).toEqual(rest);
    const all = await api('GET', `/webinars/${series.id}`, { params: { show_previous_occurrences: true } });
    expect(ids(all.data)).toEqual([past, ...rest]);
  });

  test.each([
    ['honoured', true],
    ['ignored', false],
  ] as const)('occurrenceScope %s: writes and reads for one occurrence of several', async (occurrenceScope, scoped) => {
    await emulator.configure({ occurrenceScope });
    try {
      const series = emulator.addWebinar({ occurrences: 3, registrationType: 3 });
      const [first, second, third] = series.occurrences.map((o) => o.occurrence_id) as [string, string, string];
      const chose = emulator.addRegistrant(series.id, {
        email: 'two@example.com',
        first_name: 'Two',
        occurrenceIds: [first, second],
      });
      const get = (occurrence_id: string) =>
        api('GET', `/webinars/${series.id}/registrants/${chose.id}`, { params: { occurrence_id } });
      // An occurrence they did not choose: not their registration, if Zoom honours occurrence_id.
      expect((await get(third)).status).toBe(scoped ? 404 : 200);
      expect(
        (await api('DELETE', `/webinars/${series.id}/registrants/${chose.id}`, { params: { occurrence_id: first } }))
          .status,
      ).toBe(204);
      expect(emulator.registrant(series.id, chose.id)?.occurrence_ids).toEqual(scoped ? [second] : undefined);
      if (scoped) expect((await get(second)).data).toMatchObject({ status: 'approved' });
    } finally {
      await emulator.configure({ occurrenceScope: 'honoured' });
    }
  });

  test('a scripted listing answers its steps first, one call each, whatever the status or page', async () => {
    const webinar = emulator.addWebinar();
    emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
    emulator.scriptListing(webinar.id, [
      { respond: 'normally' },
      { respond: 'rate_limited', retryAfter: '1' },
      { respond: 'server_error', status: 502 },
    ]);
    const list = (status: string) => api('GET', `/webinars/${webinar.id}/registrants`, { params: { status } });
    expect((await list('approved')).data).toMatchObject({ total_records: 1 });
    const limited = await list('pending');
    expect(limited.status).toBe(429);
    expect(limited.headers).toMatchObject({ 'retry-after': '1', 'x-ratelimit-category': 'Medium' });
    expect((await list('denied')).status).toBe(502);
    expect((await list('approved')).status).toBe(200);
    expect(
      emulator.requests.filter((r) => r.path === `/v2/webinars/${webinar.id}/registrants`).map((r) => r.query),
    ).toEqual(['status=approved', 'status=pending', 'status=denied', 'status=approved']);
  });

  test('add: 201 with registrant_id; the same email returns the same registration; a denied email is blocked', async () => {
    const webinar = emulator.addWebinar();
    const added = await api('POST', `/webinars/${webinar.id}/registrants`, {
      data: { email: 'ada@example.com', first_name: 'Ada' },
    });
    expect(added.status).toBe(201);
    expect(added.data).toMatchObject({
      id: Number(webinar.id),
      registrant_id: expect.any(String),
      join_url: expect.any(String),
    });
    const again = await api('POST', `/webinars/${webinar.id}/registrants`, {
      data: { email: 'ADA@example.com', first_name: 'Ada' },
    });
    expect((again.data as { registrant_id: string }).registrant_id).toBe(
      (added.data as { registrant_id: string }).registrant_id,
    );
    emulator.cancelAsAdmin(webinar.id, (added.data as { registrant_id: string }).registrant_id);
    expect(
      (
        await api('POST', `/webinars/${webinar.id}/registrants`, {
          data: { email: 'ada@example.com', first_name: 'Ada' },
        })
      ).status,
    ).toBe(400);
    expect(
      (await api('POST', `/webinars/${webinar.id}/registrants`, { data: { first_name: 'NoEmail' } })).data,
    ).toMatchObject({ code: 300 });
  });

  test('PUT status: approve, deny and cancel (cancel denies); at most 30 registrants; 204', async () => {
    const webinar = emulator.addWebinar();
    const ada = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada', status: 'pending' });
    const put = (action: string, registrants: unknown[]) =>
      api('PUT', `/webinars/${webinar.id}/registrants/status`, { data: { action, registrants } });
    expect((await put('approve', [{ id: ada.id }])).status).toBe(204);
    expect(emulator.registrant(webinar.id, ada.id)?.status).toBe('approved');
    expect((await put('cancel', [{ email: 'ada@example.com' }])).status).toBe(204);
    expect(emulator.registrant(webinar.id, ada.id)?.status).toBe('denied');
    expect(
      (
        await put(
          'cancel',
          Array.from({ length: 31 }, (_, i) => ({ id: `r${i}` })),
        )
      ).data,
    ).toMatchObject({ code: 300 });
    expect((await put('remove', [{ id: ada.id }])).status).toBe(400);
  });

  test('DELETE: 204, then the registrant is gone; errors are HTTP 400', async () => {
    const webinar = emulator.addWebinar();
    const ada = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
    expect((await api('DELETE', `/webinars/${webinar.id}/registrants/${ada.id}`)).status).toBe(204);
    expect((await api('GET', `/webinars/${webinar.id}/registrants/${ada.id}`)).status).toBe(404);
    expect((await api('DELETE', `/webinars/${webinar.id}/registrants/${ada.id}`)).data).toMatchObject({ code: 3000 });
    const noWebinar = await api('DELETE', `/webinars/1/registrants/${ada.id}`);
    expect([noWebinar.status, noWebinar.data]).toEqual([400, { code: 3001, message: 'Webinar does not exist.' }]);
  });
});

describe('people and webhooks', () => {
  test('a self-cancel removes the record (remove mode): operator is the registrant, no operator_id', () => {
    const webinar = emulator.addWebinar();
    const ada = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
    const event = emulator.cancelAsRegistrant(webinar.id, ada.id);
    expect(event.payload).toMatchObject({ operator: 'ada@example.com' });
    expect(event.payload.operator_id).toBeUndefined();
    expect(emulator.registrant(webinar.id, ada.id)).toBeUndefined();
    expect(registrationEventSchema.parse(event)).toMatchObject({
      kind: 'cancelled',
      operatorId: null,
      zoomEvent: zoomWebinar(webinar.id),
    });
  });

  test('a self-cancel in deny mode leaves the registrant denied', () => {
    const denying = new ZoomEmulator({ ...credentials, selfCancelMode: 'deny' });
    const webinar = denying.addWebinar();
    const ada = denying.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
    denying.cancelAsRegistrant(webinar.id, ada.id);
    expect(denying.registrant(webinar.id, ada.id)?.status).toBe('denied');
  });

  test('an admin cancel denies, with the host as operator; every event kind parses and ts increase', () => {
    const webinar = emulator.addWebinar({ hostEmail: 'host@example.com', hostId: 'HOST1' });
    const { registrant, event: created } = emulator.register(webinar.id, {
      email: 'ada@example.com',
      first_name: 'Ada',
      status: 'pending',
    });
    const approved = emulator.approve(webinar.id, registrant.id);
    const denied = emulator.deny(webinar.id, registrant.id);
    const cancelled = emulator.cancelAsAdmin(webinar.id, registrant.id);
    expect(cancelled.payload).toMatchObject({
      operator: 'host@example.com',
      operator_id: 'HOST1',
      object: { id: Number(webinar.id) },
    });
    expect(created.payload.operator).toBeUndefined();
    expect(created.payload.object.registrant).toMatchObject({ status: 'pending', join_url: expect.any(String) });
    expect(denied.payload.object.registrant.join_url).toBeUndefined();
    const parsed = [created, approved, denied, cancelled].map((e) => registrationEventSchema.parse(e));
    expect(parsed.map((e) => e.kind)).toEqual(['created', 'approved', 'denied', 'cancelled']);
    expect(parsed.map((e) => e.eventTs)).toEqual([...parsed.map((e) => e.eventTs)].sort((a, b) => a - b));
    expect(new Set(parsed.map((e) => e.eventTs)).size).toBe(4);
  });

  test('deliveries are signed as Zoom signs them, and what the receiver answered comes back', async () => {
    const webinar = emulator.addWebinar();
    const ada = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
    const body = emulator.buildEvent('approved', webinar.id, ada.id);
    let verdict: string | null = 'not called';
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        verdict = verifyZoomSignature({
          secret: 'hook-secret',
          signature: req.headers['x-zm-signature'] as string,
          timestamp: req.headers['x-zm-request-timestamp'] as string,
          rawBody: Buffer.concat(chunks),
          nowMs: Date.now(),
        });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await emulator.deliverWebhook(
        `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
        body,
        'hook-secret',
      );
      expect(answer).toEqual({ status: 202, body: { ok: true } });
      expect(verdict).toBeNull();
    } finally {
      receiver.close();
    }
  });
});
