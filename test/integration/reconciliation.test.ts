// The reconciliation sweep catches what Zoom never delivered: the emulator loses webhooks as Zoom does when it gives
// up, and a sweep (the real workflow, on the real worker, reading the emulator's real listings) hands each missed
// event to its registrant's workflow, which settles it and tells the app exactly once, even when the webhook still
// arrives later.
import { ScheduleNotFoundError } from '@temporalio/client';
import type { AppCallback } from '../../src/domain/callbacks';
import { FINDINGS } from '../../src/domain/reconciliation';
import { zoomWebinar } from '../../src/domain/zoom-event';
import {
  PAUSED_BY_CONFIGURATION,
  describeReconciliationSchedule,
  ensureReconciliationSchedule,
} from '../../src/temporal/reconciliation-schedule';
import {
  RECONCILIATION_WORKFLOW_TYPE,
  reconciliationScheduleId,
  type SweepReport,
  type ZoomEventFindings,
} from '../../src/workflows/reconciliation/messages';
import type { reconciliationWorkflow } from '../../src/workflows/reconciliation/workflow';
import { peakPerSecond } from '../../tools/sandbox/rate-limits';
import type { ZoomWebhookBody } from '../../tools/sandbox/emulator';
import { eventually } from '../../tools/eventually';
import { WEBHOOK_SECRET, callApi, callbacksAbout, startWorld, type World } from '../helpers/world';

let world: World;
beforeAll(async () => {
  world = await startWorld({
    windows: {
      FOLLOW_UP_WINDOW: '2s',
      LOOKUP_TIMEOUT: '1m',
      DEDUP_WINDOW: '1h',
      RECONCILE_GRACE: '1s',
      // The scheduled sweep below reads every webinar of this file: quickly (a whole Pro account's Medium, half of
      // it for the sweep).
      ZOOM_MEDIUM_RATE_LIMIT: '20',
      ZOOM_RECONCILE_RATE_LIMIT: '10',
    },
  });
  // The emulator delivers its webhooks to the gateway, as Zoom does (and loses those it is told to).
  await world.emulator.configure({ webhookUrl: world.webhookUrl, webhookSecret: WEBHOOK_SECRET });
});
afterAll(() => world?.stop());

/** One sweep of these webinars, as `npm run ops -- reconcile` starts it; its report. */
async function sweep(w: World, ...webinars: string[]): Promise<SweepReport> {
  return w.client.workflow.execute<typeof reconciliationWorkflow>(RECONCILIATION_WORKFLOW_TYPE, {
    workflowId: `test-sweep-${Math.random().toString(36).slice(2)}`,
    taskQueue: w.taskQueue,
    args: [{ zoomEvents: webinars.map(zoomWebinar) }],
  });
}

function findingsOf(report: SweepReport, webinarId: string): ZoomEventFindings {
  const findings = report.webinars.find((f) => f.webinar_id === webinarId);
  if (!findings) throw new Error(`no findings for webinar ${webinarId}`);
  return findings;
}

/** Someone registers through Zoom's page, and the app is told (the webhook came). */
async function registered(w: World, webinarId: string, email: string, status: 'approved' | 'pending' = 'approved') {
  const { registrant } = w.emulator.register(webinarId, { email, first_name: email.split('@')[0] ?? 'X', status });
  await callbacksAbout(w, registrant.id, 1);
  return registrant.id;
}

/** Zoom loses the webhook of what `act` does; returns the lost delivery's id, so that it can still come later. */
function lost(w: World, act: () => ZoomWebhookBody): number {
  w.emulator.dropWebhooks({ next: 1 });
  const event = act();
  const delivery = w.emulator.deliveries.find((d) => d.event_ts === event.event_ts && d.event === event.event);
  expect(delivery?.state).toBe('dropped');
  return delivery?.id ?? -1;
}

/** Someone registers, and Zoom never delivers the webhook that says so. */
function registeredUnheard(w: World, webinarId: string, email: string, firstName: string): string {
  let id = '';
  lost(w, () => {
    const { registrant, event } = w.emulator.register(webinarId, { email, first_name: firstName });
    id = registrant.id;
    return event;
  });
  return id;
}

