// The gateway describes itself at /openapi.json from its routes' own zod schemas, and schemathesis (from PyPI),
// generating requests from that description (valid ones and every kind of broken one), gets no server error from a
// real gateway with real workers on the dev server.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import axios from 'axios';
import { installedFromPyPI, pypiEnv } from '../../tools/dev/pypi';
import { OPENAPI_FILE } from '../../tools/openapi';
import { registrationEventName } from '../../tools/sandbox/webhooks';
import { API_TOKEN, startWorld, type World } from '../helpers/world';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());

type Operations = Record<
  string,
  { tags?: string[]; security?: unknown[]; parameters?: unknown[]; requestBody?: unknown }
>;

interface Described {
  openapi: string;
  paths: Record<string, Operations>;
  webhooks?: Record<string, Operations>;
}

test('the description names the webhook, the API (with its bearer token) and the probes', async () => {
  const { data } = await axios.get<Described>(`${world.gatewayUrl}/openapi.json`);
  expect(data.openapi).toBe('3.1.0');
  expect(Object.keys(data.paths).sort()).toEqual([
    '/api/v1/meetings/{meetingId}/registrants',
    '/api/v1/meetings/{meetingId}/registrants/{registrantId}',
    '/api/v1/meetings/{meetingId}/registrants/{registrantId}/cancellations',
    '/api/v1/meetings/{meetingId}/registrants/{registrantId}/cancellations/{cancellationId}',
    '/api/v1/webinars/{webinarId}/registrants',
    '/api/v1/webinars/{webinarId}/registrants/{registrantId}',
    '/api/v1/webinars/{webinarId}/registrants/{registrantId}/cancellations',
    '/api/v1/webinars/{webinarId}/registrants/{registrantId}/cancellations/{cancellationId}',
    '/healthz',
    '/metrics',
    '/readyz',
    '/zoom/webhook',
  ]);
  const cancel = data.paths['/api/v1/webinars/{webinarId}/registrants/{registrantId}/cancellations']?.post;
  expect(cancel?.security).toEqual([{ apiToken: [] }]);
  // The id pattern the route validates by is the one the description shows.
  expect(JSON.stringify(cancel?.parameters)).toContain('"pattern"');
  expect(JSON.stringify(cancel?.requestBody)).toContain('"registrant","admin"');
  const webhook = data.paths['/zoom/webhook']?.post;
  expect(JSON.stringify(webhook?.requestBody)).toContain(registrationEventName('cancelled'));
  expect(JSON.stringify(webhook?.requestBody)).toContain(registrationEventName('cancelled', 'meeting'));
  expect(JSON.stringify(webhook?.parameters)).toContain('x-zm-signature');
  // The callbacks the app receives, from the schema the worker builds them by: a webinar's or a meeting's.
  const callback = JSON.stringify(data.webhooks?.registrantCallback?.post?.requestBody);
  for (const field of ['webinar_id', 'meeting_id', 'registrant.cancelled', 'can_reregister']) {
    expect(callback).toContain(field);
  }
  // And the doctor's test callback, which an app must take too.
  expect(JSON.stringify(data.webhooks?.testCallback?.post?.requestBody)).toContain('"const":"test"');
});

test('the committed openapi.json is what a running gateway describes (npm run openapi writes it)', async () => {
  const { data } = await axios.get<unknown>(`${world.gatewayUrl}/openapi.json`);
  expect(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8'))).toEqual(data);
});

test('schemathesis gets no server error from any operation', async () => {
  const st = installedFromPyPI('schemathesis', (line) => process.stderr.write(`${line}\n`));
  if (!st) throw new Error('schemathesis could not be installed from PyPI (python3 -m pip install schemathesis)');
  const args = [
    'run',
    `${world.gatewayUrl}/openapi.json`,
    '--checks',
    'not_a_server_error',
    '--header',
    `Authorization: Bearer ${API_TOKEN}`,
    '--max-examples',
    '30',
    '--workers',
    '2',
    '--seed',
    '1',
  ];
  const run = await promisify(execFile)(st, args, {
    env: { ...process.env, ...pypiEnv('schemathesis'), NO_COLOR: '1' },
    // Its caches and Hypothesis' database go to the working directory: one of its own, not the project.
    cwd: await mkdtemp(path.join(tmpdir(), 'schemathesis-')),
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    ({ stdout }) => ({ code: 0, stdout }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: `${err.stdout}\n${err.stderr}`,
    }),
  );
  if (run.code !== 0) throw new Error(`schemathesis failed (exit ${run.code}):\n${run.stdout.slice(-8_000)}`);
  // It tested every operation of the description, in every phase that applies, and every case passed.
  expect(run.stdout).toMatch(/Selected: 12\/12\s+Tested: 12/);
  expect(run.stdout).toMatch(/✅ Coverage/);
  expect(run.stdout).toMatch(/✅ Fuzzing/);
  const [, generated, passed] = /(\d+) generated, (\d+) passed/.exec(run.stdout) ?? [];
  expect(Number(generated)).toBeGreaterThan(100);
  expect(passed).toBe(generated);
}, 300_000);
