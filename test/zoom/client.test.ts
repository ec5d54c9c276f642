// The Zoom client and the lookup activity against the emulator over real HTTP (no stubbed client).
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { cancelInZoom } from '../../src/activities/cancel-in-zoom';
import { lookupRegistrant } from '../../src/activities/lookup-registrant';
import { ZoomApiError, ZoomClient, parseRetryAfter } from '../../src/zoom/client';
import { ZoomEmulator } from '../../tools/sandbox/emulator';
import { zoomMeeting, zoomWebinar } from '../../src/domain/zoom-event';

const credentials = { accountId: 'acct', clientId: 'id', clientSecret: 'secret' };
let emulator: ZoomEmulator;
let zoom: ZoomClient;

beforeAll(async () => {
  emulator = new ZoomEmulator(credentials);
  await emulator.start();
});
afterAll(() => emulator.stop());
beforeEach(() => {
  zoom = new ZoomClient({ apiBaseUrl: emulator.apiBaseUrl, tokenUrl: emulator.tokenUrl, ...credentials });
});

/** A webinar with one registrant, approved unless said otherwise. */
function seed(status?: 'pending') {
  const webinar = emulator.addWebinar();
  const person = emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada', status });
  return { webinarId: webinar.id, registrantId: person.id };
}

const tokenRequests = () => emulator.countRequests('POST', '/oauth/token');

test('a found registrant, with one token request for several calls, even concurrent ones', async () => {
  const { webinarId, registrantId } = seed();
  const before = tokenRequests();
  const results = await Promise.all([1, 2, 3].map(() => zoom.getRegistrant(zoomWebinar(webinarId), registrantId)));
  await zoom.getRegistrant(zoomWebinar(webinarId), registrantId);
  expect(results[0]).toMatchObject({ found: true, registrant: { email: 'ada@example.com', status: 'approved' } });
  expect(tokenRequests() - before).toBe(1);
});

test('a 401 drops the token and fetches a new one once', async () => {
  const { webinarId, registrantId } = seed();
  await zoom.getRegistrant(zoomWebinar(webinarId), registrantId);
  const before = tokenRequests();
  emulator.expireTokens();
  await expect(zoom.getRegistrant(zoomWebinar(webinarId), registrantId)).resolves.toMatchObject({ found: true });
  expect(tokenRequests() - before).toBe(1);
});

test('wrong credentials are a permanent auth failure', async () => {
  const bad = new ZoomClient({
    apiBaseUrl: emulator.apiBaseUrl,
    tokenUrl: emulator.tokenUrl,
    ...credentials,
    clientSecret: 'nope',
  });
  const { webinarId, registrantId } = seed();
  const err = await bad.getRegistrant(zoomWebinar(webinarId), registrantId).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ZoomApiError);
  expect(err).toMatchObject({ kind: 'auth', status: 400, retryable: false });
});

test.each([
  [{ respond: 'not_found' }, { found: false, missing: 'registrant', code: 3000 }],
  [{ respond: 'webinar_not_found' }, { found: false, missing: 'webinar', code: 3001 }],
  [
    { respond: 'status', status: 'all' },
    { found: true, registrant: { status: 'all' } },
  ],
  [
    { respond: 'status', status: 'denied' },
    { found: true, registrant: { status: 'denied' } },
  ],
  [
    { respond: 'error', status: 400, code: 3000, message: 'Registrant r1 was not found.' },
    { found: false, missing: 'registrant', status: 400, code: 3000 },
  ],
] as const)('lookup answer %j', async (step, expected) => {
  const { webinarId, registrantId } = seed();
  emulator.scriptLookup(webinarId, registrantId, [step]);
  await expect(zoom.getRegistrant(zoomWebinar(webinarId), registrantId)).resolves.toMatchObject(expected);
});

