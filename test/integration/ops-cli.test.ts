// The operators' CLI (`npm run ops -- ...`) as a real child process against the dev server: list needs_review,
// show, resolve reaching registrant.cancelled, re-driving a callback the app did not accept in time, a sweep now,
// the sweep's schedule, and the unreadable events kept for operators.
import { eventually } from '../../tools/eventually';
import { runScript } from '../helpers/run-script';
import { patchStandings } from '../../src/temporal/workflow-patches';
import { keepUnreadableEvent } from '../../src/temporal/unreadable-events';
import { registrantWorkflowId } from '../../src/workflows/registrant/names';
import { zoomWebinar } from '../../src/domain/zoom-event';
import { callbacksAbout, startWorld, temporalAddress, type World } from '../helpers/world';

let world: World;

beforeAll(async () => {
  world = await startWorld({
    windows: {
      FOLLOW_UP_WINDOW: '2s',
      LOOKUP_TIMEOUT: '20s',
      DEDUP_WINDOW: '1h',
      CALLBACK_RETRY_WINDOW: '3s',
      RECONCILE_GRACE: '1s',
    },
  });
});
afterAll(() => world?.stop());

/** ops on the world's own task queue, as its workers see it. */
const ops = (...args: string[]) =>
  runScript('src/bin/ops.ts', args, { TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_TASK_QUEUE: world.taskQueue });

test('needs-review lists the case, show prints its evidence, resolve settles it and the app hears it', async () => {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
  // Zoom no longer knows the webinar: the evidence cannot settle who cancelled.
  world.emulator.scriptLookup(webinar.id, person.id, [{ respond: 'webinar_not_found' }]);
  await world.deliver(world.emulator.cancelAsAdmin(webinar.id, person.id));
  await callbacksAbout(world, person.id, 1);

  const listed = await eventually(
    async () => {
      const result = await ops('needs-review', webinar.id);
      return result.stdout.includes(person.id) ? result : undefined;
    },
    { what: 'the case listed' },
  );
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain(`1 registrant(s) of webinar ${webinar.id} in state needs_review`);

  const shown = await ops('show', webinar.id, person.id);
  expect(shown.code).toBe(0);
  expect(JSON.parse(shown.stdout)).toMatchObject({
    state: 'needs_review',
    needs_review_reason: 'Zoom does not know the webinar (deleted or expired)',
    evidence: { lookup: 'webinar_not_found', operator: 'admin' },
  });

  const resolved = await ops('resolve', webinar.id, person.id, 'admin');
  expect(resolved).toMatchObject({ code: 0 });
  expect(resolved.stdout).toContain('resolved: admin_cancelled (cancelled_by admin)');

  const [, cancelled] = await callbacksAbout(world, person.id, 2);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    // Zoom had lost the webinar: no lookup saw her record, so the outcome claims no status.
    data: {
      cancelled_by: 'admin',
      zoom_status: 'unknown',
      evidence: { lookup: 'webinar_not_found', resolved_by_operator: true },
    },
  });

  // Nothing left to resolve: the CLI says so and exits non-zero.
  const again = await ops('resolve', webinar.id, person.id, 'registrant');
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('is admin_cancelled, not needs_review');
});

test('a callback the app refused for CALLBACK_RETRY_WINDOW waits; redrive delivers it', async () => {
  const webinar = world.emulator.addWebinar();
  const { registrant, event } = world.emulator.register(webinar.id, { email: 'grace@example.com', first_name: 'G' });
  world.app.failNext = 1_000_000;
  let view;
  try {
    await world.deliver(event);
    view = await eventually(
      async () => {
        const state = await world.state(webinar.id, registrant.id);
        return state.failed_callbacks.length > 0 ? state : undefined;
      },
      { what: 'the callback given up on' },
    );
    expect(view.failed_callbacks).toEqual([
      { webhook_id: expect.stringMatching(/_created$/), type: 'registrant.created', error: expect.any(String) },
    ]);

    // Re-driven while the app still refuses: retried for CALLBACK_RETRY_WINDOW, then the update says so.
    const stillRefused = await ops('redrive', webinar.id, registrant.id);
    expect(stillRefused.code).toBe(1);
    expect(stillRefused.stdout).toMatch(
      /re-driving registrant\.created \(.*_created\): refused again: the app answered HTTP 500/,
    );
    expect(stillRefused.stderr).toContain('ops: 1 of 1 refused again: fix the app, then redrive again');
  } finally {
    world.app.failNext = 0;
  }

  const redriven = await ops('redrive', webinar.id, registrant.id);
  expect(redriven.code).toBe(0);
  // Each callback said once, then what it came to (not "delivered" a second time).
  expect(redriven.stdout.trim().split('\n')).toEqual([
    `re-driving registrant.created (${view.failed_callbacks[0]?.webhook_id}): delivered`,
    'the app accepted it',
  ]);
  expect(world.app.typesAbout(registrant.id)).toEqual(['registrant.created']);
  expect((await world.state(webinar.id, registrant.id)).failed_callbacks).toEqual([]);

  const nothing = await ops('redrive', webinar.id, registrant.id);
  expect(nothing).toMatchObject({ code: 1, stderr: expect.stringContaining('no failed callback') });
});

