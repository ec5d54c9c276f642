// `npm run doctor` as a real child process against real services: the dev server, the Zoom emulator standing in for
// Zoom, the gateway on a real port, an app receiving callbacks, a real SMTP server and an alert hook. Once with
// everything right, then with each fault it detects, one at a time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { msToTs } from '@temporalio/common';
import { AlertHook } from '../../tools/dev/alert-hook';
import { SmtpCatcher } from '../../tools/smtp-catcher';
import { eventually } from '../../tools/eventually';
import { runScript, type ScriptResult } from '../helpers/run-script';
import { startWorld, WEBHOOK_SECRET, type World } from '../helpers/world';

let world: World;
const smtp = new SmtpCatcher();
const alerts = new AlertHook();
let settings: Record<string, string>;
let events: string[];
/** No ./.env of the project's (a developer's own) is read: the doctor starts in an empty folder. */
const cwd = mkdtempSync(path.join(tmpdir(), 'doctor-'));

beforeAll(async () => {
  world = await startWorld();
  const webinar = world.emulator.addWebinar({ topic: 'Launch week' });
  const meeting = world.emulator.addMeeting({ topic: 'Office hours' });
  events = ['--event', webinar.id, '--event', `meeting:${meeting.id}`];
  settings = {
    ...world.env,
    ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET,
    SMTP_URL: await smtp.start(),
    NOTIFY_FROM: 'Events <events@example.com>',
    OPS_ALERT_WEBHOOK_URL: await alerts.start(),
  };
});
afterAll(async () => {
  await world?.stop();
  await smtp.stop();
  await alerts.stop();
});

const doctor = (args: string[], overrides: Record<string, string> = {}) =>
  runScript('src/bin/doctor.ts', args, { ...settings, ...overrides }, cwd);

/** The doctor's line about `subject`. */
function line(result: ScriptResult, subject: string): string {
  return result.stdout.split('\n').find((l) => l.slice(6).startsWith(`${subject}:`)) ?? `(no line for ${subject})`;
}

