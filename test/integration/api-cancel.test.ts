// Cancelling on a registrant's behalf through POST /api/v1/.../cancellations, on the real dev server and the Zoom
// emulator: which Zoom call each `by` makes, the echo webhook, idempotency, Zoom's refusals and the auth gate.
import { WorkflowNotFoundError } from '@temporalio/client';
import { registrantWorkflowId } from '../../src/workflows/registrant/names';
import { eventually } from '../../tools/eventually';
import { registrationEventName } from '../../tools/sandbox/webhooks';
import { API_TOKEN, WEBHOOK_SECRET, callApi, callbacksAbout, startWorld, type World } from '../helpers/world';
import axios from 'axios';
import { zoomWebinar } from '../../src/domain/zoom-event';

let world: World;
beforeAll(async () => {
  world = await startWorld({ windows: { FOLLOW_UP_WINDOW: '2s', LOOKUP_TIMEOUT: '8s', DEDUP_WINDOW: '1h' } });
});
afterAll(() => world?.stop());

/** A registrant Zoom told us about: the `created` webhook went through the gateway first. */
async function registered() {
  const webinar = world.emulator.addWebinar();
  const { registrant, event } = world.emulator.register(webinar.id, {
    email: 'ada@example.com',
    first_name: 'Ada',
    last_name: 'L',
  });
  expect((await world.deliver(event)).status).toBe(200);
  await callbacksAbout(world, registrant.id, 1);
  return { webinarId: webinar.id, registrantId: registrant.id };
}

const cancellations = (w: string, r: string) => `/api/v1/webinars/${w}/registrants/${r}/cancellations`;
const zoomPath = (w: string, r: string) => `/v2/webinars/${w}/registrants/${r}`;
const count = (method: string, path: string) => world.emulator.countRequests(method, path);

test('by registrant: Zoom DELETEs the registrant, the answer is the settled outcome, the app is told once', async () => {
  const { webinarId, registrantId } = await registered();
  // Zoom's echo for our own act, built while Zoom still has the record; it is delivered after the act.
  const echo = world.emulator.buildEvent('cancelled', webinarId, registrantId);

  const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), {
    body: { by: 'registrant', reason: 'asked in the app' },
  });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    cancellation_id: expect.any(String),
    webinar_id: webinarId,
    registrant: { id: registrantId, email: 'ada@example.com', first_name: 'Ada', last_name: 'L' },
    cancelled_by: 'registrant',
    can_reregister: true,
    zoom_status: 'removed',
    evidence: {
      operator: 'registrant',
      api_request: { cancellation_id: answer.body.cancellation_id, reason: 'asked in the app', zoom_call: 'DELETE' },
    },
  });
  expect(count('DELETE', zoomPath(webinarId, registrantId))).toBe(1);
  expect(count('PUT', `/v2/webinars/${webinarId}/registrants/status`)).toBe(0);
  expect(world.emulator.registrant(webinarId, registrantId)).toBeUndefined();

  const [, cancelled] = await callbacksAbout(world, registrantId, 2);
  const outcome: Record<string, unknown> = { ...answer.body };
  delete outcome.cancellation_id;
  expect(cancelled).toEqual({ type: 'registrant.cancelled', timestamp: expect.any(String), data: outcome });

  echo.event_ts = Date.now();
  expect((await world.deliver(echo)).status).toBe(200);
  await eventually(async () => (await world.state(webinarId, registrantId)).echoes_absorbed === 1, {
    what: 'the echo absorbed',
  });
  // No second outcome, and no lookup started for the echo: the only GETs are the one before the DELETE and the one
  // that reads it back.
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created', 'registrant.cancelled']);
  expect(count('GET', zoomPath(webinarId, registrantId))).toBe(2);
  expect(await world.state(webinarId, registrantId)).toMatchObject({
    state: 'self_cancelled',
    settling: false,
    cancellations: [{ id: answer.body.cancellation_id, status: 'settled', by: 'registrant' }],
  });
});