test.each([
  [
    { respond: 'rate_limited', retryAfter: '2' },
    { kind: 'rate_limited', status: 429, code: 429, retryAfterMs: 2000, retryable: true },
  ],
  [
    { respond: 'server_error', status: 502 },
    { kind: 'unavailable', status: 502, retryable: true },
  ],
  [
    { respond: 'error', status: 400, code: 300, message: 'Invalid registrant id' },
    { kind: 'rejected', status: 400, code: 300, retryable: false },
  ],
  // Not "registrant gone": the webinar's host user is gone; a route Zoom does not have (ZOOM_API_BASE_URL without
  // /v2); 3000 about something else than a registrant; a scope the app lacks.
  [
    { respond: 'error', status: 404, code: 1001, message: 'User does not exist' },
    { kind: 'rejected', status: 404, code: 1001, retryable: false },
  ],
  [
    { respond: 'error', status: 404, code: 404, message: 'Not found' },
    { kind: 'rejected', status: 404, retryable: false },
  ],
  [
    { respond: 'error', status: 400, code: 3000, message: 'Cannot access webinar info.' },
    { kind: 'rejected', status: 400, code: 3000, retryable: false },
  ],
  [
    { respond: 'error', status: 400, code: 4711, message: 'Invalid access token, does not contain scopes' },
    { kind: 'rejected', status: 400, code: 4711, retryable: false },
  ],
] as const)('lookup failure %j', async (step, expected) => {
  const { webinarId, registrantId } = seed();
  emulator.scriptLookup(webinarId, registrantId, [step]);
  await expect(zoom.getRegistrant(zoomWebinar(webinarId), registrantId)).rejects.toMatchObject(expected);
});

test('Retry-After: seconds, or an ISO date for daily limits', () => {
  const now = Date.parse('2026-11-24T10:00:00Z');
  expect(parseRetryAfter('3', now)).toBe(3000);
  expect(parseRetryAfter('2026-11-25T00:00:00Z', now)).toBe(14 * 3600 * 1000);
  expect(parseRetryAfter('soon', now)).toBeNull();
  expect(parseRetryAfter(undefined, now)).toBeNull();
});

test('Zoom unreachable is a retryable network failure', async () => {
  const offline = new ZoomClient({
    apiBaseUrl: 'http://127.0.0.1:9/v2',
    tokenUrl: 'http://127.0.0.1:9/oauth/token',
    ...credentials,
  });
  await expect(offline.getRegistrant(zoomWebinar('1'), 'r')).rejects.toMatchObject({
    kind: 'network',
    retryable: true,
  });
});

