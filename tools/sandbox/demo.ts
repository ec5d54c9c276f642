// `npm run demo`: plays the seed scenarios end to end against `npm run dev`'s world, in a new webinar and meeting. People act through the
// sandbox's control API (so Zoom's webhooks go to the gateway as in production); what the app was told is read back
// from the gateway's API, and what the registrants were emailed from the dev world's SMTP catcher. Prints progress
// while they run and, for each, what the app was told and which email went out (or that none did).
import type { Client } from '@temporalio/client';
import axios, { type AxiosInstance } from 'axios';
import ms from 'ms';
import { z } from 'zod';
import { durationSchema, loadConfigOrExit, temporalSchema } from '../../src/config';
import { connectClient } from '../../src/temporal/connection';
import { sweepNow } from '../../src/temporal/reconciliation-schedule';
import type { RegistrantView } from '../../src/workflows/registrant/messages';
import { errorMessage } from '../../src/errors';
import { unreachableDetail } from '../../src/http';
import { caughtEmailsTo, describeCaught, noticeIdOf, type CaughtEmail } from '../dev/caught-emails';
import {
  ZOOM_EVENT_KINDS,
  zoomEventOf,
  zoomEventPath,
  type ZoomEvent,
  type ZoomEventKind,
} from '../../src/domain/zoom-event';

const envSchema = temporalSchema.extend({
  SANDBOX_URL: z.url({ error: 'must be an http(s) URL' }).default('http://127.0.0.1:9090'),
  GATEWAY_URL: z.url({ error: 'must be an http(s) URL' }).default('http://127.0.0.1:3000'),
  // The web side of npm run dev's SMTP catcher (maildev), whose REST API lists what the worker sent.
  SMTP_CATCHER_URL: z.url({ error: 'must be an http(s) URL' }).default('http://127.0.0.1:1080'),
  API_TOKEN: z.string().min(1).default('dev-api-token'),
  DEMO_TIMEOUT_S: z.coerce.number({ error: 'must be seconds' }).int().positive().default(120),
  // As npm run dev sets it for its worker: a sweep counts only what changed longer ago than this.
  RECONCILE_GRACE: z.string().default('5s').pipe(durationSchema),
});
const env = loadConfigOrExit(envSchema);

interface Acted {
  registrant: { id: string; email: string; status: string } | null;
}

class Demo {
  private readonly sandbox: AxiosInstance;
  private readonly gateway: AxiosInstance;

  /** Where the demo's people register: a new webinar, or a new meeting, as the control API names it. */
  private readonly path: string;

  constructor(
    readonly zoomEvent: ZoomEvent,
    private readonly temporal: Client,
  ) {
    this.path = zoomEventPath(zoomEvent);
    this.sandbox = axios.create({ baseURL: `${env.SANDBOX_URL}/_sandbox`, timeout: 10_000 });
    this.gateway = axios.create({
      baseURL: `${env.GATEWAY_URL}/api/v1`,
      timeout: 10_000,
      headers: { authorization: `Bearer ${env.API_TOKEN}` },
      validateStatus: (status) => status === 200 || status === 404,
    });
  }

  /** A new webinar or meeting in the sandbox, for the demo's people to register in. */
  static async host(kind: ZoomEventKind): Promise<ZoomEvent> {
    const sandbox = axios.create({ baseURL: `${env.SANDBOX_URL}/_sandbox`, timeout: 10_000 });
    const hosted = await sandbox.post<{ id: string }>(`/${kind}s`, { topic: 'npm run demo' });
    return zoomEventOf(kind, hosted.data.id);
  }

  /** Zoom loses the next webhook, whoever's it is. */
  async loseNextWebhook(): Promise<void> {
    await this.sandbox.post('/webhooks/drop', { next: 1 });
  }

  /** One reconciliation sweep of this webinar or meeting, as `npm run ops -- reconcile` runs it. */
  async sweep(): Promise<void> {
    await (await sweepNow(this.temporal, env.TEMPORAL_TASK_QUEUE, [this.zoomEvent])).result();
  }

  async register(email: string, firstName: string): Promise<string> {
    const acted = await this.sandbox.post<Acted>(`${this.path}/registrants`, {
      email,
      first_name: firstName,
      last_name: 'Demo',
    });
    return acted.data.registrant?.id ?? '';
  }

  /** Registers someone and waits until the app was told `registrant.created`. */
  async registered(email: string, firstName: string): Promise<string> {
    const id = await this.register(email, firstName);
    await this.until(id, hasCallback('registrant.created'));
    return id;
  }

  async act(action: 'approve' | 'cancel-as-admin' | 'cancel-as-registrant', registrantId: string): Promise<void> {
    await this.sandbox.post(`${this.path}/registrants/${registrantId}/${action}`);
  }