test('by admin: Zoom gets PUT status cancel and leaves the registrant denied; the echo is absorbed', async () => {
  const { webinarId, registrantId } = await registered();

  const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), { body: { by: 'admin' } });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    cancelled_by: 'admin',
    can_reregister: false,
    zoom_status: 'denied',
    evidence: { operator: 'admin', api_request: { reason: null, zoom_call: 'PUT cancel' } },
  });
  expect(count('PUT', `/v2/webinars/${webinarId}/registrants/status`)).toBe(1);
  expect(count('DELETE', zoomPath(webinarId, registrantId))).toBe(0);
  expect(world.emulator.registrant(webinarId, registrantId)?.status).toBe('denied');

  // What Zoom sends for an admin's cancel: the host as operator, with an operator_id.
  expect((await world.deliver(world.emulator.buildEvent('cancelled', webinarId, registrantId))).status).toBe(200);
  await eventually(async () => (await world.state(webinarId, registrantId)).echoes_absorbed === 1, {
    what: 'the echo absorbed',
  });
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created', 'registrant.cancelled']);
  expect((await world.state(webinarId, registrantId)).state).toBe('admin_cancelled');

  // Should Zoom also send a deny for our PUT cancel, it is told as such but does not undo the settled state.
  await world.deliver(world.emulator.buildEvent('denied', webinarId, registrantId));
  await callbacksAbout(world, registrantId, 3);
  expect((await world.state(webinarId, registrantId)).state).toBe('admin_cancelled');
});

test('the echo arriving before Zoom answers our DELETE is absorbed too', async () => {
  const { webinarId, registrantId } = await registered();
  const echo = world.emulator.buildEvent('cancelled', webinarId, registrantId);
  // Zoom is slow to answer the GET before the DELETE (429, Retry-After 1 s): the echo lands while we wait.
  world.emulator.scriptLookup(webinarId, registrantId, [{ respond: 'rate_limited', retryAfter: '1' }]);
  const answer = callApi(world, 'POST', cancellations(webinarId, registrantId), { body: { by: 'registrant' } });
  await eventually(async () => (await world.state(webinarId, registrantId)).settling, { what: 'the act in flight' });
  echo.event_ts = Date.now();
  expect((await world.deliver(echo)).status).toBe(200);

  expect((await answer).status).toBe(200);
  await eventually(async () => (await world.state(webinarId, registrantId)).echoes_absorbed === 1, {
    what: 'the held echo absorbed',
  });
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created', 'registrant.cancelled']);
  // 429 then the answer, then the read-back of the DELETE; the echo started no lookup of its own.
  expect(count('GET', zoomPath(webinarId, registrantId))).toBe(3);
});

test('the same Idempotency-Key never cancels twice; reused for another `by` it is refused', async () => {
  const { webinarId, registrantId } = await registered();
  const request = { body: { by: 'registrant' }, headers: { 'idempotency-key': 'app-req-42' } };

  const first = await callApi(world, 'POST', cancellations(webinarId, registrantId), request);
  const again = await callApi(world, 'POST', cancellations(webinarId, registrantId), request);
  expect(first.status).toBe(200);
  expect(again).toMatchObject({ status: 200, body: first.body });
  expect(first.body.cancellation_id).toBe('app-req-42');
  expect(count('DELETE', zoomPath(webinarId, registrantId))).toBe(1);

  const otherBy = await callApi(world, 'POST', cancellations(webinarId, registrantId), {
    body: { by: 'admin' },
    headers: { 'idempotency-key': 'app-req-42' },
  });
  expect(otherBy.status).toBe(422);
  expect(otherBy.body.error.code).toBe('idempotency_key_reused');

  // A new request (a new key) for a registrant already cancelled: refused, Zoom untouched.
  const fresh = await callApi(world, 'POST', cancellations(webinarId, registrantId), { body: { by: 'admin' } });
  expect(fresh.status).toBe(409);
  expect(fresh.body.error).toMatchObject({ code: 'already_cancelled' });
  expect(count('PUT', `/v2/webinars/${webinarId}/registrants/status`)).toBe(0);

  await callbacksAbout(world, registrantId, 2);
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created', 'registrant.cancelled']);
});