/** Past RECONCILE_GRACE since the last event, so that the sweep's observations are later than it. */
const pastGrace = () => new Promise((resolve) => setTimeout(resolve, 1_200));

const cancellations = (w: World, registrantId: string): AppCallback[] =>
  w.app.about(registrantId).filter((c) => c.type === 'registrant.cancelled');

test('a self-cancel Zoom never delivered is settled by the sweep and told once, also when the webhook comes later', async () => {
  const webinar = world.emulator.addWebinar();
  const ada = await registered(world, webinar.id, 'ada@example.com');
  const other = await registered(world, webinar.id, 'other@example.com');
  const dropped = lost(world, () => world.emulator.cancelAsRegistrant(webinar.id, ada));
  await pastGrace();

  const report = await sweep(world, webinar.id);
  expect(findingsOf(report, webinar.id)).toMatchObject({
    listed: 1,
    agreeing: 1,
    missed_cancellation: 1,
    // GET webinar, then approved, pending and denied: one page each.
    zoom_calls: 4,
    errors: [],
  });
  await eventually(() => cancellations(world, ada).length === 1, { what: "Ada's cancellation told" });
  expect(cancellations(world, ada)[0]?.data).toMatchObject({
    cancelled_by: 'registrant',
    can_reregister: true,
    zoom_status: 'removed',
    evidence: { source: 'reconciliation', lookup: 'not_found', operator: 'registrant' },
  });
  expect(world.app.typesAbout(other)).toEqual(['registrant.created']);

  // Zoom's webhook arrives after all: the same fact, passed over.
  expect(world.emulator.redeliver(dropped)).toBe(true);
  await eventually(() => world.emulator.deliveries.find((d) => d.id === dropped)?.state === 'delivered');
  await eventually(async () => (await world.state(webinar.id, ada)).duplicates_ignored === 1);
  // And the next sweep finds nothing to do (Ada, cancelled, is no longer someone Zoom should list).
  expect(findingsOf(await sweep(world, webinar.id), webinar.id)).toMatchObject({
    listed: 1,
    agreeing: 1,
    missed_cancellation: 0,
  });
  expect(cancellations(world, ada)).toHaveLength(1);
  expect(await world.state(webinar.id, ada)).toMatchObject({ state: 'self_cancelled', settling: false });
});

test("an admin's cancellation Zoom never delivered: settled as the admin's after the follow-up window, once", async () => {
  const webinar = world.emulator.addWebinar();
  const grace = await registered(world, webinar.id, 'grace@example.com');
  const dropped = lost(world, () => world.emulator.cancelAsAdmin(webinar.id, grace));
  await pastGrace();

  expect(findingsOf(await sweep(world, webinar.id), webinar.id)).toMatchObject({
    listed: 1,
    missed_cancellation: 1,
  });
  await eventually(() => cancellations(world, grace).length === 1, { what: "Grace's cancellation told" });
  expect(cancellations(world, grace)[0]?.data).toMatchObject({
    cancelled_by: 'admin',
    can_reregister: false,
    zoom_status: 'denied',
    evidence: { source: 'reconciliation', lookup: 'denied', operator: 'admin' },
  });

  world.emulator.redeliver(dropped);
  await eventually(async () => (await world.state(webinar.id, grace)).duplicates_ignored === 1);
  expect(cancellations(world, grace)).toHaveLength(1);
  expect(await world.state(webinar.id, grace)).toMatchObject({ state: 'admin_cancelled', cancelled_by: 'admin' });
});

