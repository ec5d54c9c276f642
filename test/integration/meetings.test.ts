// Meeting registrants take the webinar registrants' paths: Zoom's meeting.registration_* webhooks, the lookup and
// writes under /meetings, callbacks naming meeting_id, the app's API under /api/v1/meetings, and the Web UI's
// ZoomMeetingId filter; on the real dev server, worker and activities, with the emulator's meetings.
import { zoomMeeting } from '../../src/domain/zoom-event';
import { registrantWorkflowId } from '../../src/workflows/registrant/names';
import { stateQuery } from '../../src/workflows/registrant/messages';
import { RECONCILIATION_WORKFLOW_TYPE } from '../../src/workflows/reconciliation/messages';
import type { reconciliationWorkflow } from '../../src/workflows/reconciliation/workflow';
import { registrationEventName } from '../../tools/sandbox/webhooks';
import { eventually } from '../../tools/eventually';
import { runScript } from '../helpers/run-script';
import { callApi, callbacksAbout, settled, startWorld, temporalAddress, type World } from '../helpers/world';

let world: World;
beforeAll(async () => {
  world = await startWorld({
    windows: {
      FOLLOW_UP_WINDOW: '2s',
      LOOKUP_TIMEOUT: '1m',
      DEDUP_WINDOW: '1h',
      RECONCILE_GRACE: '1s',
      // Only a self-cancel Zoom leaves denied (selfCancelMode deny, one test below) is touched by it.
      RESTORE_REREGISTRATION: 'true',
    },
  });
});
afterAll(() => world?.stop());

function seed(email = 'ada@example.com') {
  const meeting = world.emulator.addMeeting();
  const person = world.emulator.addRegistrant(meeting.id, { email, first_name: 'Ada', last_name: 'L' });
  return { meetingId: meeting.id, registrantId: person.id };
}

test("a meeting registrant's own cancellation: registrant.cancelled naming meeting_id, looked up under /meetings", async () => {
  const { meetingId, registrantId } = seed();
  const body = world.emulator.cancelAsRegistrant(meetingId, registrantId);
  expect(body).toMatchObject({
    event: registrationEventName('cancelled', 'meeting'),
    payload: { object: { type: 2 } },
  });
  expect(await world.deliver(body)).toMatchObject({ status: 200, body: { status: 'accepted' } });

  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: {
      meeting_id: meetingId,
      cancelled_by: 'registrant',
      can_reregister: true,
      evidence: { lookup: 'not_found' },
    },
  });
  expect(cancelled?.data).not.toHaveProperty('webinar_id');
  expect(world.emulator.countRequests('GET', `/v2/meetings/${meetingId}/registrants/${registrantId}`)).toBe(1);
  expect(await settled(world, meetingId, registrantId)).toMatchObject({
    meeting_id: meetingId,
    state: 'self_cancelled',
  });

  // Operators filter meetings in the Web UI by ZoomMeetingId.
  const workflowId = registrantWorkflowId(zoomMeeting(meetingId), registrantId);
  const { searchAttributes } = await world.client.workflow.getHandle(workflowId).describe();
  expect(searchAttributes).toMatchObject({ ZoomMeetingId: [meetingId] });
});

test("a host's cancellation of a meeting registrant, with the meeting id sent as a string: admin_cancelled", async () => {
  const { meetingId, registrantId } = seed('grace@example.com');
  const body = world.emulator.cancelAsAdmin(meetingId, registrantId);
  body.payload.object.id = String(meetingId) as unknown as number;
  await world.deliver(body);
  const [cancelled] = await callbacksAbout(world, registrantId, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: { meeting_id: meetingId, cancelled_by: 'admin', can_reregister: false, evidence: { lookup: 'denied' } },
  });
});