test("an unknown registrant or webinar is 404 with Zoom's reason, and nothing is cancelled", async () => {
  const webinar = world.emulator.addWebinar();
  const unknownRegistrant = await callApi(world, 'POST', cancellations(webinar.id, 'NoSuchRegistrant1'), {
    body: { by: 'registrant' },
  });
  expect(unknownRegistrant.status).toBe(404);
  expect(unknownRegistrant.body.error).toEqual({
    code: 'registrant_not_found',
    message: 'Registrant NoSuchRegistrant1 was not found.',
    zoom_code: 3000,
  });

  const unknownWebinar = await callApi(world, 'POST', cancellations('99999999999', 'SomeRegistrant'), {
    body: { by: 'admin' },
  });
  expect(unknownWebinar.status).toBe(404);
  expect(unknownWebinar.body.error).toMatchObject({ code: 'webinar_not_found', zoom_code: 3001 });
  expect(count('DELETE', zoomPath(webinar.id, 'NoSuchRegistrant1'))).toBe(0);
  expect(world.app.typesAbout('NoSuchRegistrant1')).toEqual([]);

  // Nothing refused leaves a trace that looks like a registrant: a GET is 404, and the workflow the request started
  // is deleted (the dev server removes a deleted execution about 30 s later).
  const refused = [
    [webinar.id, 'NoSuchRegistrant1'],
    ['99999999999', 'SomeRegistrant'],
  ] as const;
  for (const [w, r] of refused) {
    const read = await callApi(world, 'GET', `/api/v1/webinars/${w}/registrants/${r}`);
    expect(read.status).toBe(404);
    expect(read.body.error).toMatchObject({ code: 'registrant_not_found' });
  }
  const gone = (w: string, r: string) =>
    world.client.workflow
      .getHandle(registrantWorkflowId(zoomWebinar(w), r))
      .describe()
      .then(
        () => false,
        (err: unknown) => err instanceof WorkflowNotFoundError,
      );
  await eventually(async () => (await Promise.all(refused.map(([w, r]) => gone(w, r)))).every(Boolean), {
    timeoutMs: 90_000,
  });
  const listed = await world.client.workflow.count(refused.map(([, r]) => `ZoomRegistrantId = "${r}"`).join(' OR '));
  expect(listed.count).toBe(0);
}, 150_000);

test('Zoom answering 429 and then 5xx: retried with backoff, then the settled outcome', async () => {
  const { webinarId, registrantId } = await registered();
  world.emulator.scriptLookup(webinarId, registrantId, [
    { respond: 'rate_limited', retryAfter: '1' },
    { respond: 'server_error', status: 503 },
  ]);
  const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), { body: { by: 'admin' } });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({ cancelled_by: 'admin' });
  // Two refused, the one that answered, and the read-back of the PUT.
  expect(count('GET', zoomPath(webinarId, registrantId))).toBe(4);
  expect(count('PUT', `/v2/webinars/${webinarId}/registrants/status`)).toBe(1);
});