test('missed registration, denial and approval reach their workflows; registrations older than we could know stay untracked', async () => {
  const webinar = world.emulator.addWebinar();
  const joan = await registered(world, webinar.id, 'joan@example.com', 'pending');
  const mae = await registered(world, webinar.id, 'mae@example.com', 'pending');
  lost(world, () => world.emulator.deny(webinar.id, joan));
  lost(world, () => world.emulator.approve(webinar.id, mae));
  const lin = registeredUnheard(world, webinar.id, 'lin@example.com', 'Lin');
  // Registered years ago, before anything we keep: their workflow may simply have been forgotten.
  const old = world.emulator.addRegistrant(webinar.id, {
    email: 'old@example.com',
    first_name: 'Old',
    createTime: '2020-01-01T00:00:00Z',
  });
  await pastGrace();

  expect(findingsOf(await sweep(world, webinar.id), webinar.id)).toMatchObject({
    listed: 4,
    missed_registration: 1,
    missed_denial: 1,
    missed_approval: 1,
    untracked: 1,
    agreeing: 0,
  });
  await eventually(() => world.app.typesAbout(lin).includes('registrant.created'), { what: "Lin's registration" });
  await eventually(() => world.app.typesAbout(joan).includes('registrant.denied'), { what: "Joan's denial" });
  await eventually(() => world.app.typesAbout(mae).includes('registrant.approved'), { what: "Mae's approval" });
  expect(await world.state(webinar.id, lin)).toMatchObject({
    state: 'approved',
    registrant: { email: 'lin@example.com', first_name: 'Lin' },
  });
  expect((await world.state(webinar.id, joan)).state).toBe('denied');
  expect((await world.state(webinar.id, mae)).state).toBe('approved');
  await expect(world.state(webinar.id, old.id)).rejects.toThrow();
});

test('where the host approves registrants, a registration and approval Zoom never delivered are both told, in order', async () => {
  const webinar = world.emulator.addWebinar({ approvalType: 1 });
  const automatic = world.emulator.addWebinar({ approvalType: 0 });
  const ida = registeredUnheard(world, webinar.id, 'ida@example.com', 'Ida');
  lost(world, () => world.emulator.approve(webinar.id, ida));
  // Registered and still waiting for the host: only the registration was missed.
  const eva = registeredUnheard(world, webinar.id, 'eva@example.com', 'Eva');
  // Approved at once where the host lets everyone in: Zoom sends the registration alone.
  const ola = registeredUnheard(world, automatic.id, 'ola@example.com', 'Ola');
  await pastGrace();

  const report = await sweep(world, webinar.id, automatic.id);
  expect(findingsOf(report, webinar.id)).toMatchObject({ listed: 2, missed_registration: 2, errors: [] });
  expect(findingsOf(report, automatic.id)).toMatchObject({ listed: 1, missed_registration: 1, errors: [] });
  await eventually(() => world.app.typesAbout(ida).length === 2, { what: "Ida's registration and approval" });
  expect(world.app.typesAbout(ida)).toEqual(['registrant.created', 'registrant.approved']);
  expect(await world.state(webinar.id, ida)).toMatchObject({ state: 'approved' });
  await eventually(() => world.app.typesAbout(eva).length === 1, { what: "Eva's registration" });
  expect(await world.state(webinar.id, eva)).toMatchObject({ state: 'pending' });
  await eventually(() => world.app.typesAbout(ola).length === 1, { what: "Ola's registration" });
  expect(await world.state(automatic.id, ola)).toMatchObject({ state: 'approved' });

  // The next sweep finds all three as Zoom lists them, and tells nobody anything more.
  expect(findingsOf(await sweep(world, webinar.id), webinar.id)).toMatchObject({ listed: 2, agreeing: 2 });
  expect(world.app.typesAbout(ida)).toEqual(['registrant.created', 'registrant.approved']);
  expect(world.app.typesAbout(eva)).toEqual(['registrant.created']);
  expect(world.app.typesAbout(ola)).toEqual(['registrant.created']);
});