  async settings(patch: Record<string, unknown>): Promise<Record<string, unknown>> {
    const before = await this.sandbox.get<Record<string, unknown>>('/settings');
    await this.sandbox.patch('/settings', patch);
    return before.data;
  }

  /** Polls the registrant through the gateway's API until `done` holds. */
  async until(registrantId: string, done: (view: RegistrantView) => boolean): Promise<RegistrantView> {
    const deadline = Date.now() + env.DEMO_TIMEOUT_S * 1000;
    for (;;) {
      const view = await this.read(registrantId);
      if (view && done(view)) return view;
      if (Date.now() > deadline) {
        throw new Error(`no outcome after ${env.DEMO_TIMEOUT_S}s (state: ${view ? view.state : 'no workflow'})`);
      }
      await sleep(500);
    }
  }

  /** The registrant through the gateway's API; null when it has no workflow. */
  private async read(registrantId: string): Promise<RegistrantView | null> {
    const answer = await this.gateway.get<RegistrantView>(`${this.path}/registrants/${registrantId}`);
    return answer.status === 200 ? answer.data : null;
  }

  /**
   * What a settled registrant was emailed, as the SMTP catcher holds it (to their address, and sent for one of their
   * outcomes: the same address gets the emails of earlier demos too), or plainly that none was sent.
   */
  async emailed(registrantId: string): Promise<string> {
    // Sent beside the app's callback, not before it: the callback may come first.
    const deadline = Date.now() + EMAIL_WAIT_S * 1000;
    let view = await this.read(registrantId);
    while (view?.emails.some((e) => e.status === 'sending') && Date.now() < deadline) {
      await sleep(500);
      view = await this.read(registrantId);
    }
    if (!view) return `none: registrant ${registrantId} has no workflow`;
    const onItsWay = view.emails.filter((e) => e.status === 'sending').map((e) => e.kind);
    if (onItsWay.length > 0) {
      return `the ${onItsWay.join(', ')} email still on its way after ${EMAIL_WAIT_S}s: the mail server has not taken it yet`;
    }
    const address = view.registrant?.email ?? null;
    const alerted = view.alerts.map((a) => a.kind).join(', ');
    if (view.emails.length === 0) {
      const to = address ?? `registrant ${registrantId}`;
      return `none sent to ${to}${alerted ? `: the operators were alerted instead (${alerted})` : ''}`;
    }
    const lines = view.emails
      .filter((e) => e.status === 'failed')
      .map((e) => `the ${e.kind} email failed: ${e.error ?? 'no reason given'}`);
    const sent = view.emails.filter((e) => e.status === 'sent');
    if (sent.length > 0 && address) {
      try {
        const caught = await caughtFor(address, new Set(sent.map((e) => e.id)));
        for (const record of sent) {
          const email = caught.find((c) => noticeIdOf(c) === record.id);
          lines.push(
            email
              ? `${describeCaught(email)} (${record.kind})`
              : `the ${record.kind} email was sent, but the SMTP catcher at ${env.SMTP_CATCHER_URL} has no such email ` +
                  '(does the worker send elsewhere? SMTP_URL)',
          );
        }
      } catch (err) {
        const why = axios.isAxiosError(err) ? unreachableDetail(err) : errorMessage(err);
        const kinds = sent.map((e) => e.kind).join(', ');
        lines.push(`sent (${kinds}), but the SMTP catcher at ${env.SMTP_CATCHER_URL} could not be read: ${why}`);
      }
    }
    if (alerted) lines.push(`the operators were alerted too (${alerted})`);
    return lines.join('; ');
  }
}

/** How long a settled registrant's email may take to leave before the demo says it has not. */
const EMAIL_WAIT_S = 15;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The emails to `address` sent for the notices `ids`, waiting briefly for those the catcher has yet to list. */
async function caughtFor(address: string, ids: Set<string>): Promise<CaughtEmail[]> {
  // maildev lists an email once it has parsed it, a moment after it answered the worker's SMTP.
  const deadline = Date.now() + 3_000;
  for (;;) {
    const mine = (await caughtEmailsTo(env.SMTP_CATCHER_URL, address)).filter((e) => ids.has(noticeIdOf(e)));
    if (mine.length >= ids.size || Date.now() > deadline) return mine;
    await sleep(200);
  }
}

const told = (view: RegistrantView) => {
  const types = view.callbacks.map((c) => c.type).join(', ') || 'nothing';
  const outcome = view.outcome
    ? ` (cancelled_by ${view.outcome.cancelled_by}, can_reregister ${view.outcome.can_reregister})`
    : '';
  return `${types}${outcome}`;
};
const hasCallback = (type: string) => (view: RegistrantView) => view.callbacks.some((c) => c.type === type);

