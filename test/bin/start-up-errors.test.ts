// Mistakes a person makes when starting a process get one line that says what was wrong, with the wrong value, and
// what to do: the entry points run as real child processes.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runScript } from '../helpers/run-script';

// Nothing listens here: connecting is refused at once.
const NOWHERE = '127.0.0.1:1';
const ZOOM = { ZOOM_ACCOUNT_ID: 'a', ZOOM_CLIENT_ID: 'b', ZOOM_CLIENT_SECRET: 'c', WORKER_METRICS_ADDRESS: 'off' };

test('ops with a wrong TEMPORAL_ADDRESS names the address and the variable', async () => {
  const run = await runScript('src/bin/ops.ts', ['show', '81234567890', '9tboDiHUQAeOnbmudzWa5g'], {
    TEMPORAL_ADDRESS: NOWHERE,
  });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(
    /^ops: cannot reach Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS, plaintext\): .+\. Is a Temporal server running there\?/,
  );
});

test('the worker with a wrong TEMPORAL_ADDRESS says so in one line, without a stack', async () => {
  const run = await runScript('src/bin/worker.ts', [], { TEMPORAL_ADDRESS: NOWHERE, ...ZOOM });
  expect(run.code).toBe(1);
  const line = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { msg?: string; err?: unknown };
  expect(line.msg).toMatch(
    /^cannot reach Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS, plaintext\): connection refused\./,
  );
  expect(line.err).toBeUndefined();
});

test('the worker with a broken email template names the file in one line, before it connects', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'templates-'));
  mkdirSync(path.join(dir, 'reinstated'));
  writeFileSync(path.join(dir, 'reinstated', 'text.hbs'), 'Hello {{frist_name}}');
  const run = await runScript('src/bin/worker.ts', [], {
    TEMPORAL_ADDRESS: NOWHERE,
    ...ZOOM,
    SMTP_URL: 'smtp://127.0.0.1:1',
    NOTIFY_FROM: 'events@example.com',
    NOTIFY_TEMPLATES_DIR: dir,
  });
  expect(run.code).toBe(1);
  const line = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { msg?: string };
  expect(line.msg).toBe(
    `${path.join(dir, 'reinstated', 'text.hbs')}: {{frist_name}} is not one of the variables (line 1, column 9); README, "Notifications", lists them`,
  );
});

test('the worker reads the .env of the folder it starts in, and the environment wins over it', async () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'dot-env-'));
  writeFileSync(
    path.join(folder, '.env'),
    ['# as .env.example has it', 'TEMPORAL_ADDRESS=127.0.0.1:1', 'WORKER_METRICS_ADDRESS=nowhere', 'SMTP_URL='].join(
      '\n',
    ),
  );
  const { WORKER_METRICS_ADDRESS: inTheShell, ...zoomOnly } = ZOOM;
  const fromFile = await runScript('src/bin/worker.ts', [], zoomOnly, folder);
  expect(fromFile.code).toBe(1);
  expect(fromFile.stderr).toBe(
    'configuration error: WORKER_METRICS_ADDRESS must be host:port, like 0.0.0.0:9464, or off\n',
  );
  const shellWins = await runScript(
    'src/bin/worker.ts',
    [],
    { ...zoomOnly, WORKER_METRICS_ADDRESS: inTheShell },
    folder,
  );
  expect(shellWins.code).toBe(1);
  const line = JSON.parse(shellWins.stdout.trim().split('\n').at(-1) ?? '{}') as { msg?: string };
  expect(line.msg).toMatch(/^cannot reach Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS, plaintext\)/);
});

test('the worker whose metrics port is taken says so in one line, before it connects', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const address = `127.0.0.1:${(taken.address() as AddressInfo).port}`;
  try {
    const run = await runScript('src/bin/worker.ts', [], {
      TEMPORAL_ADDRESS: NOWHERE,
      ...ZOOM,
      WORKER_METRICS_ADDRESS: address,
    });
    expect(run.code).toBe(1);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { msg?: string; err?: unknown };
    expect(line.msg).toMatch(
      new RegExp(`^cannot serve metrics at ${address} \\(WORKER_METRICS_ADDRESS\\): .*Address already in use`),
    );
    expect(line.err).toBeUndefined();
  } finally {
    taken.close();
  }
});