test('where the host approves, the late webhooks of a registration and approval the sweep told are passed over, whether they happened before it looked or since', async () => {
  const webinar = world.emulator.addWebinar({ approvalType: 1 });
  /** Someone registers and is approved, and Zoom delivers neither webhook (yet). */
  const approvedUnheard = (email: string) => {
    let id = '';
    const deliveries = [
      lost(world, () => {
        const { registrant, event } = world.emulator.register(webinar.id, { email, first_name: 'X' });
        id = registrant.id;
        return event;
      }),
      lost(world, () => world.emulator.approve(webinar.id, id)),
    ];
    return { id, deliveries };
  };
  const before = approvedUnheard('before@example.com');
  await pastGrace();
  // Within RECONCILE_GRACE of the sweep: its events say "by then", earlier than these two happened.
  const since = approvedUnheard('since@example.com');
  const sinceRegisteredAt = world.emulator.deliveries.find((d) => d.id === since.deliveries[0])?.event_ts ?? 0;

  expect(findingsOf(await sweep(world, webinar.id), webinar.id)).toMatchObject({ listed: 2, missed_registration: 2 });
  const told = ['registrant.created', 'registrant.approved'];
  for (const { id } of [before, since]) {
    await eventually(() => world.app.typesAbout(id).length === 2, { what: `${id}'s registration and approval` });
  }
  expect(world.app.about(since.id)[0]?.data.event_ts).toBeLessThan(sinceRegisteredAt);

  // Zoom's webhooks arrive after all: the same two facts, each passed over.
  for (const { id, deliveries } of [before, since]) {
    for (const delivery of deliveries) expect(world.emulator.redeliver(delivery)).toBe(true);
    await eventually(async () => (await world.state(webinar.id, id)).duplicates_ignored === 2, {
      what: `${id}'s late webhooks passed over`,
    });
    expect(world.app.typesAbout(id)).toEqual(told);
    expect(await world.state(webinar.id, id)).toMatchObject({ state: 'approved' });
  }
});

test('a recurring webinar with registration per occurrence is listed occurrence by occurrence; each registrant counts once', async () => {
  const webinar = world.emulator.addWebinar({ occurrences: 2, registrationType: 3 });
  const [first, second] = webinar.occurrences.map((o) => o.occurrence_id);
  const both = await registered(world, webinar.id, 'both@example.com');
  const { registrant } = world.emulator.register(webinar.id, {
    email: 'second@example.com',
    first_name: 'Second',
    occurrenceIds: [second as string],
  });
  await callbacksAbout(world, registrant.id, 1);
  lost(world, () => world.emulator.cancelAsRegistrant(webinar.id, registrant.id));
  await pastGrace();

  expect(findingsOf(await sweep(world, webinar.id), webinar.id)).toMatchObject({
    listed: 1,
    agreeing: 1,
    missed_cancellation: 1,
    zoom_calls: 1 + 2 * 3,
  });
  const lists = world.emulator.requests.filter((r) => r.path === `/v2/webinars/${webinar.id}/registrants`);
  expect(lists.filter((r) => r.query.includes(`occurrence_id=${first}`))).toHaveLength(3);
  expect(lists.filter((r) => r.query.includes(`occurrence_id=${second}`))).toHaveLength(3);
  await eventually(() => cancellations(world, registrant.id).length === 1);
  expect(world.app.typesAbout(both)).toEqual(['registrant.created']);
});

test('one registration for every occurrence (registration_type 1): one listing for the whole series', async () => {
  const webinar = world.emulator.addWebinar({ occurrences: 3, registrationType: 1 });
  await registered(world, webinar.id, 'series@example.com');
  expect(findingsOf(await sweep(world, webinar.id), webinar.id)).toMatchObject({
    listed: 1,
    agreeing: 1,
    zoom_calls: 1 + 3,
  });
  const lists = world.emulator.requests.filter((r) => r.path === `/v2/webinars/${webinar.id}/registrants`);
  expect(lists.map((r) => r.query.includes('occurrence_id'))).toEqual([false, false, false]);
});