/** How a scenario ended: what the app was told, and about whom. */
interface Played {
  told: string;
  /** The registrants whose emails are shown. */
  registrants: string[];
}

interface Scenario {
  name: string;
  /** Played in the demo's webinar, unless it is about a meeting. */
  in?: ZoomEventKind;
  /** Plays it; `step` reports progress. */
  play(demo: Demo, step: (what: string) => void): Promise<Played>;
}

/** Someone registers, then uses the cancel link in their confirmation: the lookup finds them removed, no wait. */
const selfCancel = (name: string, kind: ZoomEventKind, firstName: string): Scenario => ({
  name,
  in: kind,
  async play(demo, step) {
    const id = await demo.registered(`${firstName.toLowerCase()}.demo@example.com`, firstName);
    step(`${firstName} uses the cancel link in the ${kind}'s confirmation email`);
    await demo.act('cancel-as-registrant', id);
    step(`waiting for the outcome (looked up under /${kind}s: found removed, no wait)`);
    return { told: told(await demo.until(id, hasCallback('registrant.cancelled'))), registrants: [id] };
  },
});

const scenarios: Scenario[] = [
  selfCancel('self-cancel', 'webinar', 'Ada'),
  selfCancel('self-cancel of a meeting registration', 'meeting', 'Alan'),
  {
    name: 'admin cancel',
    async play(demo, step) {
      const id = await demo.registered('grace.demo@example.com', 'Grace');
      step('the host cancels Grace');
      await demo.act('cancel-as-admin', id);
      step('Zoom says denied: waiting FOLLOW_UP_WINDOW for an approval that would reverse it');
      return { told: told(await demo.until(id, hasCallback('registrant.cancelled'))), registrants: [id] };
    },
  },
  {
    name: 'admin cancel, then re-approve',
    async play(demo, step) {
      const id = await demo.registered('lin.demo@example.com', 'Lin');
      step('the host cancels Lin');
      await demo.act('cancel-as-admin', id);
      await demo.until(id, (view) => view.evidence?.lookup === 'denied');
      step('the host changes their mind and approves Lin again, within the window');
      await demo.act('approve', id);
      return { told: told(await demo.until(id, hasCallback('registrant.reinstated'))), registrants: [id] };
    },
  },
  {
    name: 're-registration after self-cancel',
    async play(demo, step) {
      const first = await demo.registered('max.demo@example.com', 'Max');
      step('Max cancels himself');
      await demo.act('cancel-as-registrant', first);
      const cancelled = await demo.until(first, hasCallback('registrant.cancelled'));
      step('Max registers again with the same email');
      const second = await demo.register('max.demo@example.com', 'Max');
      const again = await demo.until(second, hasCallback('registrant.created'));
      return {
        told: `${told(cancelled)}; then, as registrant ${second}: ${told(again)}`,
        registrants: [first, second],
      };
    },
  },
];

// Alone, after the others, because it makes the sandbox lose the next webhook, whoever's it is.
const lostWebhook: Scenario = {
  name: 'a cancellation Zoom never delivered',
  async play(demo, step) {
    const id = await demo.registered('eve.demo@example.com', 'Eve');
    await demo.loseNextWebhook();
    step('Eve cancels herself, and Zoom loses the webhook: the app still counts her seat');
    await demo.act('cancel-as-registrant', id);
    step(`waiting RECONCILE_GRACE (${ms(env.RECONCILE_GRACE)}): a sweep counts only what changed before it`);
    await new Promise((resolve) => setTimeout(resolve, env.RECONCILE_GRACE + 500));
    step("a reconciliation sweep reads Zoom's listings (npm run ops -- reconcile does the same)");
    await demo.sweep();
    const view = await demo.until(id, hasCallback('registrant.cancelled'));
    return { told: `${told(view)}, from evidence source ${view.evidence?.source ?? 'none'}`, registrants: [id] };
  },
};

// Alone, after the others, because it changes a sandbox-wide setting.
const duplicateDelivery: Scenario = {
  name: 'duplicate delivery',
  async play(demo, step) {
    const before = await demo.settings({ duplicateRate: 1 });
    try {
      step('every webhook is now delivered twice');
      const id = await demo.registered('kim.demo@example.com', 'Kim');
      await demo.act('cancel-as-registrant', id);
      const view = await demo.until(id, (v) => hasCallback('registrant.cancelled')(v) && v.duplicates_ignored >= 2);
      return { told: `${told(view)}; ${view.duplicates_ignored} duplicate deliveries ignored`, registrants: [id] };
    } finally {
      await demo.settings({ duplicateRate: before.duplicateRate });
    }
  },
};

