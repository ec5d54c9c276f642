// Emails to registrants and alerts to operators, on the real dev server, through a real SMTP server (smtp-server on
// a real port) and a real HTTP receiver: one email per outcome, with a Message-ID that stays the same on every try;
// temporary refusals tried again, a permanent one recorded while the app is still told; names that cannot inject.
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import axios from 'axios';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { resolveUpdate } from '../../src/workflows/registrant/messages';
import { eventually } from '../../tools/eventually';
import { freePort } from '../../tools/dev/temporal-server';
import { SmtpCatcher, type CaughtEmail } from '../../tools/smtp-catcher';
import { callApi, callbacksAbout, settled, spawnWorker, startWorld, type World } from '../helpers/world';

const WINDOWS = { FOLLOW_UP_WINDOW: '2s', LOOKUP_TIMEOUT: '1m', DEDUP_WINDOW: '1h' };
const FROM = 'Example Events <events@example.com>';

/** Posted alerts, as a Slack-compatible incoming webhook receives them. */
class AlertReceiver {
  readonly texts: string[] = [];
  private readonly server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      this.texts.push((JSON.parse(body) as { text: string }).text);
      response.writeHead(200).end('ok');
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/ops`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

let world: World;
const smtp = new SmtpCatcher();
const alerts = new AlertReceiver();

beforeAll(async () => {
  const [smtpUrl, alertUrl] = await Promise.all([smtp.start(), alerts.start()]);
  world = await startWorld({
    windows: {
      ...WINDOWS,
      SMTP_URL: smtpUrl,
      NOTIFY_FROM: FROM,
      NOTIFY_REPLY_TO: 'help@example.com',
      OPS_ALERT_WEBHOOK_URL: alertUrl,
      TEMPORAL_UI_URL: 'http://localhost:8233',
      NOTIFY_REGISTRATION_URL_PATTERN: 'https://events.example.com/{kind}s/{id}/register',
    },
  });
});
afterAll(async () => {
  await world?.stop();
  await smtp.stop();
  await alerts.stop();
});

/** A registrant Zoom told us about (their `created` went through), on a webinar with a topic and a time zone. */
async function registered(person: { email: string; first_name: string; last_name?: string }, into = world) {
  const webinar = into.emulator.addWebinar({ topic: 'Analytical engines', timezone: 'Europe/Berlin' });
  const { registrant, event } = into.emulator.register(webinar.id, person);
  await into.deliver(event);
  await callbacksAbout(into, registrant.id, 1);
  return { webinar, registrantId: registrant.id };
}

const emailsTo = (address: string, count = 1) =>
  eventually(() => (smtp.to(address).length >= count ? smtp.to(address) : undefined), {
    what: `${count} email(s) to ${address}`,
  });

/** The registrant's view once their email has gone (or failed): the ledger says which. */
const emailSettled = (webinarId: string, registrantId: string) =>
  eventually(async () => {
    const view = await world.state(webinarId, registrantId);
    return view.emails.length > 0 && view.emails.every((e) => e.status !== 'sending') ? view : undefined;
  });

test('a self-cancel: one email, in the webinar time zone, with Zoom’s registration_url; the same Message-ID as the ledger', async () => {
  const { webinar, registrantId } = await registered({ email: 'ada@example.com', first_name: 'Ada', last_name: 'L' });
  await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, registrantId));
  const [email] = (await emailsTo('ada@example.com')) as [CaughtEmail];

  expect(email.subject).toBe('You cancelled your registration for Analytical engines');
  expect(email.text).toContain('Hello Ada,');
  expect(email.text).toMatch(/\d{2}:\d{2} CE(S)?T\)/);
  expect(email.text).toContain(`You may register again: ${webinar.registrationUrl}`);
  expect(email.html).toContain(`<a href="${webinar.registrationUrl}">Register again</a>`);
  expect(email.headers.get('reply-to')).toMatchObject({ text: 'help@example.com' });
  expect(email.headers.get('auto-submitted')).toBe('auto-generated');
  const view = await emailSettled(webinar.id, registrantId);
  expect(view.emails).toEqual([{ id: expect.any(String), kind: 'self_cancelled', status: 'sent', error: null }]);
  expect(email.messageId).toBe(`<${view.emails[0]?.id}@example.com>`);
});

test('an admin cancel and an API cancellation each send their own email; a reinstatement gives the join link', async () => {
  const admin = await registered({ email: 'grace@example.com', first_name: 'Grace' });
  await world.deliver(world.emulator.cancelAsAdmin(admin.webinar.id, admin.registrantId));
  const [cancelled] = (await emailsTo('grace@example.com')) as [CaughtEmail];
  expect(cancelled.subject).toBe('Your registration for Analytical engines was cancelled by the organiser');
  expect(cancelled.text).toContain('or write to help@example.com');

  const api = await registered({ email: 'alan@example.com', first_name: 'Alan' });
  const path = `/api/v1/webinars/${api.webinar.id}/registrants/${api.registrantId}/cancellations`;
  expect((await callApi(world, 'POST', path, { body: { by: 'registrant' } })).status).toBe(200);
  const [confirmation] = (await emailsTo('alan@example.com')) as [CaughtEmail];
  expect(confirmation.subject).toBe('Cancelled: your registration for Analytical engines');

  const back = await registered({ email: 'barbara@example.com', first_name: 'Barbara' });
  await world.deliver(world.emulator.cancelAsAdmin(back.webinar.id, back.registrantId));
  await eventually(async () => (await world.state(back.webinar.id, back.registrantId)).evidence?.lookup === 'denied');
  await world.deliver(world.emulator.approve(back.webinar.id, back.registrantId));
  const [reinstated] = (await emailsTo('barbara@example.com')) as [CaughtEmail];
  expect(reinstated.subject).toBe('You are still registered for Analytical engines');
  const joinUrl = world.emulator.registrant(back.webinar.id, back.registrantId)?.join_url ?? 'none';
  expect(reinstated.text).toContain(`Join with your own link: ${joinUrl}`);

  // One each, whatever Zoom redelivers meanwhile.
  await settled(world, back.webinar.id, back.registrantId);
  for (const address of ['grace@example.com', 'alan@example.com', 'barbara@example.com']) {
    expect(smtp.to(address)).toHaveLength(1);
  }
});

test('two temporary refusals (451), then delivered once, with the same Message-ID every time', async () => {
  const { webinar, registrantId } = await registered({ email: 'joan@example.com', first_name: 'Joan' });
  const refusedBefore = smtp.refusals.length;
  smtp.refuse(2, 451, '4.7.1 greylisted, try again later');
  await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, registrantId));
  // The app is told at once: the email retries beside the callbacks, never in front of them.
  await eventually(async () => {
    const view = await world.state(webinar.id, registrantId);
    const told = view.callbacks.some((c) => c.type === 'registrant.cancelled');
    return told && view.emails[0]?.status === 'sending' ? view : undefined;
  });
  await emailsTo('joan@example.com');
  expect(smtp.refusals.slice(refusedBefore)).toEqual([451, 451]);
  const view = await emailSettled(webinar.id, registrantId);
  expect(view.emails).toMatchObject([{ kind: 'self_cancelled', status: 'sent' }]);
  expect(smtp.to('joan@example.com')).toHaveLength(1);
});

test('a permanent refusal (550 on the address) is recorded, and the app is still told', async () => {
  const { webinar, registrantId } = await registered({ email: 'nobody@example.com', first_name: 'Nobody' });
  smtp.refuseRecipient('nobody@example.com');
  await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, registrantId));
  const [, cancelled] = await callbacksAbout(world, registrantId, 2);
  expect(cancelled).toMatchObject({ type: 'registrant.cancelled', data: { cancelled_by: 'registrant' } });
  const view = await emailSettled(webinar.id, registrantId);
  expect(view.emails).toEqual([
    { id: expect.any(String), kind: 'self_cancelled', status: 'failed', error: expect.stringMatching(/550/) },
  ]);
  expect(smtp.to('nobody@example.com')).toEqual([]);
  // The Web UI's current details say it, once the run is idle again.
  const handle = world.client.workflow.getHandle(`zoom-registrant/${webinar.id}/${registrantId}`);
  const details = await eventually(async () => {
    const { currentDetails } = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    return currentDetails?.includes('did not reach') ? currentDetails : undefined;
  });
  expect(details).toMatch(
    /The self_cancelled email did not reach the registrant: the mail server refused it for good: 550/,
  );
  // The API's read shows it too.
  const read = await callApi(world, 'GET', `/api/v1/webinars/${webinar.id}/registrants/${registrantId}`);
  expect(read.body).toMatchObject({ emails: [{ status: 'failed' }] });
});

test('a name with CR/LF and markup injects no header, no recipient and no HTML', async () => {
  const { webinar, registrantId } = await registered({
    email: 'eve@example.com',
    first_name: 'Eve\r\nBcc: mallory@example.com',
    last_name: '<script>alert(1)</script>',
  });
  await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, registrantId));
  const [email] = (await emailsTo('eve@example.com')) as [CaughtEmail];
  expect(email.headers.has('bcc')).toBe(false);
  const blank = email.raw.search(/\r?\n\r?\n/);
  const [headers, body] = [email.raw.slice(0, blank), email.raw.slice(blank)];
  expect(headers).not.toMatch(/^Bcc:/im);
  expect(body).not.toMatch(/^Bcc:/im);
  expect(email.text).toContain('Hello Eve Bcc: mallory@example.com,');
  expect(smtp.to('mallory@example.com')).toEqual([]);
  expect(email.html).not.toContain('<script>');
  expect(email.subject).not.toMatch(/[\r\n]/);
});

test('a needs_review case posts one alert naming the webinar, the registrant, why, the command and the Web UI', async () => {
  const { webinar, registrantId } = await registered({ email: 'rosalind@example.com', first_name: 'Rosalind' });
  world.emulator.scriptLookup(webinar.id, registrantId, [
    { respond: 'error', status: 404, code: 1001, message: 'User does not exist' },
  ]);
  await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, registrantId));
  const text = await eventually(() => alerts.texts.find((t) => t.includes(registrantId)));
  expect(text).toContain(`*Needs review*: webinar ${webinar.id}, registrant ${registrantId}: Zoom refused`);
  expect(text).toContain(`\`npm run ops -- resolve ${webinar.id} ${registrantId} admin\``);
  expect(text).toContain(
    `http://localhost:8233/namespaces/default/workflows/${encodeURIComponent(`zoom-registrant/${webinar.id}/${registrantId}`)}`,
  );
  const view = await world.state(webinar.id, registrantId);
  expect(view.alerts).toEqual([{ id: expect.any(String), kind: 'needs_review', status: 'sent', error: null }]);
  // No email: nothing is settled until an operator decides; then the outcome's email.
  expect(smtp.to('rosalind@example.com')).toEqual([]);
  await world.client.workflow
    .getHandle(`zoom-registrant/${webinar.id}/${registrantId}`)
    .executeUpdate(resolveUpdate, { args: [{ cancelled_by: 'admin' }] });
  const [email] = (await emailsTo('rosalind@example.com')) as [CaughtEmail];
  expect(email.subject).toBe('Your registration for Analytical engines was cancelled by the organiser');
  expect(alerts.texts.filter((t) => t.includes(registrantId))).toHaveLength(1);
});