test('Zoom failing past LOOKUP_TIMEOUT: 202 with a Location, which then answers 503 zoom_unavailable', async () => {
  const { webinarId, registrantId } = await registered();
  world.emulator.scriptLookup(webinarId, registrantId, [{ respond: 'server_error', status: 500 }], {
    repeatLast: true,
  });
  const accepted = await callApi(world, 'POST', cancellations(webinarId, registrantId), {
    body: { by: 'registrant' },
    headers: { prefer: 'wait=1' },
  });
  expect(accepted.status).toBe(202);
  expect(accepted.body).toMatchObject({ status: 'pending', location: accepted.headers.location });
  expect(accepted.headers.location).toBe(`${cancellations(webinarId, registrantId)}/${accepted.body.cancellation_id}`);

  const settled = await eventually(
    async () => {
      const polled = await callApi(world, 'GET', accepted.headers.location!);
      return polled.status === 202 ? undefined : polled;
    },
    { what: 'the cancellation to end', timeoutMs: 30_000 },
  );
  expect(settled.status).toBe(503);
  expect(settled.body.error.code).toBe('zoom_unavailable');
  expect(world.emulator.registrant(webinarId, registrantId)?.status).toBe('approved');
  expect(count('DELETE', zoomPath(webinarId, registrantId))).toBe(0);
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created']);
});

test('accepted while no worker runs: 202, then done once a worker is back', async () => {
  const { webinarId, registrantId } = await registered();
  await world.stopWorkers();
  let accepted;
  try {
    accepted = await callApi(world, 'POST', cancellations(webinarId, registrantId), {
      body: { by: 'registrant' },
      headers: { prefer: 'wait=1' },
    });
  } finally {
    await world.startWorkers();
  }
  expect(accepted.status).toBe(202);
  const done = await eventually(
    async () => {
      const polled = await callApi(world, 'GET', accepted.headers.location!);
      return polled.status === 200 ? polled : undefined;
    },
    { what: 'the cancellation to settle' },
  );
  expect(done.body).toMatchObject({ cancellation_id: accepted.body.cancellation_id, cancelled_by: 'registrant' });
  expect(count('DELETE', zoomPath(webinarId, registrantId))).toBe(1);
});

describe('the API refuses, and starts nothing', () => {
  const target = () => {
    const webinar = world.emulator.addWebinar();
    const person = world.emulator.addRegistrant(webinar.id, { email: 'grace@example.com', first_name: 'Grace' });
    return { webinarId: webinar.id, registrantId: person.id };
  };
  const expectNoWorkflow = async (w: string, r: string) =>
    expect(world.client.workflow.getHandle(registrantWorkflowId(zoomWebinar(w), r)).describe()).rejects.toBeInstanceOf(
      WorkflowNotFoundError,
    );

  test.each([
    ['no token', null, 'unauthorized'],
    ['a wrong token', 'not-the-token', 'unauthorized'],
  ])('%s: 401', async (_what, token, code) => {
    const { webinarId, registrantId } = target();
    const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), {
      body: { by: 'registrant' },
      token,
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ error: { code, message: 'missing or wrong bearer token' } });
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    await expectNoWorkflow(webinarId, registrantId);
    expect(world.emulator.registrant(webinarId, registrantId)?.status).toBe('approved');
  });

  test.each([
    [{ by: 'someone' }, 'invalid_request', /^body by: /],
    [{ by: 'admin', reason: '' }, 'invalid_request', /^body reason: must not be empty/],
    [{ by: 'admin', extra: 1 }, 'invalid_request', /^body/],
    ['{not json', 'invalid_json', /JSON/],
  ])('body %j: 400 %s', async (body, code, message) => {
    const { webinarId, registrantId } = target();
    const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), { body });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe(code);
    expect(answer.body.error.message).toMatch(message);
    await expectNoWorkflow(webinarId, registrantId);
  });

  test.each([
    ['no Content-Type', {}],
    ['a form', { 'content-type': 'application/x-www-form-urlencoded' }],
  ])("a body sent with %s: 415 in the API's own error shape", async (_what, headers) => {
    const { webinarId, registrantId } = target();
    const answer = await axios.post(`${world.gatewayUrl}${cancellations(webinarId, registrantId)}`, 'by=admin', {
      headers: { authorization: `Bearer ${API_TOKEN}`, ...headers },
      transformRequest: (d: unknown) => d,
      validateStatus: () => true,
    });
    expect(answer.status).toBe(415);
    expect(answer.data).toEqual({
      error: {
        code: 'unsupported_media_type',
        message: 'the body must be JSON, sent with Content-Type: application/json',
      },
    });
    await expectNoWorkflow(webinarId, registrantId);
  });

  test('a malformed webinar id: 400', async () => {
    const answer = await callApi(world, 'POST', cancellations('abc', 'x'), { body: { by: 'admin' } });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({ code: 'invalid_request', message: 'path webinarId: must be Zoom digits' });
  });
});