test('unreadable: lists the kept events, shows one, ingests what now reads and dismisses what does not', async () => {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, { email: 'kat@example.com', first_name: 'Kat' });
  const cancel = world.emulator.cancelAsAdmin(webinar.id, person.id) as {
    payload: { object: Record<string, unknown> };
  };
  const unreadable = structuredClone(cancel);
  delete unreadable.payload.object.registrant;
  const kept = (await world.deliver(unreadable)).body as { workflow_id: string };
  // As if a gateway of an older version had refused a body this one reads: kept, and readable now.
  const readable = await keepUnreadableEvent(world.client, world.taskQueue, {
    event: 'webinar.registration_cancelled',
    reason: 'an older schema refused it',
    body: JSON.stringify(cancel),
    received_at: new Date().toISOString(),
    correlation_id: 'ops-test',
  });

  const listed = await ops('unreadable');
  expect(listed.code).toBe(0);
  expect(listed.stdout).toContain(kept.workflow_id);
  expect(listed.stdout).toContain(readable);

  const shown = await ops('unreadable', 'show', kept.workflow_id);
  expect(JSON.parse(shown.stdout)).toMatchObject({
    event: 'webinar.registration_cancelled',
    reason: 'webinar.registration_cancelled payload.object.registrant: is required',
    settled: null,
  });

  const stillUnreadable = await ops('unreadable', 'ingest', kept.workflow_id);
  expect(stillUnreadable.code).toBe(1);
  expect(stillUnreadable.stderr).toContain(
    'still unreadable: webinar.registration_cancelled payload.object.registrant',
  );
  const dismissed = await ops('unreadable', 'dismiss', kept.workflow_id, '--note', 'sent by hand, no registrant');
  expect(dismissed).toMatchObject({
    code: 0,
    stdout: expect.stringContaining('dismissed: sent by hand, no registrant'),
  });

  const ingested = await ops('unreadable', 'ingest', readable);
  expect(ingested.code).toBe(0);
  expect(ingested.stdout).toContain(`ingested: handed to ${registrantWorkflowId(zoomWebinar(webinar.id), person.id)}`);
  await callbacksAbout(world, person.id, 1);
  expect(await world.state(webinar.id, person.id)).toMatchObject({ state: 'admin_cancelled' });

  // Settled ones leave the list; a second settlement is refused with what was done.
  const after = await ops('unreadable', 'list');
  expect(after.stdout).not.toContain(kept.workflow_id);
  expect(after.stdout).not.toContain(readable);
  const again = await ops('unreadable', 'dismiss', readable, '--note', 'twice');
  expect(again.code).toBe(1);
  expect(again.stderr).toContain(`already ingested: handed to`);
});

test('bad arguments: usage and exit code 2', async () => {
  const result = await ops('resolve', '81234567890', 'abc', 'someone');
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('who cancelled must be registrant or admin');
  expect(result.stderr).toContain('usage: npm run ops -- <command>');

  const unknown = await ops('frobnicate');
  expect(unknown).toMatchObject({ code: 2, stdout: '' });
  expect(unknown.stderr).toMatch(/^ops: unknown command "frobnicate"\n\nusage: npm run ops -- <command>/);
});