test('the app cancels a meeting registrant through /api/v1/meetings: Zoom is asked under /meetings, read back, told', async () => {
  const { meetingId, registrantId } = seed('hedy@example.com');
  await world.deliver(world.emulator.announce(meetingId, registrantId));
  await callbacksAbout(world, registrantId, 1);

  const answer = await callApi(
    world,
    'POST',
    `/api/v1/meetings/${meetingId}/registrants/${registrantId}/cancellations`,
    {
      body: { by: 'registrant' },
      headers: { prefer: 'wait=30' },
    },
  );
  expect(answer).toMatchObject({ status: 200, body: { cancelled_by: 'registrant', can_reregister: true } });
  expect(world.emulator.countRequests('DELETE', `/v2/meetings/${meetingId}/registrants/${registrantId}`)).toBe(1);
  expect(world.emulator.registrant(meetingId, registrantId)).toBeUndefined();

  const read = await callApi(world, 'GET', `/api/v1/meetings/${meetingId}/registrants/${registrantId}`);
  expect(read).toMatchObject({ status: 200, body: { meeting_id: meetingId, state: 'self_cancelled' } });
  const listed = await eventually(
    async () => {
      const page = await callApi(world, 'GET', `/api/v1/meetings/${meetingId}/registrants?state=self_cancelled`);
      const registrants = (page.body as { registrants: Array<{ registrant_id: string }> }).registrants;
      return registrants.length > 0 ? registrants : undefined;
    },
    { what: 'the meeting registrant listed' },
  );
  expect(listed).toEqual([expect.objectContaining({ meeting_id: meetingId, registrant_id: registrantId })]);
});

test('a meeting Zoom does not know: the API answers meeting_not_found; the lookup ends in needs_review naming it', async () => {
  const answer = await callApi(world, 'POST', '/api/v1/meetings/12345678901/registrants/abcDEF123/cancellations', {
    body: { by: 'admin' },
    headers: { prefer: 'wait=30' },
  });
  expect(answer).toMatchObject({ status: 404, body: { error: { code: 'meeting_not_found' } } });

  const { meetingId, registrantId } = seed('lin@example.com');
  world.emulator.scriptLookup(meetingId, registrantId, [{ respond: 'webinar_not_found' }]);
  await world.deliver(world.emulator.cancelAsAdmin(meetingId, registrantId));
  const [review] = await callbacksAbout(world, registrantId, 1);
  expect(review).toMatchObject({
    type: 'registrant.needs_review',
    data: { meeting_id: meetingId, evidence: { lookup: 'meeting_not_found' } },
  });
});

test('operators name a meeting as meeting:<id>: needs-review lists its case, resolve settles it', async () => {
  const { meetingId, registrantId } = seed('mo@example.com');
  world.emulator.scriptLookup(meetingId, registrantId, [{ respond: 'webinar_not_found' }]);
  await world.deliver(world.emulator.cancelAsAdmin(meetingId, registrantId));
  await callbacksAbout(world, registrantId, 1);
  const ops = (...args: string[]) =>
    runScript('src/bin/ops.ts', args, { TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_TASK_QUEUE: world.taskQueue });

  const listed = await eventually(
    async () => {
      const result = await ops('needs-review', `meeting:${meetingId}`);
      return result.stdout.includes(registrantId) ? result : undefined;
    },
    { what: 'the meeting case listed' },
  );
  expect(listed.stdout).toContain(`1 registrant(s) of meeting ${meetingId} in state needs_review`);
  const resolved = await ops('resolve', `meeting:${meetingId}`, registrantId, 'admin');
  expect(resolved).toMatchObject({ code: 0, stdout: expect.stringContaining('resolved: admin_cancelled') });
  const [, cancelled] = await callbacksAbout(world, registrantId, 2);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: { meeting_id: meetingId, cancelled_by: 'admin' },
  });
});

test("a meeting registrant's cancellation Zoom never delivered is found by the sweep, under /meetings", async () => {
  const { meetingId, registrantId } = seed('nia@example.com');
  await world.deliver(world.emulator.announce(meetingId, registrantId));
  await callbacksAbout(world, registrantId, 1);
  // The webhook is built but never delivered: Zoom gave up on it.
  world.emulator.cancelAsRegistrant(meetingId, registrantId);
  await new Promise((resolve) => setTimeout(resolve, 1_200));

  const report = await world.client.workflow.execute<typeof reconciliationWorkflow>(RECONCILIATION_WORKFLOW_TYPE, {
    workflowId: `test-sweep-${Math.random().toString(36).slice(2)}`,
    taskQueue: world.taskQueue,
    args: [{ zoomEvents: [zoomMeeting(meetingId)] }],
  });
  expect(report.webinars).toEqual([expect.objectContaining({ meeting_id: meetingId, missed_cancellation: 1 })]);
  expect(world.emulator.countRequests('GET', `/v2/meetings/${meetingId}/registrants`)).toBe(3);
  const [, cancelled] = await callbacksAbout(world, registrantId, 2);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: { meeting_id: meetingId, cancelled_by: 'registrant', evidence: { source: 'reconciliation' } },
  });
});