test.each([
  ['gateway', 'src/bin/gateway.ts', 'PORT', { ZOOM_WEBHOOK_SECRET_TOKEN: 't', HOST: '127.0.0.1' }],
  [
    'codec server',
    'src/bin/codec-server.ts',
    'CODEC_SERVER_PORT',
    { PAYLOAD_CODEC_KEYS: `k:${Buffer.alloc(32).toString('base64')}`, CODEC_SERVER_HOST: '127.0.0.1' },
  ],
])('the %s whose port is taken says so in one line, naming the variable', async (what, script, setting, env) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as AddressInfo;
  try {
    const run = await runScript(script, [], { TEMPORAL_ADDRESS: NOWHERE, ...env, [setting]: String(port) });
    expect(run.code).toBe(1);
    const line = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as { msg?: string; err?: unknown };
    expect(line.msg).toBe(
      `port ${port} on 127.0.0.1 (${setting}) is already in use: is another ${what} still running? ` +
        `Stop it, or set ${setting} to a free port.`,
    );
    expect(line.err).toBeUndefined();
  } finally {
    taken.close();
  }
});

test('the sandbox whose port is taken says so in one line, naming the variable', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as AddressInfo;
  try {
    const run = await runScript('tools/sandbox/main.ts', [], { SANDBOX_PORT: String(port), SANDBOX_HOST: '127.0.0.1' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `sandbox: port ${port} on 127.0.0.1 (SANDBOX_PORT) is already in use: is another sandbox (or npm run dev) ` +
        'still running? Stop it, or set SANDBOX_PORT to a free port.',
    );
  } finally {
    taken.close();
  }
});

test('chaos refuses a bad option before it starts anything, with its usage', async () => {
  const run = await runScript('tools/chaos/main.ts', ['--seed', 'abc']);
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(/^chaos: seed: must be a whole number\n\nusage: npm run chaos/);
  expect(run.stdout).toBe('');
});

test('a missing variable is "required", by name', async () => {
  const run = await runScript('src/bin/worker.ts', [], {
    ZOOM_ACCOUNT_ID: '',
    ZOOM_CLIENT_ID: 'b',
    ZOOM_CLIENT_SECRET: 'c',
  });
  expect(run.code).toBe(1);
  expect(run.stderr.trim()).toMatch(/^configuration error: ZOOM_ACCOUNT_ID /);
});

test.each([
  [
    ['show', '81234567890', 'x', '--bogus'],
    'ops: unknown option --bogus: the options are --can-reregister true|false (resolve), --note (unreadable dismiss) and --help',
  ],
  [
    ['resolve', '81234567890', 'x', 'admin', '--can-reregister'],
    'ops: --can-reregister needs a value, e.g. --can-reregister false',
  ],
  [['frobnicate'], 'ops: unknown command "frobnicate"'],
  // A registrant id may begin with "-": it is read as the id, not as an option.
  [['resolve', '81234567890', '-9tboDiHUQAeOnbmudzWa', 'someone'], 'ops: who cancelled must be registrant or admin'],
  [['show', '81234567890'], 'ops: wrong number of arguments for show'],
  [['unreadable', 'show', 'abc'], 'ops: the workflow id must be zoom-unreadable-event/ and 32 hex digits'],
  [['unreadable', 'dismiss', `zoom-unreadable-event/${'a'.repeat(32)}`], 'ops: dismiss needs --note "why"'],
])('ops %j: %s, then the usage', async (args, message) => {
  const run = await runScript('src/bin/ops.ts', args);
  expect(run.code).toBe(2);
  expect(run.stderr.split('\n')[0]).toBe(message);
  expect(run.stderr).toContain('usage: npm run ops -- <command>');
});