describe('lookupRegistrant activity', () => {
  const run = (webinarId: string, registrantId: string) =>
    new MockActivityEnvironment().run(lookupRegistrant, zoom, {
      zoomEvent: zoomWebinar(webinarId),
      registrantId,
      occurrenceId: null,
    });

  test('removed and denied are results', async () => {
    const { webinarId, registrantId } = seed();
    emulator.scriptLookup(webinarId, registrantId, [{ respond: 'not_found' }, { respond: 'status', status: 'denied' }]);
    await expect(run(webinarId, registrantId)).resolves.toMatchObject({
      lookup: 'not_found',
      zoom_answer: { status: 404, code: 3000 },
    });
    await expect(run(webinarId, registrantId)).resolves.toEqual({
      lookup: 'denied',
      zoom_answer: { status: 200, code: null, message: 'registrant denied' },
    });
  });

  test('ZOOM_API_BASE_URL without /v2: every lookup fails naming the answer, none settles', async () => {
    const misconfigured = new ZoomClient({
      ...credentials,
      apiBaseUrl: emulator.apiBaseUrl.replace(/\/v2$/, ''),
      tokenUrl: emulator.tokenUrl,
    });
    const { webinarId, registrantId } = seed();
    const result = await new MockActivityEnvironment().run(lookupRegistrant, misconfigured, {
      zoomEvent: zoomWebinar(webinarId),
      registrantId,
      occurrenceId: null,
    });
    expect(result).toMatchObject({ lookup: 'failed', zoom_answer: { status: 404 } });
  });

  test.each([
    [404, 1001, 'User does not exist'],
    [400, 4711, 'Invalid access token, does not contain scopes'],
  ])(
    'Zoom refusing the call (%i, code %i) is a failed lookup that names the answer, never a removal',
    async (status, code, message) => {
      const { webinarId, registrantId } = seed();
      emulator.scriptLookup(webinarId, registrantId, [{ respond: 'error', status, code, message }]);
      await expect(run(webinarId, registrantId)).resolves.toEqual({
        lookup: 'failed',
        zoom_answer: { status, code, message: `Zoom answered ${status} (code ${code}): ${message}` },
      });
    },
  );

  test.each([
    [
      { respond: 'status', status: 'approved' },
      { type: 'RegistrantNotSettled', nonRetryable: false, details: ['approved'] },
    ],
    [
      { respond: 'rate_limited', retryAfter: '7' },
      { type: 'ZoomRateLimited', nonRetryable: false, nextRetryDelay: 7000 },
    ],
    [{ respond: 'server_error' }, { type: 'ZoomUnavailable', nonRetryable: false }],
  ] as const)('%j becomes an ApplicationFailure Temporal can act on', async (step, expected) => {
    const { webinarId, registrantId } = seed();
    emulator.scriptLookup(webinarId, registrantId, [step]);
    const err = await run(webinarId, registrantId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject(expected);
  });
});

describe('writes: DELETE and PUT status', () => {
  test('DELETE removes the registrant; a second DELETE is "registrant missing" (Zoom answers 400 code 3000)', async () => {
    const { webinarId, registrantId } = seed();
    await expect(zoom.deleteRegistrant(zoomWebinar(webinarId), registrantId)).resolves.toEqual({ found: true });
    expect(emulator.registrant(webinarId, registrantId)).toBeUndefined();
    await expect(zoom.deleteRegistrant(zoomWebinar(webinarId), registrantId)).resolves.toMatchObject({
      found: false,
      missing: 'registrant',
      code: 3000,
    });
    await expect(zoom.deleteRegistrant(zoomWebinar('99999999999'), registrantId)).resolves.toMatchObject({
      found: false,
      missing: 'webinar',
      code: 3001,
    });
  });

  test('PUT status cancel of a pending registrant answers 204 and changes nothing (the emulator models the risk)', async () => {
    const { webinarId, registrantId } = seed('pending');
    await expect(zoom.updateRegistrantStatus(zoomWebinar(webinarId), registrantId, 'cancel')).resolves.toEqual({
      found: true,
    });
    expect(emulator.registrant(webinarId, registrantId)?.status).toBe('pending');
  });

  test('PUT status cancel leaves the registrant denied', async () => {
    const { webinarId, registrantId } = seed();
    await expect(zoom.updateRegistrantStatus(zoomWebinar(webinarId), registrantId, 'cancel')).resolves.toEqual({
      found: true,
    });
    expect(emulator.registrant(webinarId, registrantId)?.status).toBe('denied');
    await expect(
      zoom.updateRegistrantStatus(zoomWebinar('99999999999'), registrantId, 'cancel'),
    ).resolves.toMatchObject({
      missing: 'webinar',
    });
  });
});

describe('cancelInZoom activity', () => {
  const run = (webinarId: string, registrantId: string, by: 'registrant' | 'admin', attempt = 1) =>
    new MockActivityEnvironment({ attempt }).run(cancelInZoom, zoom, {
      zoomEvent: zoomWebinar(webinarId),
      registrantId,
      occurrenceId: null,
      by,
    });

  test('by registrant DELETEs, by admin PUTs cancel, each with the registrant Zoom had', async () => {
    const a = seed();
    await expect(run(a.webinarId, a.registrantId, 'registrant')).resolves.toEqual({
      done: true,
      zoomCall: 'DELETE',
      registrant: { id: a.registrantId, email: 'ada@example.com', first_name: 'Ada', last_name: '' },
    });
    const b = seed();
    await expect(run(b.webinarId, b.registrantId, 'admin')).resolves.toMatchObject({
      done: true,
      zoomCall: 'PUT cancel',
    });
    expect(emulator.registrant(b.webinarId, b.registrantId)?.status).toBe('denied');
  });

  test('by admin, a pending registrant is denied: `cancel` revokes an approval they were never given', async () => {
    const { webinarId, registrantId } = seed('pending');
    await expect(run(webinarId, registrantId, 'admin')).resolves.toMatchObject({ done: true, zoomCall: 'PUT deny' });
    expect(emulator.registrant(webinarId, registrantId)?.status).toBe('denied');
  });

  test.each(['registrant', 'admin'] as const)(
    'by %s, a write Zoom answers 204 but does not make is not done: refused, nothing settled',
    async (by) => {
      await emulator.configure({ writesChangeNothing: true });
      try {
        const { webinarId, registrantId } = seed();
        await expect(run(webinarId, registrantId, by)).resolves.toMatchObject({
          done: false,
          refusal: {
            status: 502,
            code: 'zoom_unchanged',
            message: expect.stringContaining('still shows the registrant approved'),
          },
        });
        expect(emulator.registrant(webinarId, registrantId)?.status).toBe('approved');
      } finally {
        await emulator.configure({ writesChangeNothing: false });
      }
    },
  );

  test('a registrant Zoom already denied is not cancellable; on a retry, it is our own earlier PUT', async () => {
    const { webinarId, registrantId } = seed();
    emulator.cancelAsAdmin(webinarId, registrantId);
    await expect(run(webinarId, registrantId, 'admin')).resolves.toMatchObject({
      done: false,
      refusal: { status: 409, code: 'not_cancellable' },
    });
    await expect(run(webinarId, registrantId, 'admin', 2)).resolves.toMatchObject({ done: true });
  });

  test('a registrant Zoom does not know is 404; on a retry of a DELETE, it is our own earlier DELETE', async () => {
    const { webinarId } = seed();
    await expect(run(webinarId, 'gone', 'registrant')).resolves.toMatchObject({
      done: false,
      refusal: { status: 404, code: 'registrant_not_found', zoom_code: 3000 },
    });
    await expect(run(webinarId, 'gone', 'registrant', 2)).resolves.toEqual({
      done: true,
      zoomCall: 'DELETE',
      registrant: null,
    });
  });

  test('429 and 5xx are retryable failures; a 4xx refusal is an answer with Zoom status and code', async () => {
    const { webinarId, registrantId } = seed();
    emulator.scriptLookup(webinarId, registrantId, [
      { respond: 'rate_limited', retryAfter: '3' },
      { respond: 'server_error' },
      { respond: 'error', status: 400, code: 1010, message: 'User does not belong to this account' },
    ]);
    await expect(run(webinarId, registrantId, 'admin')).rejects.toMatchObject({
      type: 'ZoomRateLimited',
      nextRetryDelay: 3000,
    });
    await expect(run(webinarId, registrantId, 'admin')).rejects.toMatchObject({ type: 'ZoomUnavailable' });
    await expect(run(webinarId, registrantId, 'admin')).resolves.toEqual({
      done: false,
      refusal: {
        status: 400,
        code: 'zoom_refused',
        message: 'Zoom answered 400 (code 1010): User does not belong to this account',
        zoom_code: 1010,
      },
    });
    expect(emulator.registrant(webinarId, registrantId)?.status).toBe('approved');
  });
});

describe("the sweep's calls", () => {
  test('a listing page by page with its token, in a status and an occurrence; Medium in the budget', async () => {
    const taken: string[] = [];
    const counted = new ZoomClient({
      apiBaseUrl: emulator.apiBaseUrl,
      tokenUrl: emulator.tokenUrl,
      ...credentials,
      budget: { take: (category) => Promise.resolve(void taken.push(category)), bookAhead: () => Promise.resolve() },
    });
    const webinar = emulator.addWebinar({ occurrences: 1 });
    for (let i = 0; i < 3; i++) emulator.addRegistrant(webinar.id, { email: `p${i}@example.com`, first_name: 'P' });
    emulator.addRegistrant(webinar.id, { email: 'pending@example.com', first_name: 'Pen', status: 'pending' });
    const query = { status: 'approved' as const, pageSize: 2, pageToken: null, occurrenceId: null };
    const first = await counted.listRegistrants(zoomWebinar(webinar.id), query);
    if (!first.found) throw new Error('not found');
    expect(first.registrants.map((r) => r.email)).toEqual(['p0@example.com', 'p1@example.com']);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const last = await counted.listRegistrants(zoomWebinar(webinar.id), { ...query, pageToken: first.nextPageToken });
    expect(last).toMatchObject({ found: true, nextPageToken: null, registrants: [{ email: 'p2@example.com' }] });
    const [occurrence] = webinar.occurrences;
    expect(
      await counted.listRegistrants(zoomWebinar(webinar.id), {
        ...query,
        status: 'pending',
        occurrenceId: occurrence!.occurrence_id,
      }),
    ).toMatchObject({ found: true, registrants: [{ email: 'pending@example.com', create_time: expect.any(String) }] });
    expect(await counted.getZoomEvent(zoomWebinar(webinar.id))).toEqual({
      found: true,
      topic: 'Sandbox webinar',
      timezone: 'UTC',
      registrationUrl: webinar.registrationUrl,
      scope: 'whole',
      approval: 'automatic',
      sessions: [
        {
          occurrenceId: occurrence!.occurrence_id,
          startTime: occurrence!.start_time,
          durationMinutes: 60,
          deleted: false,
        },
      ],
    });
    expect(taken).toEqual(['medium', 'medium', 'medium', 'light']);
    // settings.approval_type 1: the host approves each registrant.
    const approvedByHost = emulator.addWebinar({ approvalType: 1 });
    expect(await counted.getZoomEvent(zoomWebinar(approvedByHost.id))).toMatchObject({ approval: 'manual' });
  });

  test("a webinar's past occurrences are asked for, and its registration_type read", async () => {
    const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
    const webinar = emulator.addWebinar({ occurrences: 2, registrationType: 2, startsAt: weekAgo });
    const lookup = await zoom.getZoomEvent(zoomWebinar(webinar.id));
    if (!lookup.found) throw new Error('not found');
    expect(lookup.scope).toBe('per_occurrence');
    // The first occurrence has passed: Zoom leaves it out unless show_previous_occurrences.
    expect(lookup.sessions.map((s) => s.occurrenceId)).toEqual(webinar.occurrences.map((o) => o.occurrence_id));
    const read = emulator.requests.filter((r) => r.path === `/v2/webinars/${webinar.id}`).at(-1);
    expect(read?.query).toBe('show_previous_occurrences=true');
  });

  test('a webinar Zoom does not know, and a page token it no longer honours', async () => {
    expect(
      await zoom.listRegistrants(zoomWebinar('12345'), {
        status: 'approved',
        pageSize: 300,
        pageToken: null,
        occurrenceId: null,
      }),
    ).toMatchObject({ found: false, missing: 'webinar', code: 3001 });
    expect(await zoom.getZoomEvent(zoomWebinar('12345'))).toMatchObject({ found: false, missing: 'webinar' });
    const { webinarId } = seed();
    await expect(
      zoom.listRegistrants(zoomWebinar(webinarId), {
        status: 'approved',
        pageSize: 300,
        pageToken: 'stale',
        occurrenceId: null,
      }),
    ).rejects.toMatchObject({ kind: 'rejected', code: 300 });
  });
});

describe("a registrant's calls and their occurrence", () => {
  const registrantCalls = (webinarId: string) =>
    emulator.requests.filter((r) => r.path.startsWith(`/v2/webinars/${webinarId}/registrants`)).map((r) => r.query);

  test.each([
    [1, 'one registration for every occurrence: no occurrence_id, whatever the event named', false],
    [2, 'one registration per occurrence: its occurrence_id', true],
    [3, 'occurrences chosen at registration: its occurrence_id', true],
  ] as const)('registration_type %p, %s', async (registrationType, _what, passed) => {
    const webinar = emulator.addWebinar({ occurrences: 2, registrationType });
    const [first] = webinar.occurrences.map((o) => o.occurrence_id);
    const person = emulator.addRegistrant(webinar.id, { email: 'occ@example.com', first_name: 'Occ' });
    const client = new ZoomClient({ apiBaseUrl: emulator.apiBaseUrl, tokenUrl: emulator.tokenUrl, ...credentials });
    await client.getRegistrant(zoomWebinar(webinar.id), person.id, first);
    await client.updateRegistrantStatus(zoomWebinar(webinar.id), person.id, 'cancel', first);
    await client.deleteRegistrant(zoomWebinar(webinar.id), person.id, first);
    expect(registrantCalls(webinar.id)).toEqual(Array(3).fill(passed ? `occurrence_id=${first}` : ''));
    // registration_type is read once per webinar, not per call.
    expect(emulator.countRequests('GET', `/v2/webinars/${webinar.id}`)).toBe(1);
  });

  test('a one-off webinar: no occurrence, and nothing read to decide it', async () => {
    const { webinarId, registrantId } = seed();
    await zoom.getRegistrant(zoomWebinar(webinarId), registrantId, null);
    expect(registrantCalls(webinarId)).toEqual(['']);
    expect(emulator.countRequests('GET', `/v2/webinars/${webinarId}`)).toBe(0);
  });
});

test("a meeting converted to a webinar: the meeting route's 400/3000 sends the call under /webinars", async () => {
  const meeting = emulator.addMeeting();
  const person = emulator.addRegistrant(meeting.id, { email: 'conv@example.com', first_name: 'Con' });
  emulator.convert(meeting.id, 'webinar');
  const found = await zoom.getRegistrant(zoomMeeting(meeting.id), person.id);
  expect(found).toMatchObject({ found: true, registrant: { email: 'conv@example.com' } });
  expect(await zoom.deleteRegistrant(zoomMeeting(meeting.id), person.id)).toEqual({ found: true });
  const calls = emulator.requests
    .filter((r) => r.path.endsWith(`/${meeting.id}/registrants/${person.id}`))
    .map((r) => `${r.method} ${r.path.split('/')[2]} ${r.status}`);
  expect(calls).toEqual(['GET meetings 400', 'GET webinars 200', 'DELETE meetings 400', 'DELETE webinars 204']);
  // A meeting Zoom does not know at all is still that: 3001, no second call.
  const before = emulator.requests.length;
  expect(await zoom.getRegistrant(zoomMeeting('12345678901'), 'nobody')).toMatchObject({
    found: false,
    missing: 'meeting',
  });
  expect(emulator.requests.length - before).toBe(1);
});
