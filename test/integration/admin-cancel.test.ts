// Cancellations that leave the registrant denied: these wait for follow-ups (FOLLOW_UP_WINDOW is 4 s here), and the
// lookup that never settles ends in needs_review (LOOKUP_TIMEOUT 5 s).
import { resolveUpdate } from '../../src/workflows/registrant/messages';
import { registrantWorkflowId, searchAttributes } from '../../src/workflows/registrant/names';
import { callbacksAbout, settled, startWorld, type World } from '../helpers/world';
import { eventually } from '../../tools/eventually';
import { zoomWebinar } from '../../src/domain/zoom-event';

let world: World;
beforeAll(async () => {
  world = await startWorld({ windows: { FOLLOW_UP_WINDOW: '4s', LOOKUP_TIMEOUT: '5s', DEDUP_WINDOW: '1h' } });
});
afterAll(() => world?.stop());

function seed(selfCancelMode?: 'deny') {
  const webinar = world.emulator.addWebinar({ hostEmail: 'host@example.com', hostId: 'HOSTuser01' });
  const person = world.emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
  if (selfCancelMode)
    world.emulator.scriptLookup(webinar.id, person.id, [{ respond: 'status', status: 'denied' }], { repeatLast: true });
  return { webinarId: webinar.id, registrantId: person.id };
}

/** What the Web UI's RegistrationState column shows for the registrant (the workflow's own search attributes). */
async function listedState(webinarId: string, registrantId: string): Promise<string | undefined> {
  const described = await world.client.workflow
    .getHandle(registrantWorkflowId(zoomWebinar(webinarId), registrantId))
    .describe();
  return described.typedSearchAttributes.get(searchAttributes.registrationState);
}

/** Waits until the workflow has its lookup answer and sits in the follow-up window. */
const inFollowUpWindow = (webinarId: string, registrantId: string) =>
  eventually(async () => {
    const view = await world.state(webinarId, registrantId);
    return view.settling && view.evidence?.lookup === 'denied' ? view : undefined;
  });

test('admin cancel (operator = host), lookup denied: after the window, one registrant.cancelled {admin, false}', async () => {
  const { webinarId, registrantId } = seed();
  await world.deliver(world.emulator.cancelAsAdmin(webinarId, registrantId));

  // Still settling while the follow-up window runs: nothing told yet, and operators find it as `settling`.
  await inFollowUpWindow(webinarId, registrantId);
  expect(world.app.about(registrantId)).toEqual([]);
  await eventually(async () => (await listedState(webinarId, registrantId)) === 'settling');

  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: {
      cancelled_by: 'admin',
      can_reregister: false,
      zoom_status: 'denied',
      evidence: { lookup: 'denied', operator: 'admin', follow_ups: [] },
    },
  });
  expect(await world.state(webinarId, registrantId)).toMatchObject({ state: 'admin_cancelled', cancelled_by: 'admin' });
  expect(await listedState(webinarId, registrantId)).toBe('admin_cancelled');
});

test('self-cancel under the newer Zoom behaviour (hint registrant, lookup denied): {registrant, false}', async () => {
  const { webinarId, registrantId } = seed('deny');
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));

  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: {
      cancelled_by: 'registrant',
      can_reregister: false,
      zoom_status: 'denied',
      evidence: { operator: 'registrant' },
    },
  });
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.cancelled']);
});

test('admin cancel followed by an approval within the window: reinstated, never cancelled', async () => {
  const { webinarId, registrantId } = seed();
  await world.deliver(world.emulator.cancelAsAdmin(webinarId, registrantId));
  await inFollowUpWindow(webinarId, registrantId);
  const approve = world.emulator.approve(webinarId, registrantId);
  await world.deliver(approve);

  const callbacks = await callbacksAbout(world, registrantId, 2);
  expect(callbacks.map((c) => c.type)).toEqual(['registrant.approved', 'registrant.reinstated']);
  const view = await settled(world, webinarId, registrantId);
  expect(view).toMatchObject({ state: 'approved', cancelled_by: null, settling: false });
  expect(view.evidence?.follow_ups).toEqual([{ event: 'approved', event_ts: approve.event_ts }]);
});

test('the same two deliveries in the opposite order give the same callbacks', async () => {
  const { webinarId, registrantId } = seed();
  const cancel = world.emulator.cancelAsAdmin(webinarId, registrantId);
  const approve = world.emulator.approve(webinarId, registrantId);
  await world.deliver(approve);
  await world.deliver(cancel);

  const callbacks = await callbacksAbout(world, registrantId, 2);
  expect(callbacks.map((c) => c.type)).toEqual(['registrant.approved', 'registrant.reinstated']);
  expect(await settled(world, webinarId, registrantId)).toMatchObject({ state: 'approved', settling: false });
});

test('lookup never settles within LOOKUP_TIMEOUT: needs_review, then resolve gives registrant.cancelled', async () => {
  const { webinarId, registrantId } = seed();
  world.emulator.scriptLookup(webinarId, registrantId, [{ respond: 'status', status: 'approved' }], {
    repeatLast: true,
  });
  await world.deliver(world.emulator.cancelAsAdmin(webinarId, registrantId));

  const [review] = await callbacksAbout(world, registrantId, 1);
  expect(review).toMatchObject({
    type: 'registrant.needs_review',
    data: { evidence: { lookup: 'approved', operator: 'admin', follow_ups: [] } },
  });
  expect(await world.state(webinarId, registrantId)).toMatchObject({ state: 'needs_review', settling: true });

  await world.client.workflow
    .getHandle(registrantWorkflowId(zoomWebinar(webinarId), registrantId))
    .executeUpdate(resolveUpdate, {
      args: [{ cancelled_by: 'admin', can_reregister: false }],
    });
  const [, cancelled] = await callbacksAbout(world, registrantId, 2);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: {
      cancelled_by: 'admin',
      can_reregister: false,
      evidence: { lookup: 'approved', resolved_by_operator: true },
    },
  });
  expect(await settled(world, webinarId, registrantId)).toMatchObject({ state: 'admin_cancelled', settling: false });
});

test('webinar gone from Zoom: needs_review at once', async () => {
  const { webinarId, registrantId } = seed();
  world.emulator.scriptLookup(webinarId, registrantId, [{ respond: 'webinar_not_found' }]);
  await world.deliver(world.emulator.cancelAsAdmin(webinarId, registrantId));

  const [review] = await callbacksAbout(world, registrantId, 1);
  expect(review).toMatchObject({
    type: 'registrant.needs_review',
    data: { evidence: { lookup: 'webinar_not_found' } },
  });
});
