// The client package (packages/client) as an app uses it, against a real gateway and worker on the dev server: the
// worker's own callbacks verified (and a tampered one refused, with the reason), a cancellation on a registrant's
// behalf followed to its settled outcome, one registrant read, a listing iterated past its first page, the API's
// refusals as ApiError. Then the package as it ships: built, packed with only its build and README, loaded from
// both its CommonJS and its ES module build.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ApiError,
  CallbackVerificationError,
  RegistrationsApi,
  verifyCallback,
  type ZoomEventRef,
} from '../../packages/client/src';
import { eventually } from '../../tools/eventually';
import { ROOT } from '../helpers/run-script';
import { API_TOKEN, callbacksAbout, startWorld, type World } from '../helpers/world';

let world: World;
let api: RegistrationsApi;
beforeAll(async () => {
  world = await startWorld({ windows: { FOLLOW_UP_WINDOW: '2s', LOOKUP_TIMEOUT: '8s', DEDUP_WINDOW: '1h' } });
  api = new RegistrationsApi({ baseUrl: world.gatewayUrl, token: API_TOKEN });
});
afterAll(() => world?.stop());

/** Registrants Zoom told us about: each one's `created` webhook went through the gateway. */
async function registered(count: number, kind: ZoomEventRef['kind'] = 'webinar') {
  const zoomEvent = kind === 'webinar' ? world.emulator.addWebinar() : world.emulator.addMeeting();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const { registrant, event } = world.emulator.register(zoomEvent.id, {
      email: `p${i}@example.com`,
      first_name: `P${i}`,
    });
    await world.deliver(event);
    ids.push(registrant.id);
  }
  await Promise.all(ids.map((id) => callbacksAbout(world, id, 1)));
  return { event: { kind, id: zoomEvent.id } satisfies ZoomEventRef, ids };
}

test("the worker's callbacks verify with the app's secret; a tampered one is refused, saying why", async () => {
  const { ids } = await registered(1);
  const delivered = world.app.wire.find(({ body }) => body.includes(ids[0] ?? '-'));
  if (!delivered) throw new Error('no callback on the wire');
  const { webhookId, callback } = verifyCallback(delivered.body, delivered.headers, world.app.secret);
  expect(webhookId).toBe(delivered.headers['webhook-id']);
  expect(callback).toMatchObject({ type: 'registrant.created', data: { registrant: { id: ids[0] } } });

  const tampered = delivered.body.replace('"P0"', '"Mallory"');
  expect(tampered).not.toBe(delivered.body);
  let refusal: unknown;
  try {
    verifyCallback(tampered, delivered.headers, world.app.secret);
  } catch (err) {
    refusal = err;
  }
  expect(refusal).toBeInstanceOf(CallbackVerificationError);
  expect(refusal).toMatchObject({ problem: 'signature' });
});

test('a cancellation by registrant settles in the answer; by admin, pending then followed to its outcome', async () => {
  const { event, ids } = await registered(2);
  const [ada = '', grace = ''] = ids;
  const byRegistrant = await api.cancel(event, ada, { by: 'registrant', reason: 'asked in the app' });
  expect(byRegistrant).toMatchObject({ status: 'settled', cancelled_by: 'registrant', can_reregister: true });

  // Not waited for: pending, with where to look; then the helper follows it past the follow-up window.
  const pending = await api.cancel(event, grace, { by: 'admin', waitSeconds: 0, idempotencyKey: 'grace-1' });
  expect(pending).toMatchObject({ status: 'pending', location: expect.stringContaining('/cancellations/grace-1') });
  const settled = await api.cancelAndSettle(event, grace, { by: 'admin', idempotencyKey: 'grace-1' });
  expect(settled).toMatchObject({
    status: 'settled',
    cancellation_id: 'grace-1',
    cancelled_by: 'admin',
    can_reregister: false,
    webinar_id: event.id,
  });
  expect(await api.cancellation(event, grace, 'grace-1')).toEqual(settled);

  // Cancelled already: the gateway's refusal, typed.
  const again = await api.cancel(event, ada, { by: 'admin' }).catch((err: unknown) => err);
  expect(again).toBeInstanceOf(ApiError);
  expect(again).toMatchObject({ status: 409, code: 'already_cancelled', cancellationId: expect.any(String) });
});

test("one registrant read; a meeting's listing iterated past its first page", async () => {
  const { event, ids } = await registered(3, 'meeting');
  const record = await api.get(event, ids[0] ?? '');
  expect(record).toMatchObject({ meeting_id: event.id, registrant_id: ids[0], state: 'approved' });
  expect(record.workflow.status).toBe('running');

  const listed = await eventually(
    async () => {
      const seen: string[] = [];
      for await (const registrant of api.list(event, 'approved', { pageSize: 1 })) seen.push(registrant.registrant_id);
      return seen.length === 3 ? seen : undefined;
    },
    { what: 'three registrants listed a page of one at a time' },
  );
  expect(listed.sort()).toEqual([...ids].sort());

  const unknown = await api.get(event, 'nobody0000000000000000').catch((err: unknown) => err);
  expect(unknown).toMatchObject({ name: 'ApiError', status: 404, code: 'registrant_not_found' });
  const wrongToken = new RegistrationsApi({ baseUrl: world.gatewayUrl, token: 'wrong' });
  expect(await wrongToken.get(event, ids[0] ?? '').catch((err: unknown) => err)).toMatchObject({
    status: 401,
    code: 'unauthorized',
  });
});

test('the package builds, packs only its build and README, and loads as CommonJS and as an ES module', async () => {
  const run = promisify(execFile);
  await run('npm', ['run', 'build', '--workspace', '@zoom-registrations/client'], { cwd: ROOT });
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--workspace', '@zoom-registrations/client'], {
    cwd: ROOT,
  });
  const [packed] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  expect(packed?.files.map((f) => f.path).sort()).toEqual([
    'README.md',
    'dist/index.cjs',
    'dist/index.d.cts',
    'dist/index.d.ts',
    'dist/index.js',
    'package.json',
  ]);
  // Each build, by its package name, verifies a callback the worker would sign.
  const check = (type: string) =>
    `const { verifyCallback, CallbackVerificationError } = ${type};` +
    "try { verifyCallback('{}', {}, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'); } catch (err) {" +
    " if (!(err instanceof CallbackVerificationError) || err.problem !== 'signature') throw err; console.log('ok'); }";
  const cjs = await run(process.execPath, ['-e', check("require('@zoom-registrations/client')")], { cwd: ROOT });
  expect(cjs.stdout.trim()).toBe('ok');
  const esm = await run(
    process.execPath,
    ['--input-type=module', '-e', check("await import('@zoom-registrations/client')")],
    { cwd: path.join(ROOT, 'packages', 'client') },
  );
  expect(esm.stdout.trim()).toBe('ok');
});