test("a meeting's registrant: Zoom's registration_url when its GET gives one, else the team's pattern", async () => {
  const emailAfterSelfCancel = async (email: string) => {
    const meeting = world.emulator.addMeeting({ topic: 'Office hours' });
    const { registrant, event } = world.emulator.register(meeting.id, { email, first_name: 'Ken' });
    await world.deliver(event);
    await world.deliver(world.emulator.cancelAsRegistrant(meeting.id, registrant.id));
    const [sent] = (await emailsTo(email)) as [CaughtEmail];
    return { meeting, sent };
  };
  // Zoom's reference lists no registration_url for GET meeting (UNCONFIRMED): the emulator leaves it out by default.
  const patterned = await emailAfterSelfCancel('ken@example.com');
  expect(patterned.sent.text).toContain(
    `You may register again: https://events.example.com/meetings/${patterned.meeting.id}/register`,
  );
  await world.emulator.configure({ meetingRegistrationUrl: 'returned' });
  try {
    const fromZoom = await emailAfterSelfCancel('kenneth@example.com');
    expect(fromZoom.sent.text).toContain(`You may register again: ${fromZoom.meeting.registrationUrl}`);
  } finally {
    await world.emulator.configure({ meetingRegistrationUrl: 'absent' });
  }
});

describe('templates a team overrides', () => {
  let own: World;
  const ownSmtp = new SmtpCatcher();
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'templates-'));
    mkdirSync(path.join(dir, 'self_cancelled'));
    writeFileSync(path.join(dir, 'self_cancelled', 'subject.hbs'), 'See you another time, {{first_name}}');
    own = await startWorld({
      windows: { ...WINDOWS, SMTP_URL: await ownSmtp.start(), NOTIFY_FROM: FROM, NOTIFY_TEMPLATES_DIR: dir },
    });
  });
  afterAll(async () => {
    await own?.stop();
    await ownSmtp.stop();
  });

  test('an overridden subject is used, and the parts left alone stay ours', async () => {
    const webinar = own.emulator.addWebinar({ topic: 'Difference engines' });
    const { registrant, event } = own.emulator.register(webinar.id, {
      email: 'charles@example.com',
      first_name: 'Charles',
    });
    await own.deliver(event);
    await own.deliver(own.emulator.cancelAsRegistrant(webinar.id, registrant.id));
    const [email] = (await eventually(() => (ownSmtp.emails.length ? ownSmtp.emails : undefined))) as [CaughtEmail];
    expect(email.subject).toBe('See you another time, Charles');
    expect(email.text).toContain('Your registration for Difference engines');
  });
});