test.each(['help', '--help', '-h', 'resolve --help'])(
  'asked for (ops %s), the usage goes to stdout with exit code 0',
  async (asked) => {
    // Without a Temporal to reach: the usage needs none.
    const result = await runScript('src/bin/ops.ts', asked.split(' '), { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^usage: npm run ops -- <command>\n/);
    expect(result.stdout).toContain('redrive <webinarId> <registrantId>');
  },
);

test('reconcile sweeps one webinar now and prints what it found; schedule keeps, shows, pauses and resumes', async () => {
  const webinar = world.emulator.addWebinar();
  const stays = world.emulator.register(webinar.id, { email: 'ida@example.com', first_name: 'Ida' });
  await world.deliver(stays.event);
  const { registrant, event } = world.emulator.register(webinar.id, { email: 'hal@example.com', first_name: 'Hal' });
  await world.deliver(event);
  await callbacksAbout(world, stays.registrant.id, 1);
  await callbacksAbout(world, registrant.id, 1);
  // Zoom never tells us Hal cancelled (the webhook is not delivered); the sweep counts it after RECONCILE_GRACE (1 s).
  world.emulator.cancelAsRegistrant(webinar.id, registrant.id);
  await new Promise((resolve) => setTimeout(resolve, 1_200));

  const swept = await sweepOps('reconcile', webinar.id);
  expect(swept.code).toBe(0);
  // Ida is listed; Hal, whom we hold as registered, is in no listing: the line counts both, and adds up.
  expect(swept.stdout).toContain(
    `webinar ${webinar.id}: 2 registrants, 1 listed by Zoom and 1 in none of its listings; 1 agreeing, ` +
      '1 missed cancellation (4 Zoom calls)',
  );
  await callbacksAbout(world, registrant.id, 2);

  const kept = await sweepOps('schedule');
  expect(kept.stdout).toContain("kept from this shell's RECONCILE_INTERVAL (1 hour)");
  expect(kept.stdout).toContain(`schedule zoom-reconciliation/${world.taskQueue}: a sweep every 1 hour; next at`);
  // Without RECONCILE_INTERVAL in the shell, its default would replace what the workers set: nothing changes.
  const unset = await ops('schedule');
  expect(unset.stdout).toContain('RECONCILE_INTERVAL is not set in this shell: nothing changed');
  expect(unset.stdout).toContain('a sweep every 1 hour');
  expect((await sweepOps('schedule', 'pause')).stdout).toContain('paused (paused by an operator');
  // Kept again from the configuration: the operator's pause stands.
  expect((await sweepOps('schedule')).stdout).toContain('paused (paused by an operator');
  expect((await sweepOps('schedule', 'resume')).stdout).toMatch(/a sweep every 1 hour; next at/);
  await world.client.schedule.getHandle(`zoom-reconciliation/${world.taskQueue}`).delete();
  expect((await sweepOps('schedule', 'show')).stdout).toContain('none (RECONCILE_INTERVAL is off)');

  const wrong = await sweepOps('schedule', 'stop');
  expect(wrong).toMatchObject({ code: 2, stderr: expect.stringContaining('schedule takes show, pause or resume') });
});

/** ops with a sweep interval of its own. */
const sweepOps = (...args: string[]) =>
  runScript('src/bin/ops.ts', args, {
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_TASK_QUEUE: world.taskQueue,
    RECONCILE_INTERVAL: '1h',
  });

test("patches: none before 1.0; a patch's standing counts the open runs that started before it", async () => {
  const none = await ops('patches');
  expect(none).toMatchObject({ code: 0, stdout: expect.stringContaining('no patches') });

  const webinar = world.emulator.addWebinar();
  const { registrant, event } = world.emulator.register(webinar.id, { email: 'ivy@example.com', first_name: 'Ivy' });
  await world.deliver(event);
  await callbacksAbout(world, registrant.id, 1);
  // Ivy's run stays open (DEDUP_WINDOW is an hour): a patch deployed after it started must wait for it.
  const later = new Date(Date.now() + 60_000).toISOString();
  const [deployedLater, deployedLongAgo, deprecatedLongAgo] = await patchStandings(world.client, [
    { id: 'after-ivy', change: 'deployed after Ivy started', deployed: later },
    { id: 'before-all', change: 'deployed before any run', deployed: '2000-01-01T00:00:00Z' },
    { id: 'gone', change: 'deprecated long ago', deployed: '1999-01-01T00:00:00Z', deprecated: '2000-01-01T00:00:00Z' },
  ]);
  expect(deployedLater).toMatchObject({ olderOpenRuns: expect.any(Number), next: expect.stringMatching(/^keep it/) });
  expect(deployedLater?.olderOpenRuns).toBeGreaterThanOrEqual(1);
  expect(deployedLongAgo).toMatchObject({ olderOpenRuns: 0, next: expect.stringContaining('deprecatePatch()') });
  expect(deprecatedLongAgo).toMatchObject({ olderOpenRuns: 0, next: expect.stringMatching(/^remove/) });
});