test('an occurrence that has ended never yields an inferred cancellation; nor does a series that has ended', async () => {
  const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
  // Per occurrence: the first has passed, so the sweep no longer lists it, and its registrant is in no listing.
  const perOccurrence = world.emulator.addWebinar({ occurrences: 2, registrationType: 2, startsAt: weekAgo });
  const [past, next] = perOccurrence.occurrences.map((o) => o.occurrence_id) as [string, string];
  const { registrant: wasThere } = world.emulator.register(perOccurrence.id, {
    email: 'was-there@example.com',
    first_name: 'Was',
    occurrenceIds: [past],
  });
  await callbacksAbout(world, wasThere.id, 1);
  const comes = await registered(world, perOccurrence.id, 'comes@example.com');
  // A one-off webinar that has ended: Zoom may stop listing its registrants.
  const over = world.emulator.addWebinar({ startsAt: weekAgo });
  const { registrant: attended } = world.emulator.register(over.id, {
    email: 'attended@example.com',
    first_name: 'At',
  });
  await callbacksAbout(world, attended.id, 1);
  over.registrants.delete(attended.id);
  await pastGrace();

  const report = await sweep(world, perOccurrence.id, over.id);
  expect(findingsOf(report, perOccurrence.id)).toMatchObject({
    listed: 1,
    agreeing: 1,
    ended: 1,
    missed_cancellation: 0,
  });
  const lists = world.emulator.requests.filter((r) => r.path === `/v2/webinars/${perOccurrence.id}/registrants`);
  expect(lists.every((r) => r.query.includes(`occurrence_id=${next}`))).toBe(true);
  expect(findingsOf(report, over.id)).toMatchObject({ listed: 0, ended: 1, missed_cancellation: 0 });
  for (const id of [wasThere.id, comes, attended.id]) expect(world.app.typesAbout(id)).toEqual(['registrant.created']);
  expect(await world.state(perOccurrence.id, wasThere.id)).toMatchObject({ state: 'approved' });
});

test('a 429 and a 5xx mid-sweep: the listing resumes at the page it failed on', async () => {
  const webinar = world.emulator.addWebinar();
  for (let i = 0; i < 700; i++) {
    world.emulator.addRegistrant(webinar.id, {
      email: `p${i}@example.com`,
      first_name: 'P',
      createTime: '2020-01-01T00:00:00Z',
    });
  }
  world.emulator.scriptListing(webinar.id, [
    { respond: 'normally' },
    { respond: 'rate_limited', retryAfter: '1' },
    { respond: 'server_error', status: 503 },
  ]);

  expect(findingsOf(await sweep(world, webinar.id), webinar.id)).toMatchObject({
    listed: 700,
    untracked: 700,
    errors: [],
  });
  const approved = world.emulator.requests
    .filter((r) => r.path === `/v2/webinars/${webinar.id}/registrants` && r.query.includes('status=approved'))
    .map((r) => ({ status: r.status, token: new URLSearchParams(r.query).get('next_page_token') }));
  // Page 1; page 2 answered 429, then 503, then read; page 3. Never page 1 again.
  expect(approved.map((r) => r.status)).toEqual([200, 429, 503, 200, 200]);
  expect(approved[0]?.token).toBeNull();
  expect(new Set(approved.slice(1, 4).map((r) => r.token)).size).toBe(1);
  expect(approved[1]?.token).not.toBeNull();
  expect(approved[4]?.token).not.toBe(approved[1]?.token);
});

test('a webinar of 7,800 registrants: 28 pages, the sweep carried across continue-as-new to its end', async () => {
  const webinar = world.emulator.addWebinar();
  for (let i = 0; i < 7_800; i++) {
    world.emulator.addRegistrant(webinar.id, {
      email: `m${i}@example.com`,
      first_name: 'M',
      createTime: '2020-01-01T00:00:00Z',
    });
  }
  const handle = await world.client.workflow.start<typeof reconciliationWorkflow>(RECONCILIATION_WORKFLOW_TYPE, {
    workflowId: `test-sweep-large-${Date.now()}`,
    taskQueue: world.taskQueue,
    args: [{ zoomEvents: [zoomWebinar(webinar.id)] }],
  });
  expect(findingsOf(await handle.result(), webinar.id)).toMatchObject({
    listed: 7_800,
    untracked: 7_800,
    // The webinar, 26 approved pages, then one pending and one denied.
    zoom_calls: 1 + 26 + 1 + 1,
    errors: [],
  });
  const first = await world.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
  expect(first.status.name).toBe('CONTINUED_AS_NEW');
});

