// The worker process is killed (SIGKILL, no chance to clean up) while a cancellation waits for follow-ups; a new
// worker process picks the workflow up from Temporal, and the app is told exactly once. And stopped as a deploy
// stops it (SIGTERM) while a Zoom call is in flight: the call finishes and counts, and the worker exits 0.
import type { ChildProcess } from 'node:child_process';
import axios from 'axios';
import { FINDINGS } from '../../src/domain/reconciliation';
import { COUNTERS, labelSets } from '../../src/metrics';
import { sweepNow } from '../../src/temporal/reconciliation-schedule';
import { freePort } from '../../tools/dev/temporal-server';
import { callbacksAbout, settled, spawnWorker, startWorld, type World } from '../helpers/world';
import { eventually } from '../../tools/eventually';
import { zoomWebinar } from '../../src/domain/zoom-event';

let world: World;
const children: ChildProcess[] = [];

function startWorkerProcess(metricsAddress = 'off'): ChildProcess {
  const child = spawnWorker(world, metricsAddress);
  children.push(child);
  return child;
}

beforeAll(async () => {
  world = await startWorld({
    inProcessWorkers: false,
    windows: { FOLLOW_UP_WINDOW: '6s', LOOKUP_TIMEOUT: '1m', DEDUP_WINDOW: '1h' },
  });
});
afterAll(async () => {
  children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
  await world?.stop();
});

test('worker killed during the follow-up wait and started again: exactly one registrant.cancelled', async () => {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
  const first = startWorkerProcess();
  await world.deliver(world.emulator.cancelAsAdmin(webinar.id, person.id));

  await eventually(
    async () => {
      const view = await world.state(webinar.id, person.id);
      return view.settling && view.evidence?.lookup === 'denied' ? view : undefined;
    },
    { timeoutMs: 60_000, what: 'the follow-up wait' },
  );
  const exited = new Promise((resolve) => first.once('exit', resolve));
  first.kill('SIGKILL');
  await exited;
  expect(world.app.about(person.id)).toEqual([]);

  const metrics = `127.0.0.1:${await freePort()}`;
  const second = startWorkerProcess(metrics);
  const [cancelled] = await callbacksAbout(world, person.id, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: { cancelled_by: 'admin', can_reregister: false },
  });
  // A second worker process may replay the workflow, but never tells the app again.
  expect(await settled(world, webinar.id, person.id)).toMatchObject({ state: 'admin_cancelled', settling: false });
  expect(world.app.deliveries.filter((d) => d.callback.data.registrant.id === person.id)).toHaveLength(1);

  // A sweep of the webinar, run by this worker, so that its findings are counted too.
  const report = await (await sweepNow(world.client, world.taskQueue, [zoomWebinar(webinar.id)])).result();
  const [findings] = report.webinars;
  const found = FINDINGS.filter((finding) => (findings?.[finding] ?? 0) > 0);
  expect(found.length).toBeGreaterThan(0);

  // The worker's Prometheus endpoint: the SDK's own metrics, the settled cancellation counted once, by who, and
  // what the sweep found.
  const { data: exposition } = await axios.get<string>(`http://${metrics}/metrics`);
  expect(exposition).toMatch(/^zoom_reconciliation_webinars_total\{[^}]*outcome="swept"[^}]*\} 1$/m);
  for (const finding of found) {
    expect(exposition).toMatch(
      new RegExp(
        `^zoom_reconciliation_findings_total\\{[^}]*finding="${finding}"[^}]*\\} ${findings?.[finding]}$`,
        'm',
      ),
    );
  }
  expect(exposition).toMatch(/^temporal_workflow_task_execution_latency_seconds_bucket\{/m);
  expect(exposition).toMatch(/^temporal_activity_execution_latency_seconds_bucket\{.*activity_type="notifyApp"/m);
  expect(exposition).toMatch(
    /^zoom_cancellations_settled_total\{[^}]*cancelled_by="admin"[^}]*resolved_by="evidence"[^}]*\} 1$/m,
  );
  for (const secret of [person.id, 'ada@example.com', 'Ada']) expect(exposition).not.toContain(secret);
  // Every business counter of a known label set has its series from the start, at 0 where nothing happened.
  const lines = exposition.split('\n');
  const series = Object.values(COUNTERS).flatMap(({ name, labels }) =>
    labels ? labelSets(labels).map((set) => ({ name, pairs: Object.entries(set).map(([l, v]) => `${l}="${v}"`) })) : [],
  );
  const missing = series
    .filter(
      ({ name, pairs }) => !lines.some((l) => l.startsWith(`${name}_total{`) && pairs.every((p) => l.includes(p))),
    )
    .map(({ name, pairs }) => `${name}_total{${pairs.join(',')}}`);
  expect(missing).toEqual([]);
  expect(exposition).toMatch(/^zoom_operator_alerts_total\{alert_kind="callback_waiting",outcome="refused"\} 0$/m);

  // SIGTERM drains the workers and exits cleanly.
  const exit = new Promise<number | null>((resolve) => second.once('exit', (code) => resolve(code)));
  second.kill('SIGTERM');
  expect(await exit).toBe(0);
});

test('SIGTERM while a Zoom lookup is in flight: it finishes within WORKER_SHUTDOWN_GRACE and is not made again', async () => {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, { email: 'grace@example.com', first_name: 'Grace' });
  const lookups = () =>
    world.emulator.requests.filter((r) => r.path.startsWith(`/v2/webinars/${webinar.id}/registrants/${person.id}`));
  // Zoom answers four seconds after each request arrives: the lookup is in flight when the signal comes.
  await world.emulator.configure({ latencyMs: 4_000 });
  try {
    const worker = startWorkerProcess();
    await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, person.id));
    await eventually(() => (lookups().length === 1 ? true : undefined), { timeoutMs: 60_000, what: 'the lookup sent' });
    const exit = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    expect(await exit).toBe(0);
  } finally {
    await world.emulator.configure({ latencyMs: 0 });
  }
  // The next worker goes on from the lookup's recorded answer instead of asking Zoom again.
  startWorkerProcess();
  const [cancelled] = await callbacksAbout(world, person.id, 1);
  expect(cancelled).toMatchObject({ type: 'registrant.cancelled', data: { evidence: { lookup: 'not_found' } } });
  expect(lookups()).toHaveLength(1);
  expect(await settled(world, webinar.id, person.id)).toMatchObject({ state: 'self_cancelled' });
  expect(world.app.about(person.id)).toHaveLength(1);
});