test("Zoom's own echo, sent by the emulator subscribed to the gateway, is absorbed; so are its duplicates", async () => {
  const { webinarId, registrantId } = await registered();
  await world.emulator.configure({ webhookUrl: world.webhookUrl, webhookSecret: WEBHOOK_SECRET, duplicateRate: 1 });
  try {
    const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), { body: { by: 'registrant' } });
    expect(answer.status).toBe(200);
    await world.emulator.deliveriesIdle();
    // The DELETE's webhook, delivered twice; both accepted by the gateway.
    expect(
      world.emulator.deliveries
        .filter((d) => d.registrant_id === registrantId)
        .map((d) => [d.event, d.state, d.attempts[0]?.outcome]),
    ).toEqual([
      [registrationEventName('cancelled'), 'delivered', 200],
      [registrationEventName('cancelled'), 'delivered', 200],
    ]);
    const view = await eventually(async () => {
      const state = await world.state(webinarId, registrantId);
      return state.echoes_absorbed === 1 && state.duplicates_ignored === 1 ? state : undefined;
    });
    expect(view.state).toBe('self_cancelled');
    expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created', 'registrant.cancelled']);
  } finally {
    await world.emulator.configure({ webhookUrl: null, duplicateRate: 0 });
  }
});

test('Zoom answering the DELETE itself with 429, then 204: retried after Retry-After, one DELETE done', async () => {
  const { webinarId, registrantId } = await registered();
  world.emulator.script('delete', webinarId, registrantId, [{ respond: 'rate_limited', retryAfter: '1' }]);
  const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), { body: { by: 'registrant' } });
  expect(answer.status).toBe(200);
  expect(
    world.emulator.requests
      .filter((r) => r.method === 'DELETE' && r.path === zoomPath(webinarId, registrantId))
      .map((r) => r.status),
  ).toEqual([429, 204]);
});

test("Zoom refusing the PUT cancel (a 4xx): the API answers Zoom's status and reason, nothing is cancelled", async () => {
  const { webinarId, registrantId } = await registered();
  world.emulator.script('status', webinarId, registrantId, [
    { respond: 'error', status: 400, code: 3035, message: 'Webinar has reached maximum attendee capacity.' },
  ]);
  const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), { body: { by: 'admin' } });
  expect(answer.status).toBe(400);
  expect(answer.body.error).toEqual({
    code: 'zoom_refused',
    message: 'Zoom answered 400 (code 3035): Webinar has reached maximum attendee capacity.',
    zoom_code: 3035,
  });
  expect(world.emulator.registrant(webinarId, registrantId)?.status).toBe('approved');
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created']);
});

test('Zoom answering our write with success that changes nothing: 502 zoom_unchanged, nothing settled, the app told nothing', async () => {
  const { webinarId, registrantId } = await registered();
  await world.emulator.configure({ writesChangeNothing: true });
  try {
    const answer = await callApi(world, 'POST', cancellations(webinarId, registrantId), { body: { by: 'admin' } });
    expect(answer.status).toBe(502);
    expect(answer.body).toMatchObject({ error: { code: 'zoom_unchanged' } });
  } finally {
    await world.emulator.configure({ writesChangeNothing: false });
  }
  expect(world.emulator.registrant(webinarId, registrantId)?.status).toBe('approved');
  expect(await world.state(webinarId, registrantId)).toMatchObject({ state: 'approved', outcome: null });
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created']);
});
