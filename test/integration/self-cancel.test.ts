// Cancellations that Zoom settles as "removed", and plain registration events. FOLLOW_UP_WINDOW is an hour here,
// so an outcome that arrives at all was sent without waiting for it.
import { callbacksAbout, settled, startWorld, type World } from '../helpers/world';
import { eventually } from '../../tools/eventually';

let world: World;
beforeAll(async () => {
  world = await startWorld({ windows: { FOLLOW_UP_WINDOW: '1h', LOOKUP_TIMEOUT: '2m', DEDUP_WINDOW: '1h' } });
});
afterAll(() => world?.stop());

function seed() {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, {
    email: 'Ada@Example.com',
    first_name: 'Ada',
    last_name: 'L',
  });
  return { webinarId: webinar.id, registrantId: person.id };
}

const registrantPath = (webinarId: string, registrantId: string) =>
  `/v2/webinars/${webinarId}/registrants/${registrantId}`;

test('self-cancel, lookup not found: one registrant.cancelled {registrant, can_reregister} at once', async () => {
  const { webinarId, registrantId } = seed();
  expect((await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId))).status).toBe(200);

  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: {
      webinar_id: webinarId,
      occurrence_id: null,
      registrant: { id: registrantId, email: 'Ada@Example.com', first_name: 'Ada', last_name: 'L' },
      cancelled_by: 'registrant',
      can_reregister: true,
      zoom_status: 'removed',
      evidence: { lookup: 'not_found', operator: 'registrant', follow_ups: [] },
    },
  });
  const view = await settled(world, webinarId, registrantId);
  expect(view).toMatchObject({ state: 'self_cancelled', cancelled_by: 'registrant', settling: false });
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.cancelled']);
});

test('self-cancel answered with the undocumented status "all" is settled the same way', async () => {
  const { webinarId, registrantId } = seed();
  world.emulator.scriptLookup(webinarId, registrantId, [{ respond: 'status', status: 'all' }]);
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));

  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: { cancelled_by: 'registrant', can_reregister: true, zoom_status: 'removed', evidence: { lookup: 'all' } },
  });
});

test('lookup still approved twice, then settled: the settled outcome, after exactly three lookups', async () => {
  const { webinarId, registrantId } = seed();
  world.emulator.scriptLookup(webinarId, registrantId, [
    { respond: 'status', status: 'approved' },
    { respond: 'status', status: 'approved' },
    { respond: 'not_found' },
  ]);
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));

  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: { cancelled_by: 'registrant', can_reregister: true },
  });
  expect(world.emulator.countRequests('GET', registrantPath(webinarId, registrantId))).toBe(3);
});

test('429 with Retry-After twice and 5xx twice: settled, with no more lookups than those retries', async () => {
  const { webinarId, registrantId } = seed();
  world.emulator.scriptLookup(webinarId, registrantId, [
    { respond: 'rate_limited', retryAfter: '1' },
    { respond: 'server_error', status: 503 },
    { respond: 'rate_limited', retryAfter: '1' },
    { respond: 'server_error' },
  ]);
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));

  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({ type: 'registrant.cancelled', data: { evidence: { lookup: 'not_found' } } });
  expect(world.emulator.countRequests('GET', registrantPath(webinarId, registrantId))).toBe(5);
});

test('the same cancellation delivered three times, once after the outcome: exactly one registrant.cancelled', async () => {
  const { webinarId, registrantId } = seed();
  const cancel = world.emulator.cancelAsRegistrant(webinarId, registrantId);
  expect((await world.deliver(cancel)).status).toBe(200);
  expect((await world.deliver(cancel)).status).toBe(200);
  await callbacksAbout(world, registrantId, 1);
  expect((await world.deliver(cancel)).status).toBe(200);

  const view = await eventually(async () => {
    const v = await world.state(webinarId, registrantId);
    return v.duplicates_ignored === 2 ? v : undefined;
  });
  expect(view.callbacks.map((c) => c.type)).toEqual(['registrant.cancelled']);
  expect(world.app.deliveries.filter((d) => d.callback.data.registrant.id === registrantId)).toHaveLength(1);
  expect(world.emulator.countRequests('GET', registrantPath(webinarId, registrantId))).toBe(1);
});

test('created, approved and denied events: one callback each, and the state follows event_ts', async () => {
  const webinar = world.emulator.addWebinar();
  const { registrant, event: created } = world.emulator.register(webinar.id, {
    email: 'grace@example.com',
    first_name: 'Grace',
    status: 'pending',
  });
  const approved = world.emulator.approve(webinar.id, registrant.id);
  const denied = world.emulator.deny(webinar.id, registrant.id);
  // Delivered out of order, with a duplicate: the state still ends on the latest event.
  for (const body of [created, denied, approved, created]) expect((await world.deliver(body)).status).toBe(200);

  const callbacks = await callbacksAbout(world, registrant.id, 3);
  expect(callbacks.map((c) => c.type).sort()).toEqual([
    'registrant.approved',
    'registrant.created',
    'registrant.denied',
  ]);
  const view = await eventually(async () => {
    const v = await world.state(webinar.id, registrant.id);
    return v.duplicates_ignored === 1 ? v : undefined;
  });
  expect(view.state).toBe('denied');
  expect(world.app.about(registrant.id)).toHaveLength(3);
});

test('a created Zoom delivers only after the cancellation was told is kept, not told: the app never hears it again', async () => {
  const { webinarId, registrantId } = seed();
  const created = world.emulator.buildEvent('created', webinarId, registrantId);
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));
  await callbacksAbout(world, registrantId, 1);
  // Delivered twice: the second is passed over as a duplicate, which shows the first was applied.
  expect((await world.deliver(created)).status).toBe(200);
  expect((await world.deliver(created)).status).toBe(200);
  await eventually(async () =>
    (await world.state(webinarId, registrantId)).duplicates_ignored === 1 ? true : undefined,
  );
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.cancelled']);
  expect(await world.state(webinarId, registrantId)).toMatchObject({
    state: 'self_cancelled',
    settling: false,
    not_told: [{ type: 'registrant.created', event_ts: created.event_ts }],
  });
});

test('while the app is down, a later event waits behind the cancellation told before it, then follows it', async () => {
  const { webinarId, registrantId } = seed();
  const later = world.emulator.buildEvent('approved', webinarId, registrantId, { eventTs: Date.now() + 60_000 });
  const refused: string[] = [];
  world.app.onRefused = ({ callback }) =>
    void (callback.data.registrant.id === registrantId && refused.push(callback.type));
  world.app.refuses = (callback) => callback.data.registrant.id === registrantId;
  try {
    await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));
    await eventually(() => refused.includes('registrant.cancelled'), { what: 'the cancellation refused once' });
    await world.deliver(later);
    // Retried meanwhile with backoff, the cancellation goes first: the approval is not even tried before it.
    await eventually(() => refused.filter((type) => type === 'registrant.cancelled').length >= 3, {
      what: 'the cancellation refused three times',
    });
    expect(refused).not.toContain('registrant.approved');
  } finally {
    world.app.refuses = () => false;
    world.app.onRefused = () => {};
  }
  await callbacksAbout(world, registrantId, 2);
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.cancelled', 'registrant.approved']);
});