test('a meeting converted to a webinar between two events: the same registrant story goes on, as a webinar', async () => {
  const { meetingId: id, registrantId } = seed('ola@example.com');
  await world.deliver(world.emulator.announce(id, registrantId));
  const [created] = await callbacksAbout(world, registrantId, 1);
  expect(created).toMatchObject({ type: 'registrant.created', data: { meeting_id: id } });

  world.emulator.convert(id, 'webinar');
  const cancel = world.emulator.cancelAsRegistrant(id, registrantId);
  expect(cancel.event).toBe(registrationEventName('cancelled', 'webinar'));
  await world.deliver(cancel);
  const [, cancelled] = await callbacksAbout(world, registrantId, 2);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: { webinar_id: id, cancelled_by: 'registrant' },
  });
  // Asked where Zoom now keeps it; one workflow all along, listed under its new kind.
  expect(world.emulator.countRequests('GET', `/v2/webinars/${id}/registrants/${registrantId}`)).toBe(1);
  const handle = world.client.workflow.getHandle(registrantWorkflowId(zoomMeeting(id), registrantId));
  expect(await handle.query(stateQuery)).toMatchObject({ webinar_id: id, state: 'self_cancelled' });
  const { searchAttributes } = await handle.describe();
  expect(searchAttributes).toMatchObject({ ZoomWebinarId: [id] });
  expect(searchAttributes).not.toHaveProperty('ZoomMeetingId');
});

test('RESTORE_REREGISTRATION for a meeting: the denied record a self-cancel left is deleted under /meetings; its echo absorbed', async () => {
  await world.emulator.configure({ selfCancelMode: 'deny' });
  try {
    const { meetingId, registrantId } = seed('pia@example.com');
    await world.deliver(world.emulator.announce(meetingId, registrantId));
    await callbacksAbout(world, registrantId, 1);
    const selfCancel = world.emulator.cancelAsRegistrant(meetingId, registrantId);
    // Zoom's echo of our DELETE, built while the denied record still exists.
    const echo = world.emulator.buildEvent('cancelled', meetingId, registrantId);
    await world.deliver(selfCancel);

    const [, cancelled] = await callbacksAbout(world, registrantId, 2);
    expect(cancelled).toMatchObject({
      type: 'registrant.cancelled',
      data: {
        meeting_id: meetingId,
        cancelled_by: 'registrant',
        can_reregister: true,
        evidence: { lookup: 'denied', reregistration_restored: true },
      },
    });
    expect(world.emulator.countRequests('DELETE', `/v2/meetings/${meetingId}/registrants/${registrantId}`)).toBe(1);
    expect(world.emulator.registrant(meetingId, registrantId)).toBeUndefined();
    echo.event_ts = Date.now();
    await world.deliver(echo);
    await eventually(async () => (await world.state(meetingId, registrantId)).echoes_absorbed === 1, {
      what: 'the echo absorbed',
    });
    expect(world.app.typesAbout(registrantId)).toEqual(['registrant.created', 'registrant.cancelled']);
  } finally {
    await world.emulator.configure({ selfCancelMode: 'remove' });
  }
});

test("a meeting event whose object is a webinar's is kept for an operator, never started", async () => {
  const { meetingId, registrantId } = seed('kim@example.com');
  const body = world.emulator.cancelAsAdmin(meetingId, registrantId);
  body.payload.object.type = 5;
  const answer = await world.deliver(body);
  expect(answer).toMatchObject({
    status: 200,
    body: { status: 'kept_unreadable', reason: expect.stringContaining("object.type 5 is not a meeting's") },
  });
  expect(world.app.typesAbout(registrantId)).toEqual([]);
});
