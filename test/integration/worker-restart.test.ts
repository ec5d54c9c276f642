// The worker process is killed (SIGKILL, no chance to clean up) while a cancellation waits for follow-ups; a new
// worker process picks the workflow up from Temporal, and the app is told exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { callbacksAbout, settled, startWorld, type World } from '../helpers/world';
import { eventually } from '../helpers/eventually';

const ROOT = path.resolve(__dirname, '..', '..');
let world: World;
const children: ChildProcess[] = [];

function startWorkerProcess(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/bin/worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...world.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
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

  const second = startWorkerProcess();
  const [cancelled] = await callbacksAbout(world, person.id, 1);
  expect(cancelled).toMatchObject({
    type: 'registrant.cancelled',
    data: { cancelled_by: 'admin', can_reregister: false },
  });
  // A second worker process may replay the workflow, but never tells the app again.
  expect(await settled(world, webinar.id, person.id)).toMatchObject({ state: 'admin_cancelled', settling: false });
  expect(world.app.deliveries.filter((d) => d.callback.data.registrant.id === person.id)).toHaveLength(1);

  // SIGTERM drains the workers and exits cleanly.
  const exit = new Promise<number | null>((resolve) => second.once('exit', (code) => resolve(code)));
  second.kill('SIGTERM');
  expect(await exit).toBe(0);
});