/** `notes`: lines under the scenario's own (the emails it sent). */
type Status = { state: 'running' | 'done' | 'failed'; detail: string; notes: string[]; startedAt: number };

class Progress {
  private readonly statuses = new Map<string, Status>();
  private drawn = 0;
  private readonly tty = Boolean(process.stdout.isTTY);
  private readonly frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
  private tick = 0;
  private timer: NodeJS.Timeout | null = null;

  start(): void {
    if (this.tty) this.timer = setInterval(() => this.draw(), 200);
  }

  update(name: string, state: Status['state'], detail: string, notes: string[] = []): void {
    const startedAt = this.statuses.get(name)?.startedAt ?? Date.now();
    this.statuses.set(name, { state, detail, notes, startedAt });
    // Without a terminal to redraw, each change is printed once.
    if (!this.tty) process.stdout.write(`${this.lines(name).join('\n')}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.draw();
  }

  private lines(name: string): string[] {
    const s = this.statuses.get(name)!;
    const spinner = this.tty ? this.frames[this.tick % this.frames.length] : '…';
    const icon = s.state === 'done' ? '✔' : s.state === 'failed' ? '✘' : spinner;
    const seconds = Math.round((Date.now() - s.startedAt) / 1000);
    const line = `${icon} ${name.padEnd(34)} ${s.state === 'running' ? `${seconds}s ` : ''}${s.detail}`;
    return [line, ...s.notes.map((note) => `  ${' '.repeat(34)} ${note}`)];
  }

  private draw(): void {
    this.tick += 1;
    if (this.drawn > 0) process.stdout.write(`\x1b[${this.drawn}A`);
    const lines = [...this.statuses.keys()].flatMap((name) => this.lines(name)).map((line) => `\x1b[2K${line}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}

async function run(demos: Record<ZoomEventKind, Demo>, scenario: Scenario, progress: Progress): Promise<boolean> {
  progress.update(scenario.name, 'running', 'starting');
  try {
    const demo = demos[scenario.in ?? 'webinar'];
    const played = await scenario.play(demo, (what) => progress.update(scenario.name, 'running', what));
    progress.update(scenario.name, 'running', 'settled; reading what was emailed from the SMTP catcher');
    const { registrants } = played;
    const emailed = await Promise.all(registrants.map((id) => demo.emailed(id)));
    // Named by id when there are several: they may share an address (a re-registration).
    const label = (i: number) => (registrants.length > 1 ? `email, registrant ${registrants[i]}: ` : 'email: ');
    progress.update(
      scenario.name,
      'done',
      `app told: ${played.told}`,
      emailed.map((what, i) => `${label(i)}${what}`),
    );
    return true;
  } catch (err) {
    progress.update(scenario.name, 'failed', err instanceof Error ? err.message : String(err));
    return false;
  }
}

async function main(): Promise<void> {
  let demos: Record<ZoomEventKind, Demo>;
  try {
    // The sandbox before Temporal: only npm run dev serves it, so its silence means there is no dev world, whatever
    // else listens on 7233. Temporal's own message already says what to do about an address that does not answer.
    const hosted = await Promise.all(ZOOM_EVENT_KINDS.map((kind) => Demo.host(kind)));
    const { client } = await connectClient(env);
    const played = hosted.map((zoomEvent) => [zoomEvent.kind, new Demo(zoomEvent, client)] as const);
    demos = Object.fromEntries(played) as Record<ZoomEventKind, Demo>;
  } catch (err) {
    const detail = axios.isAxiosError(err)
      ? `the sandbox at ${env.SANDBOX_URL} is not reachable (${unreachableDetail(err)}): start npm run dev first`
      : errorMessage(err);
    process.stderr.write(`demo: ${detail}\n`);
    process.exit(1);
  }
  const alone = [lostWebhook, duplicateDelivery];
  process.stdout.write(
    `Playing ${scenarios.length + alone.length} scenarios in webinar ${demos.webinar.zoomEvent.id} and meeting ` +
      `${demos.meeting.zoomEvent.id}; watch them in the Web UI too, and the emails at ${env.SMTP_CATCHER_URL}.\n\n`,
  );
  const progress = new Progress();
  progress.start();
  const results = await Promise.all(scenarios.map((scenario) => run(demos, scenario, progress)));
  for (const scenario of alone) results.push(await run(demos, scenario, progress));
  progress.stop();
  const failed = results.filter((ok) => !ok).length;
  process.stdout.write(`\n${failed === 0 ? 'all scenarios settled' : `${failed} scenario(s) failed`}\n`);
  process.exit(failed === 0 ? 0 : 1);
}

void main();
