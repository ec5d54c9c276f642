// `npm run demo`: plays the seed scenarios end to end against `npm run dev`'s world, in a new webinar and meeting. People act through the
// sandbox's control API (so Zoom's webhooks go to the gateway as in production); what the app was told is read back
// from the gateway's API. Prints progress while they run and, for each, what the app was told.
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

  static async create(temporal: Client, kind: ZoomEventKind): Promise<Demo> {
    const sandbox = axios.create({ baseURL: `${env.SANDBOX_URL}/_sandbox`, timeout: 10_000 });
    const hosted = await sandbox.post<{ id: string }>(`/${kind}s`, { topic: 'npm run demo' });
    return new Demo(zoomEventOf(kind, hosted.data.id), temporal);
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
      const answer = await this.gateway.get<RegistrantView>(`${this.path}/registrants/${registrantId}`);
      if (answer.status === 200 && done(answer.data)) return answer.data;
      if (Date.now() > deadline) {
        throw new Error(
          `no outcome after ${env.DEMO_TIMEOUT_S}s (state: ${answer.status === 200 ? answer.data.state : 'no workflow'})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
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

interface Scenario {
  name: string;
  /** Played in the demo's webinar, unless it is about a meeting. */
  in?: ZoomEventKind;
  /** Plays it; `step` reports progress; returns what the app was told. */
  play(demo: Demo, step: (what: string) => void): Promise<string>;
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
    return told(await demo.until(id, hasCallback('registrant.cancelled')));
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
      return told(await demo.until(id, hasCallback('registrant.cancelled')));
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
      return told(await demo.until(id, hasCallback('registrant.reinstated')));
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
      return `${told(cancelled)}; then, as registrant ${second}: ${told(again)}`;
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
    return `${told(view)}, from evidence source ${view.evidence?.source ?? 'none'}`;
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
      return `${told(view)}; ${view.duplicates_ignored} duplicate deliveries ignored`;
    } finally {
      await demo.settings({ duplicateRate: before.duplicateRate });
    }
  },
};

type Status = { state: 'running' | 'done' | 'failed'; detail: string; startedAt: number };

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

  update(name: string, state: Status['state'], detail: string): void {
    const startedAt = this.statuses.get(name)?.startedAt ?? Date.now();
    this.statuses.set(name, { state, detail, startedAt });
    // Without a terminal to redraw, each change is one line.
    if (!this.tty) process.stdout.write(`${this.line(name)}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.draw();
  }

  private line(name: string): string {
    const s = this.statuses.get(name)!;
    const spinner = this.tty ? this.frames[this.tick % this.frames.length] : '…';
    const icon = s.state === 'done' ? '✔' : s.state === 'failed' ? '✘' : spinner;
    const seconds = Math.round((Date.now() - s.startedAt) / 1000);
    return `${icon} ${name.padEnd(34)} ${s.state === 'running' ? `${seconds}s ` : ''}${s.detail}`;
  }

  private draw(): void {
    this.tick += 1;
    if (this.drawn > 0) process.stdout.write(`\x1b[${this.drawn}A`);
    const lines = [...this.statuses.keys()].map((name) => `\x1b[2K${this.line(name)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }
}

async function run(demos: Record<ZoomEventKind, Demo>, scenario: Scenario, progress: Progress): Promise<boolean> {
  progress.update(scenario.name, 'running', 'starting');
  try {
    const demo = demos[scenario.in ?? 'webinar'];
    const result = await scenario.play(demo, (what) => progress.update(scenario.name, 'running', what));
    progress.update(scenario.name, 'done', `app told: ${result}`);
    return true;
  } catch (err) {
    progress.update(scenario.name, 'failed', err instanceof Error ? err.message : String(err));
    return false;
  }
}

async function main(): Promise<void> {
  let demos: Record<ZoomEventKind, Demo>;
  try {
    const { client } = await connectClient(env);
    const created = await Promise.all(ZOOM_EVENT_KINDS.map((kind) => Demo.create(client, kind)));
    demos = Object.fromEntries(created.map((demo) => [demo.zoomEvent.kind, demo])) as Record<ZoomEventKind, Demo>;
  } catch (err) {
    const detail = axios.isAxiosError(err)
      ? `the sandbox at ${env.SANDBOX_URL} is not reachable (${unreachableDetail(err)})`
      : errorMessage(err);
    process.stderr.write(`demo: ${detail}: start npm run dev first\n`);
    process.exit(1);
  }
  const alone = [lostWebhook, duplicateDelivery];
  process.stdout.write(
    `Playing ${scenarios.length + alone.length} scenarios in webinar ${demos.webinar.zoomEvent.id} and meeting ` +
      `${demos.meeting.zoomEvent.id}; watch them in the Web UI too.\n\n`,
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
