// A registrant's workflow over its whole life: continue-as-new carries its state and de-duplication keys, it
// completes DEDUP_WINDOW after its last event, and a malformed signal does not break it.
import type { WorkflowExecutionStatusName } from '@temporalio/client';
import { registrantWorkflowId } from '../../src/workflows/registrant/names';
import { registrationEventSignal, type RegistrantView } from '../../src/workflows/registrant/messages';
import type { RegistrationEvent } from '../../src/domain/registration';
import { callbacksAbout, startWorld, type World } from '../helpers/world';
import { eventually } from '../../tools/eventually';
import { zoomWebinar } from '../../src/domain/zoom-event';

let world: World;
beforeAll(async () => {
  // A tiny history limit, so that a handful of events forces continue-as-new.
  world = await startWorld({ maxHistoryEvents: 20, windows: { FOLLOW_UP_WINDOW: '1h', DEDUP_WINDOW: '6s' } });
});
afterAll(() => world?.stop());

test('continue-as-new keeps state and de-duplication; the workflow completes after DEDUP_WINDOW', async () => {
  const webinar = world.emulator.addWebinar();
  const { registrant, event: created } = world.emulator.register(webinar.id, {
    email: 'ada@example.com',
    first_name: 'Ada',
    status: 'pending',
  });
  const workflowId = registrantWorkflowId(zoomWebinar(webinar.id), registrant.id);
  await world.deliver(created);
  await callbacksAbout(world, registrant.id, 1);
  const firstRunId = (await world.client.workflow.getHandle(workflowId).describe()).runId;

  const later = [world.emulator.approve(webinar.id, registrant.id), world.emulator.deny(webinar.id, registrant.id)];
  later.push(world.emulator.approve(webinar.id, registrant.id));
  for (const [i, body] of later.entries()) {
    await world.deliver(body);
    await callbacksAbout(world, registrant.id, i + 2);
  }
  const first = await world.client.workflow.getHandle(workflowId, firstRunId).describe();
  expect(first.status.name).toBe('CONTINUED_AS_NEW' satisfies WorkflowExecutionStatusName);

  // A redelivery of the very first event reaches the new run, which still knows it.
  await world.deliver(created);
  await eventually(async () =>
    (await world.state(webinar.id, registrant.id)).duplicates_ignored === 1 ? true : undefined,
  );
  await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, registrant.id));
  await callbacksAbout(world, registrant.id, 5);

  const final: RegistrantView = await world.client.workflow.getHandle(workflowId).result();
  expect(final).toMatchObject({
    state: 'self_cancelled',
    cancelled_by: 'registrant',
    duplicates_ignored: 1,
    settling: false,
  });
  expect(final.callbacks.map((c) => c.type)).toEqual([
    'registrant.created',
    'registrant.approved',
    'registrant.denied',
    'registrant.approved',
    'registrant.cancelled',
  ]);
  expect(world.app.deliveries.filter((d) => d.callback.data.registrant.id === registrant.id)).toHaveLength(5);
  const description = await world.client.workflow.getHandle(workflowId).describe();
  expect(description.status.name).toBe('COMPLETED' satisfies WorkflowExecutionStatusName);
  expect(description.searchAttributes).toMatchObject({
    RegistrationState: ['self_cancelled'],
    CancelledBy: ['registrant'],
  });
});

test('a malformed hand-made signal is ignored, and the workflow carries on', async () => {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
  await world.client.workflow.signalWithStart('registrantWorkflow', {
    workflowId: registrantWorkflowId(zoomWebinar(webinar.id), person.id),
    taskQueue: world.taskQueue,
    args: [{ zoomEvent: zoomWebinar(webinar.id), registrantId: person.id }],
    signal: registrationEventSignal,
    signalArgs: [{ kind: 'cancelled', eventTs: 'yesterday' } as unknown as RegistrationEvent],
  });
  await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, person.id));
  const [cancelled] = await callbacksAbout(world, person.id, 1);
  expect(cancelled).toMatchObject({ type: 'registrant.cancelled', data: { cancelled_by: 'registrant' } });
  expect(await world.state(webinar.id, person.id)).toMatchObject({ state: 'self_cancelled', duplicates_ignored: 0 });
});
