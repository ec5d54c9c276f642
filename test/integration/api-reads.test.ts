// Reading what Zoom cannot list: one registrant's state and evidence, and the registrants of a webinar by state,
// paged from Temporal's visibility store. Also RESTORE_REREGISTRATION against the emulator's `deny` mode.
import axios from 'axios';
import { eventually } from '../../tools/eventually';
import { ZOOM_CREDENTIALS, callApi, callbacksAbout, startWorld, type World } from '../helpers/world';

let world: World;
beforeAll(async () => {
  // Zoom's newer behaviour: a registrant's own cancel leaves them denied (zoom-platform.md 1.2).
  world = await startWorld({
    windows: { FOLLOW_UP_WINDOW: '2s', LOOKUP_TIMEOUT: '20s', DEDUP_WINDOW: '1h', RESTORE_REREGISTRATION: 'true' },
    emulator: { selfCancelMode: 'deny' },
  });
});
afterAll(() => world?.stop());

async function addThroughZoomApi(webinarId: string, person: { email: string; first_name: string }) {
  const token = await axios.post<{ access_token: string }>(
    world.emulator.tokenUrl,
    new URLSearchParams({ grant_type: 'account_credentials', account_id: ZOOM_CREDENTIALS.accountId }).toString(),
    {
      auth: { username: ZOOM_CREDENTIALS.clientId, password: ZOOM_CREDENTIALS.clientSecret },
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
  );
  return axios.post<{ registrant_id: string }>(
    `${world.emulator.apiBaseUrl}/webinars/${webinarId}/registrants`,
    person,
    {
      headers: { authorization: `Bearer ${token.data.access_token}` },
      validateStatus: () => true,
    },
  );
}

const registrants = (w: string) => `/api/v1/webinars/${w}/registrants`;

test("GET a registrant: the workflow's state and evidence; unknown ones are 404", async () => {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
  const cancel = await callApi(world, 'POST', `${registrants(webinar.id)}/${person.id}/cancellations`, {
    body: { by: 'admin', reason: 'seat refunded' },
  });
  expect(cancel.status).toBe(200);

  const read = await callApi(world, 'GET', `${registrants(webinar.id)}/${person.id}`);
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({
    webinar_id: webinar.id,
    registrant_id: person.id,
    state: 'admin_cancelled',
    cancelled_by: 'admin',
    evidence: { operator: 'admin', api_request: { reason: 'seat refunded', zoom_call: 'PUT cancel' } },
    cancellations: [{ id: cancel.body.cancellation_id, status: 'settled' }],
    workflow: { id: `zoom-registrant/${webinar.id}/${person.id}`, status: 'running' },
  });

  const unknown = await callApi(world, 'GET', `${registrants(webinar.id)}/NobodyHere`);
  expect(unknown.status).toBe(404);
  expect(unknown.body.error.code).toBe('registrant_not_found');
  expect((await callApi(world, 'GET', `${registrants(webinar.id)}/${person.id}`, { token: 'wrong' })).status).toBe(401);
});

test('listing by state pages with a cursor through every registrant in that state, and only those', async () => {
  const webinar = world.emulator.addWebinar();
  const people = ['a', 'b', 'c', 'd', 'e'].map((name) =>
    world.emulator.addRegistrant(webinar.id, { email: `${name}@example.com`, first_name: name }),
  );
  const selfCancelled = people.slice(0, 4);
  for (const person of selfCancelled) {
    const answer = await callApi(world, 'POST', `${registrants(webinar.id)}/${person.id}/cancellations`, {
      body: { by: 'registrant' },
    });
    expect(answer.status).toBe(200);
  }
  const adminCancelled = people[4]!;
  await callApi(world, 'POST', `${registrants(webinar.id)}/${adminCancelled.id}/cancellations`, {
    body: { by: 'admin' },
  });

  // Visibility catches up with the workflows' search attributes a moment after they change.
  const pages = await eventually(
    async () => {
      const collected = [];
      let cursor: string | null = null;
      do {
        const query: string = `?state=self_cancelled&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await callApi(world, 'GET', `${registrants(webinar.id)}${query}`);
        expect(page.status).toBe(200);
        collected.push(page.body);
        cursor = page.body.next_cursor;
      } while (cursor);
      const listed = collected.flatMap((p) => p.registrants);
      return listed.length === selfCancelled.length ? collected : undefined;
    },
    { what: 'four self-cancelled registrants listed' },
  );
  expect(pages.length).toBe(2);
  expect(pages[0]!.registrants).toHaveLength(3);
  const listed = pages.flatMap((p) => p.registrants);
  expect(listed.map((r) => r.registrant_id).sort()).toEqual(selfCancelled.map((p) => p.id).sort());
  expect(listed.every((r) => r.state === 'self_cancelled' && r.cancelled_by === 'registrant')).toBe(true);

  const admins = await eventually(async () => {
    const page = await callApi(world, 'GET', `${registrants(webinar.id)}?state=admin_cancelled`);
    return page.body.registrants.length === 1 ? page.body : undefined;
  });
  expect(admins).toMatchObject({ registrants: [{ registrant_id: adminCancelled.id }], next_cursor: null });
});

test.each([
  ['?state=gone', 'query state: must be one of registered, approved, pending, denied, self_cancelled'],
  ['', 'query state: must be one of'],
  ['?state=denied&limit=0', 'query limit: '],
  ['?state=denied&cursor=not!a!cursor', 'query cursor: must be a next_cursor'],
  ['?state=denied&cursor=bm90LWEtdG9rZW4', 'query cursor: is not a next_cursor of this listing'],
])('listing with %s: 400', async (query, message) => {
  const answer = await callApi(world, 'GET', `${registrants('81234567890')}${query}`);
  expect(answer.status).toBe(400);
  expect(answer.body.error.code).toBe('invalid_request');
  expect(answer.body.error.message).toContain(message);
});

test('RESTORE_REREGISTRATION: a self-cancel Zoom left denied is deleted, the app hears can_reregister true', async () => {
  const webinar = world.emulator.addWebinar();
  const { registrant, event } = world.emulator.register(webinar.id, { email: 'lin@example.com', first_name: 'Lin' });
  await world.deliver(event);
  const selfCancel = world.emulator.cancelAsRegistrant(webinar.id, registrant.id);
  expect(world.emulator.registrant(webinar.id, registrant.id)?.status).toBe('denied');
  // Zoom's echo of our DELETE, built while the denied record still exists.
  const echo = world.emulator.buildEvent('cancelled', webinar.id, registrant.id);
  await world.deliver(selfCancel);

  const [, cancelled] = await callbacksAbout(world, registrant.id, 2);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: {
      cancelled_by: 'registrant',
      can_reregister: true,
      zoom_status: 'removed',
      evidence: { lookup: 'denied', operator: 'registrant', reregistration_restored: true },
    },
  });
  expect(world.emulator.countRequests('DELETE', `/v2/webinars/${webinar.id}/registrants/${registrant.id}`)).toBe(1);
  expect(world.emulator.registrant(webinar.id, registrant.id)).toBeUndefined();
  // The email is free again: Zoom's add-registrant API, which refuses a denied email, takes it.
  const again = await addThroughZoomApi(webinar.id, { email: 'lin@example.com', first_name: 'Lin' });
  expect(again.status).toBe(201);
  expect(again.data.registrant_id).not.toBe(registrant.id);

  echo.event_ts = Date.now();
  await world.deliver(echo);
  await eventually(async () => (await world.state(webinar.id, registrant.id)).echoes_absorbed === 1);
  expect(world.app.typesAbout(registrant.id)).toEqual(['registrant.created', 'registrant.cancelled']);
});