describe('a worker killed between the decision and the send', () => {
  let killed: World;
  const killedSmtp = new SmtpCatcher();
  const children: ChildProcess[] = [];
  let metrics = '';
  const startWorker = () => {
    const child = spawnWorker(killed, metrics);
    children.push(child);
    return child;
  };
  beforeAll(async () => {
    metrics = `127.0.0.1:${await freePort()}`;
    const smtpUrl = await killedSmtp.start();
    killed = await startWorld({
      inProcessWorkers: false,
      windows: { ...WINDOWS, SMTP_URL: smtpUrl, NOTIFY_FROM: FROM },
    });
  });
  afterAll(async () => {
    children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
    await killed?.stop();
    await killedSmtp.stop();
  });

  test('exactly one email per outcome kind, each sent again by the next worker', async () => {
    let worker = startWorker();
    const cases: Array<[string, (address: string) => Promise<unknown>]> = [
      [
        'You cancelled your registration',
        async (email) => {
          const { webinar, registrantId } = await registered({ email, first_name: 'Self' }, killed);
          await killed.deliver(killed.emulator.cancelAsRegistrant(webinar.id, registrantId));
        },
      ],
      [
        'was cancelled by the organiser',
        async (email) => {
          const { webinar, registrantId } = await registered({ email, first_name: 'Admin' }, killed);
          await killed.deliver(killed.emulator.cancelAsAdmin(webinar.id, registrantId));
        },
      ],
      [
        'Cancelled: your registration',
        async (email) => {
          const { webinar, registrantId } = await registered({ email, first_name: 'Api' }, killed);
          const api = `/api/v1/webinars/${webinar.id}/registrants/${registrantId}/cancellations`;
          await callApi(killed, 'POST', api, { body: { by: 'admin' } });
        },
      ],
      [
        'You are still registered',
        async (email) => {
          const { webinar, registrantId } = await registered({ email, first_name: 'Back' }, killed);
          await killed.deliver(killed.emulator.cancelAsAdmin(webinar.id, registrantId));
          await eventually(async () => (await killed.state(webinar.id, registrantId)).evidence?.lookup === 'denied');
          await killed.deliver(killed.emulator.approve(webinar.id, registrantId));
        },
      ],
    ];
    for (const [index, [subject, outcome]] of cases.entries()) {
      const address = `person-${index}@example.com`;
      // The worker is killed as it starts to send (MAIL FROM): the outcome is decided, the email not sent.
      const restarted = new Promise<void>((resolve) =>
        killedSmtp.whenNextSends(async () => {
          const exited = once(worker, 'exit');
          worker.kill('SIGKILL');
          await exited;
          resolve();
        }),
      ).then(() => {
        worker = startWorker();
      });
      await outcome(address);
      await restarted;
      const [email] = (await eventually(() => (killedSmtp.to(address).length ? killedSmtp.to(address) : undefined), {
        timeoutMs: 90_000,
        what: `the email to ${address} after the restart`,
      })) as [CaughtEmail];
      expect(email.subject).toContain(subject);
    }
    const messageIds = killedSmtp.emails.map((e) => e.messageId);
    expect(new Set(messageIds).size).toBe(cases.length);
    expect(messageIds).toHaveLength(cases.length);
    // The last worker sent the reinstatement's email: counted once, by kind and outcome, and nothing personal in it.
    const { data: exposition } = await axios.get<string>(`http://${metrics}/metrics`);
    // Summed over its series: the one the worker starts at 0, and the activity's own.
    const sent = exposition
      .split('\n')
      .filter((l) => l.startsWith('zoom_registrant_emails_total{'))
      .filter((l) => l.includes('email_kind="reinstated"') && l.includes('outcome="sent"'))
      .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
    expect(sent).toBe(1);
    expect(exposition).not.toContain('@example.com');
  });
});