test('a failure Zoom will not retry ends that webinar, reported, and nobody is taken for gone', async () => {
  const webinar = world.emulator.addWebinar();
  const kept = await registered(world, webinar.id, 'kept@example.com');
  world.emulator.scriptListing(webinar.id, [
    { respond: 'error', status: 400, code: 4711, message: 'Invalid access token, does not contain scopes' },
  ]);
  const report = await sweep(world, webinar.id, '99999999999');
  expect(findingsOf(report, webinar.id)).toMatchObject({ missed_cancellation: 0 });
  expect(findingsOf(report, webinar.id).errors[0]).toMatch(/4711/);
  expect(findingsOf(report, '99999999999').errors[0]).toMatch(/does not know webinar 99999999999/);
  expect(world.app.typesAbout(kept)).toEqual(['registrant.created']);
});

describe('the schedule', () => {
  const taskQueue = () => world.taskQueue;
  afterAll(async () => {
    await world.client.schedule
      .getHandle(reconciliationScheduleId(taskQueue()))
      .delete()
      .catch(() => {});
  });

  test('kept from RECONCILE_INTERVAL: it sweeps on its own, an operator pause stands, off pauses it', async () => {
    const webinar = world.emulator.addWebinar();
    const ada = await registered(world, webinar.id, 'ada-scheduled@example.com');
    lost(world, () => world.emulator.cancelAsRegistrant(webinar.id, ada));

    const state = await ensureReconciliationSchedule(world.client, { taskQueue: taskQueue(), everyMs: 2_000 });
    expect(state).toMatchObject({ kind: 'running', everyMs: 2_000 });
    // Again, as every worker does at start: the same one schedule.
    await ensureReconciliationSchedule(world.client, { taskQueue: taskQueue(), everyMs: 2_000 });
    // The scheduled sweep watches the webinars of open registrant workflows: it finds Ada gone.
    await eventually(() => cancellations(world, ada).length === 1, { timeoutMs: 30_000, what: 'a scheduled sweep' });
    const described = await world.client.schedule.getHandle(reconciliationScheduleId(taskQueue())).describe();
    expect(described.policies.overlap).toBe('SKIP');
    expect(described.info.recentActions.length).toBeGreaterThan(0);

    await world.client.schedule.getHandle(reconciliationScheduleId(taskQueue())).pause('paused by an operator');
    expect(await ensureReconciliationSchedule(world.client, { taskQueue: taskQueue(), everyMs: 2_000 })).toMatchObject({
      kind: 'paused',
      note: 'paused by an operator',
    });
    await world.client.schedule.getHandle(reconciliationScheduleId(taskQueue())).unpause();
    expect(await ensureReconciliationSchedule(world.client, { taskQueue: taskQueue(), everyMs: null })).toMatchObject({
      kind: 'paused',
      note: PAUSED_BY_CONFIGURATION,
    });
    expect(await ensureReconciliationSchedule(world.client, { taskQueue: taskQueue(), everyMs: 60_000 })).toMatchObject(
      { kind: 'running', everyMs: 60_000 },
    );
  });

  test('off with no schedule creates none', async () => {
    const other = `${taskQueue()}-none`;
    expect(await ensureReconciliationSchedule(world.client, { taskQueue: other, everyMs: null })).toEqual({
      kind: 'off',
      scheduleId: reconciliationScheduleId(other),
    });
    await expect(world.client.schedule.getHandle(reconciliationScheduleId(other)).describe()).rejects.toThrow(
      ScheduleNotFoundError,
    );
    expect(await describeReconciliationSchedule(world.client, other)).toMatchObject({ kind: 'off' });
  });
});

