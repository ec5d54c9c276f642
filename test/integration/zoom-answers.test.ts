// What Zoom answers a registrant lookup, and what it may mean (zoom-platform.md 1.2, emulator-fidelity.md #1 and #2):
// only Zoom's "Registrant {id} was not found" says the registrant is gone. Whatever GET answers for a removed
// registrant (UNCONFIRMED: each candidate is an emulator setting), and whatever answer is about the call instead of
// the registrant (the host user gone), no answer but that one ever settles a cancellation as the registrant's own.
import { callbacksAbout, startWorld, type World } from '../helpers/world';

let world: World;
beforeAll(async () => {
  world = await startWorld({ windows: { FOLLOW_UP_WINDOW: '1s', LOOKUP_TIMEOUT: '1m', DEDUP_WINDOW: '1h' } });
});
afterEach(() =>
  world.emulator.configure({
    removedRegistrantAnswer: 'registrant_not_found',
    selfCancelOperator: 'registrant',
    tokenScopes: 'classic',
    missingScope: null,
  }),
);
afterAll(() => world?.stop());

function seed() {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
  return { webinarId: webinar.id, registrantId: person.id };
}

test("Zoom's 404 code 3000 for the removed registrant: the registrant's own cancellation, with the answer", async () => {
  const { webinarId, registrantId } = seed();
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));
  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: {
      cancelled_by: 'registrant',
      evidence: { lookup: 'not_found', zoom_answer: { status: 404, code: 3000 } },
    },
  });
});

test.each([
  ['webinar_not_found', { lookup: 'webinar_not_found', zoom_answer: { status: 404, code: 3001 } }],
  ['bare_404', { lookup: 'failed', zoom_answer: { status: 404, code: null } }],
] as const)(
  'GET answering a removed registrant as %s: needs review, never a cancellation',
  async (answer, evidence) => {
    await world.emulator.configure({ removedRegistrantAnswer: answer });
    const { webinarId, registrantId } = seed();
    await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));
    const [told] = await callbacksAbout(world, registrantId, 1);
    expect(told).toMatchObject({ type: 'registrant.needs_review', data: { evidence } });
    expect(await world.state(webinarId, registrantId)).toMatchObject({ state: 'needs_review', outcome: null });
  },
);

test('404 code 1001 (the host user is gone) says nothing of the registrant: needs review, naming the answer', async () => {
  const { webinarId, registrantId } = seed();
  world.emulator.scriptLookup(webinarId, registrantId, [
    { respond: 'error', status: 404, code: 1001, message: 'User does not exist' },
  ]);
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));
  const [told] = await callbacksAbout(world, registrantId, 1);
  expect(told).toMatchObject({
    type: 'registrant.needs_review',
    data: { evidence: { lookup: 'failed', zoom_answer: { status: 404, code: 1001 } } },
  });
  const view = await world.state(webinarId, registrantId);
  expect(view.needs_review_reason).toMatch(/^Zoom refused the registrant lookup \(Zoom answered 404 \(code 1001\)/);
  // The case stays open for an operator: nothing told the app the registrant may register again.
  expect(view).toMatchObject({ state: 'needs_review', settling: true, outcome: null });
  expect(world.app.typesAbout(registrantId)).toEqual(['registrant.needs_review']);
});

test.each(['absent', 'host'] as const)(
  "a self-cancel whose webhook names the operator as %s: taken, and settled by the lookup as the registrant's own",
  async (selfCancelOperator) => {
    await world.emulator.configure({ selfCancelOperator });
    const { webinarId, registrantId } = seed();
    const cancel = world.emulator.cancelAsRegistrant(webinarId, registrantId);
    expect(cancel.payload.operator === undefined).toBe(selfCancelOperator === 'absent');
    expect((await world.deliver(cancel)).status).toBe(200);
    const [cancelled] = await callbacksAbout(world, registrantId, 1);
    expect(cancelled).toMatchObject({
      type: 'registrant.cancelled',
      data: { cancelled_by: 'registrant', can_reregister: true, evidence: { lookup: 'not_found' } },
    });
  },
);

test('an app built with granular scopes that lacks one: every lookup is refused 400/4711, each case says so', async () => {
  await world.emulator.configure({ tokenScopes: 'granular', missingScope: 'webinar:read:registrant:admin' });
  const { webinarId, registrantId } = seed();
  await world.deliver(world.emulator.cancelAsRegistrant(webinarId, registrantId));
  const [told] = await callbacksAbout(world, registrantId, 1);
  expect(told).toMatchObject({
    type: 'registrant.needs_review',
    data: { evidence: { lookup: 'failed', zoom_answer: { status: 400, code: 4711 } } },
  });
  expect((await world.state(webinarId, registrantId)).needs_review_reason).toContain(
    'does not contain scopes:[webinar:read:registrant:admin]',
  );
});