test('with everything right it checks each part, sends one test callback and one test alert, and exits 0', async () => {
  const result = await doctor([...events, '--webhook-url', world.webhookUrl]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(line(result, 'settings')).toMatch(/^ok {4}settings: the worker's and the gateway's are all readable$/);
  expect(line(result, 'Temporal')).toMatch(/^ok {4}Temporal: 127\.0\.0\.1:\d+ \(plaintext\), namespace default$/);
  expect(line(result, 'Temporal search attributes')).toMatch(/^ok .*ZoomWebinarId, ZoomMeetingId/);
  expect(line(result, 'Temporal workers')).toMatch(/^ok {4}Temporal workers: \d+ polling task queue test-/);
  expect(line(result, 'Zoom OAuth')).toContain('a token for account acct-test');
  expect(line(result, 'Zoom scopes (webinars)')).toMatch(/^ok .*every call the worker makes is allowed \(5\)/);
  expect(line(result, 'Zoom scopes (meetings)')).toMatch(/^ok /);
  expect(line(result, `webinar ${events[1]}`)).toMatch(/^ok .*"Launch week": readable, .*its registrants listed/);
  expect(line(result, `meeting ${events[3]?.slice('meeting:'.length)}`)).toMatch(/^ok .*"Office hours"/);
  // Over http on this machine: it passes, and says that Zoom itself would need https.
  expect(line(result, 'webhook URL')).toMatch(/^note .*answers Zoom's URL validation .* Zoom calls only https URLs/);
  expect(line(result, 'app callbacks')).toMatch(/^ok .*took a signed test callback \(204\)/);
  expect(line(result, 'email templates')).toMatch(/^ok /);
  expect(line(result, 'SMTP')).toMatch(/^ok .*smtp:\/\/127\.0\.0\.1:\d+ takes a connection \(no credentials given\)$/);
  expect(line(result, 'operator alerts')).toMatch(/^ok .*the hook took a test alert \(200\)/);
  expect(result.stdout).toMatch(/doctor: all 14 checks passed\n$/);
  expect(world.app.tests).toHaveLength(1);
  expect(alerts.texts.at(-1)).toMatch(/^A test alert from npm run doctor on .+: the alerts reach this channel/);
  // It wrote nothing: no email, no callback about anyone.
  expect(smtp.emails).toHaveLength(0);
  expect(world.app.deliveries).toHaveLength(0);
});

test('what is not configured is skipped, and what only informs is a note: neither fails', async () => {
  const result = await doctor([], {
    SMTP_URL: '',
    OPS_ALERT_WEBHOOK_URL: '',
    APP_CALLBACK_URL: '',
    APP_CALLBACK_SECRET: '',
    TEMPORAL_TASK_QUEUE: 'nobody-polls-this',
  });
  expect(result.code).toBe(0);
  expect(line(result, 'Temporal workers')).toBe(
    'note  Temporal workers: none polls task queue nobody-polls-this yet: webhooks are taken, and wait for one. ' +
      'Fix: start the worker (npm run start:worker, or docker compose)',
  );
  for (const subject of ['Zoom event', 'webhook URL', 'app callbacks', 'emails', 'operator alerts']) {
    expect(line(result, subject)).toMatch(/^skip /);
  }
});

interface Fault {
  fault: string;
  overrides?: Record<string, string>;
  args?: string[];
  /** Checked against the gateway's --webhook-url. */
  webhook?: boolean;
  /** Lines that must be printed: their beginning, or a pattern. */
  expected: Array<string | RegExp>;
  /** What must never be printed (a secret). */
  absent?: string;
}

test.each<Fault>([
  {
    fault: 'settings missing or malformed: every one is named',
    overrides: { ZOOM_CLIENT_ID: '', APP_CALLBACK_SECRET: 'not-a-secret', ZOOM_WEBHOOK_SECRET_TOKEN: '' },
    expected: [
      'FAIL  settings: ZOOM_CLIENT_ID is required. Fix: set it in .env',
      'FAIL  settings: APP_CALLBACK_SECRET must be whsec_ followed by base64',
      'FAIL  settings: ZOOM_WEBHOOK_SECRET_TOKEN is required',
      "skip  Zoom: the worker's settings above cannot be read",
    ],
  },
  {
    fault: 'Temporal unreachable',
    overrides: { TEMPORAL_ADDRESS: '127.0.0.1:1' },
    expected: [
      'FAIL  Temporal: cannot reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS, plaintext): connection refused',
    ],
  },
  {
    fault: 'a namespace the server does not have',
    overrides: { TEMPORAL_NAMESPACE: 'no-such-namespace' },
    expected: [/^FAIL {2}Temporal: 127\.0\.0\.1:\d+ has no namespace no-such-namespace\. Fix: set TEMPORAL_NAMESPACE/],
  },
  {
    fault: "credentials Zoom's OAuth refuses",
    overrides: { ZOOM_CLIENT_SECRET: 'wrong' },
    expected: [
      /^FAIL {2}Zoom OAuth: http:\/\/127\.0\.0\.1:\d+\/oauth\/token refused the app's credentials: Zoom answered 400: Invalid client_id or client_secret\. Fix: copy Account ID/,
    ],
  },
  {
    fault: 'a webinar Zoom does not know',
    args: ['--event', '99999999999'],
    expected: [/^FAIL {2}webinar 99999999999: Zoom does not know it \(HTTP 404, code 3001: /],
  },
  {
    fault: 'a gateway with another secret token',
    overrides: { ZOOM_WEBHOOK_SECRET_TOKEN: 'another-secret' },
    webhook: true,
    expected: [
      /^FAIL {2}webhook URL: http:.* refused the signature \(HTTP 401\): the gateway there has another ZOOM_WEBHOOK_SECRET_TOKEN/,
    ],
  },
  {
    fault: 'an app that verifies with another key',
    overrides: { APP_CALLBACK_SECRET: 'whsec_c29tZW9uZSBlbHNlJ3Mga2V5IGVudGlyZWx5' },
    expected: [
      /^FAIL {2}app callbacks: http:.* answered a signed test callback HTTP 401\. Fix: the app must verify with/,
    ],
  },
  {
    fault: 'an app that is down',
    overrides: { APP_CALLBACK_URL: 'http://127.0.0.1:1/zoom-callbacks' },
    expected: ['FAIL  app callbacks: http://127.0.0.1:1/zoom-callbacks cannot be reached: ECONNREFUSED'],
  },
  {
    fault: 'a mail server that is not there',
    overrides: { SMTP_URL: 'smtp://mailer:secret@127.0.0.1:1' },
    expected: [/^FAIL {2}SMTP: smtp:\/\/127\.0\.0\.1:1: .*ECONNREFUSED.*\. Fix: check SMTP_URL/],
    // The password is never printed.
    absent: 'secret@',
  },
  {
    fault: 'an alert hook that refuses',
    overrides: { OPS_ALERT_WEBHOOK_URL: `http://127.0.0.1:1/hooks/T000/B000/xyz` },
    expected: ['FAIL  operator alerts: the hook cannot be reached: ECONNREFUSED. Fix: check OPS_ALERT_WEBHOOK_URL'],
    // A Slack hook's URL is its secret.
    absent: 'B000',
  },
])('$fault: it says so with the fix, and exits 1', async ({ overrides = {}, args = [], webhook, expected, absent }) => {
  const result = await doctor([...args, ...(webhook ? ['--webhook-url', world.webhookUrl] : [])], overrides);
  expect(result.code).toBe(1);
  const lines = result.stdout.split('\n');
  for (const wanted of expected) {
    const found = lines.find((l) => (typeof wanted === 'string' ? l.startsWith(wanted) : wanted.test(l)));
    if (!found) throw new Error(`no line ${String(wanted)} in:\n${result.stdout}`);
  }
  expect(result.stdout).toMatch(/doctor: \d+ of \d+ checks failed\n$/);
  if (absent) expect(result.stdout).not.toContain(absent);
});

test('a scope the app lacks: the calls Zoom would refuse, and what they are for; --kind narrows the check', async () => {
  await world.emulator.configure({ tokenScopes: 'granular', missingScope: 'meeting:update:registrant_status:admin' });
  try {
    const both = await doctor([]);
    expect(both.code).toBe(1);
    expect(line(both, 'Zoom scopes (webinars)')).toMatch(/^ok /);
    expect(line(both, 'Zoom scopes (meetings)')).toBe(
      'FAIL  Zoom scopes (meetings): the token lacks meeting:update:registrant_status:admin: Zoom would refuse ' +
        "PUT /meetings/{id}/registrants/status (the app's cancellations as an admin, through the API). " +
        "Fix: add them on the app's Scopes page (or the classic meeting:write:admin), then run the doctor again",
    );
    const webinarsOnly = await doctor(['--kind', 'webinar']);
    expect(webinarsOnly.code).toBe(0);
    expect(webinarsOnly.stdout).not.toContain('Zoom scopes (meetings)');

    // A read scope missing: the event's own check says what Zoom answered.
    await world.emulator.configure({ missingScope: 'webinar:read:list_registrants:admin' });
    const listing = await doctor(['--kind', 'meeting', '--event', events[1] ?? '']);
    expect(line(listing, `webinar ${events[1]}`)).toMatch(
      /^FAIL .*code 4711\).*does not contain scopes:\[webinar:read:list_registrants:admin\]\. Fix: add the scope Zoom names/,
    );
  } finally {
    await world.emulator.configure({ tokenScopes: 'classic', missingScope: null });
  }
});

test('a namespace without the search attributes: the command that registers them', async () => {
  const namespace = `doctor-bare-${Date.now()}`;
  await world.client.connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  const result = await eventually(
    async () => {
      const run = await doctor([], { TEMPORAL_NAMESPACE: namespace });
      return line(run, 'Temporal search attributes').startsWith('FAIL') ? run : undefined;
    },
    { what: 'the new namespace known to the server' },
  );
  expect(result.code).toBe(1);
  expect(line(result, 'Temporal search attributes')).toBe(
    `FAIL  Temporal search attributes: namespace ${namespace} lacks ZoomWebinarId (Keyword), ZoomMeetingId (Keyword), ` +
      'ZoomRegistrantId (Keyword), RegistrationState (Keyword), CancelledBy (Keyword): no registrant workflow can start. ' +
      `Fix: temporal operator search-attribute create -n ${namespace} --name ZoomWebinarId --type Keyword ` +
      '--name ZoomMeetingId --type Keyword --name ZoomRegistrantId --type Keyword --name RegistrationState --type Keyword ' +
      '--name CancelledBy --type Keyword (on Temporal Cloud: the namespace page, or tcld)',
  );
});

test('--settings is read instead of ./.env, under what is exported; a wrong argument is a usage error', async () => {
  const file = path.join(cwd, 'deploy.env');
  writeFileSync(
    file,
    Object.entries({ ...settings, ZOOM_CLIENT_SECRET: 'from-the-file' })
      .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
      .join('\n'),
  );
  // The file alone: its wrong secret is what Zoom refuses.
  const fromFile = await runScript('src/bin/doctor.ts', ['--settings', file], {}, cwd);
  expect(fromFile.stdout).toContain(`doctor: the settings of ${file} (exported ones win)`);
  expect(line(fromFile, 'Zoom OAuth')).toMatch(/^FAIL .*refused the app's credentials/);
  // An exported variable wins over the file's.
  const exported = { ZOOM_CLIENT_SECRET: settings.ZOOM_CLIENT_SECRET ?? '' };
  const overridden = await runScript('src/bin/doctor.ts', ['--settings', file], exported, cwd);
  expect(line(overridden, 'Zoom OAuth')).toMatch(/^ok {4}Zoom OAuth: a token for account acct-test$/);

  const usage = await doctor(['--event', 'not-an-id']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/^doctor: --event: .*\nusage: npm run doctor --/);
  const missingFile = await doctor(['--settings', 'nowhere.env']);
  expect(missingFile.code).toBe(2);
  expect(missingFile.stderr).toContain('doctor: --settings: names a file that does not exist');
  const help = await doctor(['--help']);
  expect(help).toMatchObject({ code: 0, stderr: '' });
  expect(help.stdout).toMatch(/^usage: npm run doctor --/);
});