describe('within the Medium budget', () => {
  let limited: World;
  beforeAll(async () => {
    // Zoom's Free plan: Light 4/s, Medium 2/s, enforced by the emulator with 429s; the workers are told the same,
    // and the sweep takes 1/s of Medium, leaving 1/s to the writes.
    limited = await startWorld({
      windows: {
        ZOOM_LIGHT_RATE_LIMIT: '4',
        ZOOM_MEDIUM_RATE_LIMIT: '2',
        ZOOM_RECONCILE_RATE_LIMIT: '1',
        FOLLOW_UP_WINDOW: '1h',
        DEDUP_WINDOW: '1h',
        RECONCILE_GRACE: '1s',
      },
      emulator: { settings: { plan: 'free' } },
    });
  });
  afterAll(() => limited?.stop());

  test('a webinar of 1,000 registrants, four pages, swept while lookups and API writes keep flowing', async () => {
    const { emulator } = limited;
    const webinar = emulator.addWebinar();
    for (let i = 0; i < 990; i++) {
      emulator.addRegistrant(webinar.id, {
        email: `r${i}@example.com`,
        first_name: 'R',
        createTime: '2020-01-01T00:00:00Z',
      });
    }
    // Ten we know; eight of them cancel themselves during the sweep (Light lookups), two are cancelled by an admin
    // through the API (Medium PUTs, the sweep's neighbours in the budget).
    const known = Array.from(
      { length: 10 },
      (_, i) => emulator.addRegistrant(webinar.id, { email: `k${i}@example.com`, first_name: 'K' }).id,
    );
    await Promise.all(known.map((id) => limited.deliver(emulator.buildEvent('created', webinar.id, id))));
    await Promise.all(known.map((id) => callbacksAbout(limited, id, 1)));
    await pastGrace();

    const sweeping = sweep(limited, webinar.id);
    const listPath = `/v2/webinars/${webinar.id}/registrants`;
    // Once the sweep reads its first page (the ten known are on its last):
    await eventually(() => emulator.requests.some((r) => r.path === listPath), { what: 'the first page read' });
    await Promise.all(known.slice(0, 8).map((id) => limited.deliver(emulator.cancelAsRegistrant(webinar.id, id))));
    const byApi = known.slice(8).map((id) =>
      callApi(limited, 'POST', `/api/v1/webinars/${webinar.id}/registrants/${id}/cancellations`, {
        body: { by: 'admin' },
      }),
    );
    const report = await sweeping;
    expect((await Promise.all(byApi)).map((r) => r.status)).toEqual([200, 200]);
    await eventually(() => known.every((id) => cancellations(limited, id).length === 1), {
      timeoutMs: 60_000,
      what: 'every cancellation settled',
    });

    const findings = findingsOf(report, webinar.id);
    expect(findings).toMatchObject({ untracked: 990, errors: [] });
    // The eight were gone before the last page was read; each registrant counted at most once.
    expect(findings.listed).toBe(992);
    const counted = FINDINGS.reduce((sum, f) => sum + findings[f], 0);
    expect(counted).toBeGreaterThanOrEqual(992);
    expect(counted).toBeLessThanOrEqual(1000);
    const calls = emulator.requests.filter((r) => r.path.startsWith(`/v2/webinars/${webinar.id}`));
    const lists = calls.filter((r) => r.path === listPath);
    expect(lists.filter((r) => r.query.includes('status=approved'))).toHaveLength(4);
    expect(calls.every((r) => r.status !== 429)).toBe(true);
    const medium = calls.filter((r) => r.path.endsWith('/registrants') || r.path.endsWith('/registrants/status'));
    expect(peakPerSecond(medium.map((r) => r.at))).toBeLessThanOrEqual(2);
    // The lookups were not starved: they ran while the sweep was listing.
    const [firstList, lastList] = [lists[0]?.at ?? 0, lists.at(-1)?.at ?? 0];
    const lookups = calls.filter(
      (r) => r.method === 'GET' && known.some((id) => r.path.endsWith(`/registrants/${id}`)),
    );
    expect(lookups.some((r) => r.at > firstList && r.at < lastList)).toBe(true);
  });
});
