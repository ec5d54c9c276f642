// `--phase cost`: what a registrant costs on Temporal (issue 25). Each lifecycle is run on its own, ours (the
// compiled worker and gateway, as production runs them) and then the minimal baseline (bench/cost-baseline*.ts), in a
// namespace of the phase's own, so that the server's `action` counter moves for that lifecycle alone: its billable
// actions, cross-checked against the histories, the histories' events, bytes and workflow tasks, and the Zoom calls.
// Then the sweep's actions per webinar per run and per day, and the shared Zoom budget's actions per Zoom call.
//
// Our workflows stay open for DEDUP_WINDOW after their last event. Actions are read once the outcome is told and
// the workflow is idle (nothing billable is left: the window's timer was started when it went idle, and completing
// bills nothing; the phase checks that); with a DEDUP_WINDOW of 30 s here, the histories are read once they have
// completed, so that their events and bytes are whole.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import axios from 'axios';
import { reconcileScheduleSchema } from '../../src/config';
import { zoomWebinar, type ZoomEvent } from '../../src/domain/zoom-event';
import { sweepNow } from '../../src/temporal/reconciliation-schedule';
import { resolveUpdate } from '../../src/workflows/registrant/messages';
import { registrantWorkflowId, searchAttributes } from '../../src/workflows/registrant/names';
import { zoomBudgetWorkflowId } from '../../src/workflows/zoom-budget/messages';
import { registrationEventSchema } from '../../src/zoom/webhook';
import { eventually } from '../../tools/eventually';
import { ZoomEmulator } from '../../tools/sandbox/emulator';
import {
  add,
  historyCost,
  historySince,
  markOf,
  metricCategories,
  minus,
  OUTSIDE_HISTORY,
  scrapeActions,
  sum,
  total,
  type Counts,
  type HistoryCost,
  type RunSlice,
} from '../cost-actions';
import { baselineWorkflowId, startBaseline } from '../cost-baseline';
import { baselineResolveUpdate } from '../cost-baseline-workflow';
import { ingestUntilAccepted } from '../ingest';
import { startGateway, startWorker, type BenchProcess } from '../processes';
import { API_TOKEN, CREDENTIALS, SECRET, until, workerEnv, type Bench } from '../world';

const NAMESPACE = 'bench-cost';
const TASK_QUEUE = 'bench-cost';
const BASELINE_TASK_QUEUE = 'bench-cost-baseline';
// Long enough for the reinstatement to be delivered within it on a busy machine; its length costs nothing.
const FOLLOW_UP_WINDOW_MS = 5_000;
// Longer than any lifecycle here (so that it never expires in the middle of one, which a day would not either), short
// enough to read whole histories.
const DEDUP_WINDOW_MS = 30_000;
/** A webinar of this many registrants: four pages of approved, one of pending, one of denied, and the webinar. */
const SWEEP_REGISTRANTS = 1_000;
/** The server adds to its Prometheus counters about once a second: unchanged for longer than this, it is still. */
const COUNTER_STILL_MS = 2_000;
/** Temporal Cloud bills a schedule's run as two actions beside the start (https://docs.temporal.io/cloud/actions). */
const SCHEDULE_ACTIONS_PER_RUN = 2;

/** One side of the comparison: ours, or the minimal baseline, each with an emulator of its own. */
interface Side {
  name: 'ours' | 'baseline';
  zoom: ZoomEmulator;
  workflowId(zoomEvent: ZoomEvent, registrantId: string): string;
  cancelThroughApi(zoomEvent: ZoomEvent, registrantId: string): Promise<void>;
  resolve(workflowId: string): Promise<void>;
  /** The shared Zoom budget's workflow, to which each of our Zoom calls adds a booking. */
  budgetId: string | null;
  /** The baseline's workflow ends with its lifecycle; ours stays for the de-duplication window. */
  endsWithLifecycle: boolean;
}

interface Ref {
  registrantId: string;
  workflowId: string;
}

interface Helpers {
  ref(side: Side, webinarId: string, registrantId: string): Ref;
  /** Waits until the app has been told exactly these callbacks about the registrant, in this order. */
  told(ref: Ref, types: string[]): Promise<unknown>;
  /** Waits until the workflow has nothing in flight: the next event comes in a workflow task of its own. */
  idle(ref: Ref): Promise<unknown>;
  /** Waits until the workflow waits out its follow-up window (its timer of FOLLOW_UP_WINDOW_MS has started). */
  inFollowUpWindow(ref: Ref): Promise<unknown>;
}

const person = (tag: string) => ({ email: `${tag}-${Date.now()}@example.com`, first_name: 'Cost', last_name: 'Bench' });

/** The lifecycles of issue 25, each driven as Zoom and the app would, until the app was told its outcome. */
const LIFECYCLES: Array<{ name: string; run(side: Side, h: Helpers): Promise<Ref> }> = [
  {
    name: 'created, then self-cancelled',
    async run(side, h) {
      const webinar = side.zoom.addWebinar();
      const { registrant } = side.zoom.register(webinar.id, person('self'));
      const ref = h.ref(side, webinar.id, registrant.id);
      await h.told(ref, ['registrant.created']);
      await h.idle(ref);
      side.zoom.cancelAsRegistrant(webinar.id, registrant.id);
      await h.told(ref, ['registrant.created', 'registrant.cancelled']);
      return ref;
    },
  },
  {
    name: 'admin cancel, follow-up window',
    async run(side, h) {
      const webinar = side.zoom.addWebinar();
      const registrant = side.zoom.addRegistrant(webinar.id, person('admin'));
      const ref = h.ref(side, webinar.id, registrant.id);
      side.zoom.cancelAsAdmin(webinar.id, registrant.id);
      await h.told(ref, ['registrant.cancelled']);
      return ref;
    },
  },
  {
    name: 'API cancel',
    async run(side, h) {
      const webinar = side.zoom.addWebinar();
      const registrant = side.zoom.addRegistrant(webinar.id, person('api'));
      const ref = h.ref(side, webinar.id, registrant.id);
      await side.cancelThroughApi(zoomWebinar(webinar.id), registrant.id);
      await h.told(ref, ['registrant.cancelled']);
      return ref;
    },
  },
  {
    name: 'reinstated within the window',
    async run(side, h) {
      const webinar = side.zoom.addWebinar();
      const registrant = side.zoom.addRegistrant(webinar.id, person('reinstated'));
      const ref = h.ref(side, webinar.id, registrant.id);
      side.zoom.cancelAsAdmin(webinar.id, registrant.id);
      await h.inFollowUpWindow(ref);
      side.zoom.approve(webinar.id, registrant.id);
      await h.told(ref, ['registrant.approved', 'registrant.reinstated']);
      return ref;
    },
  },
  {
    name: 'needs review, resolved',
    async run(side, h) {
      const webinar = side.zoom.addWebinar();
      const registrant = side.zoom.addRegistrant(webinar.id, person('review'));
      // Zoom no longer knows the webinar: the evidence settles nothing.
      side.zoom.scriptLookup(webinar.id, registrant.id, [{ respond: 'webinar_not_found' }]);
      const ref = h.ref(side, webinar.id, registrant.id);
      side.zoom.cancelAsAdmin(webinar.id, registrant.id);
      await h.told(ref, ['registrant.needs_review']);
      await h.idle(ref);
      await side.resolve(ref.workflowId);
      await h.told(ref, ['registrant.needs_review', 'registrant.cancelled']);
      return ref;
    },
  },
];

/** One lifecycle, measured on one side. */
interface Measurement {
  side: Side['name'];
  lifecycle: string;
  workflowId: string;
  /** The server's `action` counter's increase, by action type. */
  metric: Counts;
  budgetSlices: RunSlice[];
  zoomCalls: number;
}

/** What the histories say of a measurement, once its workflow has completed. */
interface Costed extends Measurement {
  registrant: HistoryCost;
  budget: HistoryCost;
}

const sameCounts = (a: Counts, b: Counts) => a.size === b.size && [...a].every(([k, n]) => b.get(k) === n);
const zoomCallsSince = (zoom: ZoomEmulator, from: number) =>
  zoom.requests.slice(from).filter((r) => r.path.startsWith('/v2/')).length;

export async function benchCost(bench: Bench) {
  const { address, app, appUrl, plan, progress, record, metricsUrl } = bench;
  const client = await openNamespace(bench.client);
  const zoom = new ZoomEmulator(CREDENTIALS);
  const baseZoom = new ZoomEmulator(CREDENTIALS);
  await zoom.start();
  await baseZoom.start();
  const stops: Array<() => Promise<void>> = [() => zoom.stop(), () => baseZoom.stop()];
  const processes: BenchProcess[] = [];
  const alive = () => processes.forEach((p) => p.assertAlive());
  const told = new Map<string, string[]>();
  app.onCallback = ({ callback }) => {
    const id = callback.data.registrant.id;
    told.set(id, [...(told.get(id) ?? []), callback.type]);
  };

  try {
    const gateway = await startGateway({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
      API_TOKEN,
    });
    stops.unshift(() => gateway.stop());
    processes.push(gateway);
    const worker = await startWorker(client, {
      ...workerEnv(bench, TASK_QUEUE, zoom),
      TEMPORAL_NAMESPACE: NAMESPACE,
      FOLLOW_UP_WINDOW: `${FOLLOW_UP_WINDOW_MS}ms`,
      DEDUP_WINDOW: `${DEDUP_WINDOW_MS}ms`,
      RECONCILE_GRACE: '1s',
    });
    stops.unshift(() => worker.stop());
    processes.push(worker);
    const baseline = await startBaseline(client, {
      address,
      taskQueue: BASELINE_TASK_QUEUE,
      zoom: baseZoom,
      app: { url: appUrl, secret: app.secret },
      webhookSecret: SECRET,
      followUpWindowMs: FOLLOW_UP_WINDOW_MS,
    });
    stops.unshift(() => baseline.stop());
    await zoom.configure({ webhookUrl: `${gateway.url}/zoom/webhook`, webhookSecret: SECRET });
    await baseZoom.configure({ webhookUrl: baseline.webhookUrl, webhookSecret: SECRET });

    const ours: Side = {
      name: 'ours',
      zoom,
      workflowId: registrantWorkflowId,
      async cancelThroughApi(zoomEvent, registrantId) {
        const url = `${gateway.url}/api/v1/webinars/${zoomEvent.id}/registrants/${registrantId}/cancellations`;
        const answer = await axios.post(
          url,
          { by: 'registrant' },
          { headers: { authorization: `Bearer ${API_TOKEN}` } },
        );
        if (answer.status !== 200) throw new Error(`the API answered ${answer.status}: ${JSON.stringify(answer.data)}`);
      },
      async resolve(workflowId) {
        // As `npm run ops -- resolve` gives the verdict.
        const handle = client.workflow.getHandle(workflowId);
        const update = await handle.startUpdate(resolveUpdate, {
          args: [{ cancelled_by: 'admin' }],
          waitForStage: 'ACCEPTED',
        });
        await update.result();
      },
      budgetId: zoomBudgetWorkflowId(TASK_QUEUE),
      endsWithLifecycle: false,
    };
    const base: Side = {
      name: 'baseline',
      zoom: baseZoom,
      workflowId: baselineWorkflowId,
      cancelThroughApi: (zoomEvent, registrantId) => baseline.cancelThroughApi(zoomEvent, registrantId, 'registrant'),
      resolve: (workflowId) =>
        client.workflow.getHandle(workflowId).executeUpdate(baselineResolveUpdate, { args: ['admin'] }),
      budgetId: null,
      endsWithLifecycle: true,
    };

    const scrape = () => scrapeActions(metricsUrl, NAMESPACE);
    /**
     * The counter once `ready` holds and the counter then stays still for longer than the server takes to report:
     * whatever happened before `ready` held is in it.
     */
    const still = (what: string, ready: () => Promise<boolean>) =>
      eventually(
        async () => {
          alive();
          if (!(await ready())) return undefined;
          const last = await scrape();
          await sleep(COUNTER_STILL_MS);
          const now = await scrape();
          return sameCounts(now, last) && (await ready()) ? now : undefined;
        },
        { intervalMs: 200, timeoutMs: 90_000, retryErrors: false, what },
      );
    const steady = () => still('the action counter to stop moving', () => Promise.resolve(true));
    const workflowIdle = async (workflowId: string, closed: boolean) => {
      const { raw, status } = await client.workflow.getHandle(workflowId).describe();
      if (closed) return status.name !== 'RUNNING';
      return (raw.pendingActivities ?? []).length === 0 && !raw.pendingWorkflowTask && status.name === 'RUNNING';
    };
    /** Nothing more will happen: Zoom's webhooks delivered, the workflows idle (or ended), the counter still. */
    const quiet = async (side: Side, workflowIds: string[]) => {
      await Promise.race([side.zoom.deliveriesIdle(), sleep(30_000)]);
      return still(`${side.name} to settle`, async () => {
        if (side.zoom.webhooksInFlight > 0 || side.zoom.apiRequestsInFlight > 0) return false;
        for (const id of workflowIds) if (!(await workflowIdle(id, side.endsWithLifecycle))) return false;
        return true;
      });
    };
    const helpers: Helpers = {
      ref: (side, webinarId, registrantId) => ({
        registrantId,
        workflowId: side.workflowId(zoomWebinar(webinarId), registrantId),
      }),
      told: (ref, types) =>
        eventually(
          () => {
            alive();
            const got = told.get(ref.registrantId) ?? [];
            if (got.some((type, i) => type !== types[i])) {
              throw new Error(
                `the app was told ${got.join(', ')} about ${ref.workflowId}; expected ${types.join(', ')}`,
              );
            }
            return got.length === types.length ? true : undefined;
          },
          { timeoutMs: 60_000, retryErrors: false, what: `${types.join(', ')} about ${ref.workflowId}` },
        ),
      idle: (ref) =>
        eventually(() => workflowIdle(ref.workflowId, false), { timeoutMs: 30_000, what: `${ref.workflowId} idle` }),
      inFollowUpWindow: (ref) =>
        eventually(
          async () => {
            const events = (await client.workflow.getHandle(ref.workflowId).fetchHistory()).events ?? [];
            return events.some(
              (e) =>
                e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_TIMER_STARTED &&
                Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) <= FOLLOW_UP_WINDOW_MS / 1000,
            );
          },
          { timeoutMs: 30_000, what: `${ref.workflowId} in its follow-up window` },
        ),
    };

    const measure = async (side: Side, lifecycle: (typeof LIFECYCLES)[number]): Promise<Measurement> => {
      const before = await steady();
      const budgetMark = side.budgetId ? await markOf(client, side.budgetId) : null;
      const zoomFrom = side.zoom.requests.length;
      const ref = await lifecycle.run(side, helpers);
      const after = await quiet(side, [ref.workflowId]);
      if (!side.endsWithLifecycle) await windowStillOpen(client, ref.workflowId);
      return {
        side: side.name,
        lifecycle: lifecycle.name,
        workflowId: ref.workflowId,
        metric: minus(after, before),
        budgetSlices: side.budgetId ? await historySince(client, side.budgetId, budgetMark) : [],
        zoomCalls: zoomCallsSince(side.zoom, zoomFrom),
      };
    };

    // Unmeasured: each side's first Zoom call (the budget workflow started, the OAuth token fetched), so that no
    // lifecycle is charged for what a deployment does once.
    const [warmUp] = LIFECYCLES;
    if (!warmUp) throw new Error('no lifecycles');
    for (const side of [ours, base]) {
      await warmUp.run(side, helpers);
      await quiet(side, []);
    }

    const bar = progress.bar('cost: lifecycles, ours and the baseline', LIFECYCLES.length * 2);
    const measured: Measurement[] = [];
    for (const lifecycle of LIFECYCLES) {
      for (const side of [ours, base]) {
        measured.push(await measure(side, lifecycle));
        bar.update(measured.length);
      }
    }
    bar.stop();

    const burst = await budgetBurst(plan.budgetBurst);
    const sweep = await sweepCost();

    // Our workflows end DEDUP_WINDOW after their last event: their whole histories, and whether ending cost anything.
    const beforeEnding = await steady();
    let ended = 0;
    const endingBy = Date.now() + 4 * DEDUP_WINDOW_MS;
    const ending = (async () => {
      while (ended < measured.length && Date.now() < endingBy) {
        await sleep(1_000);
        const closed = await Promise.all(measured.map((m) => workflowIdle(m.workflowId, true).catch(() => false)));
        ended = closed.filter(Boolean).length;
      }
    })();
    await until(
      progress,
      'cost: our workflows ending (DEDUP_WINDOW)',
      measured.length,
      () => ended,
      alive,
      4 * DEDUP_WINDOW_MS,
    );
    await ending;
    const endingActions = total(minus(await steady(), beforeEnding));
    const costed: Costed[] = [];
    for (const m of measured) {
      costed.push({
        ...m,
        registrant: historyCost(await historySince(client, m.workflowId, null)),
        budget: historyCost(m.budgetSlices),
      });
    }
    report(costed, burst, sweep, endingActions);

    /** A host cancels many registrants at once: the budget's actions per Zoom call when calls queue for it. */
    async function budgetBurst(count: number) {
      const webinar = zoom.addWebinar();
      const people = Array.from({ length: count }, (_, i) => zoom.addRegistrant(webinar.id, person(`burst${i}`)));
      const before = await steady();
      const mark = await markOf(client, ours.budgetId as string);
      const zoomFrom = zoom.requests.length;
      // Handed over together, the gateway's way: through the gateway they would be paced by its answers.
      zoom.dropWebhooks({ next: count });
      const events = people.map((p) => registrationEventSchema.parse(zoom.cancelAsAdmin(webinar.id, p.id)));
      await Promise.all(events.map((event) => ingestUntilAccepted(client, TASK_QUEUE, event)));
      const settled = () => people.filter((p) => told.get(p.id)?.includes('registrant.cancelled')).length;
      await until(progress, `cost: burst of ${count} admin cancellations`, count, settled, alive);
      const after = await quiet(ours, []);
      const heartbeats = metricCategories(minus(after, before)).get('heartbeat') ?? 0;
      const budget = historyCost(await historySince(client, ours.budgetId as string, mark));
      const calls = zoomCallsSince(zoom, zoomFrom);
      return { count, calls, bookings: total(budget.categories), heartbeats, detail: budget.detail };
    }

    /** One sweep of one watched webinar, as the schedule starts it, with nothing to hand over (the usual run). */
    async function sweepCost() {
      const webinar = zoom.addWebinar();
      for (let i = 0; i < SWEEP_REGISTRANTS; i++) {
        // Registered long before we could have known them: compared, nothing to do.
        zoom.addRegistrant(webinar.id, { ...person(`sweep${i}`), createTime: '2020-01-01T00:00:00Z' });
      }
      await sleep(1_500); // RECONCILE_GRACE
      const before = await steady();
      const mark = await markOf(client, ours.budgetId as string);
      const zoomFrom = zoom.requests.length;
      const handle = await sweepNow(client, TASK_QUEUE, [zoomWebinar(webinar.id)]);
      await progress.during(
        `cost: sweep of ${SWEEP_REGISTRANTS.toLocaleString('en')} registrants`,
        10,
        handle.result(),
      );
      const after = await quiet(ours, []);
      const metric = minus(after, before);
      const sweepHistory = historyCost(await historySince(client, handle.workflowId, null));
      const budget = historyCost(await historySince(client, ours.budgetId as string, mark));
      return { metric, sweep: sweepHistory, budget, zoomCalls: zoomCallsSince(zoom, zoomFrom) };
    }

    function report(
      all: Costed[],
      b: Awaited<ReturnType<typeof budgetBurst>>,
      s: Awaited<ReturnType<typeof sweepCost>>,
      ending: number,
    ) {
      const lines: string[] = [];
      const say = (line = '') => lines.push(line);
      const bytes = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      const pair = (a: number, c: number, f: (n: number) => string = String) => `${f(a)} / ${f(c)}`;
      say('Per lifecycle, ours beside the minimal baseline (bench/cost-baseline-workflow.ts), each run alone in the');
      say(
        "namespace bench-cost. Actions: the server's `action` counter, read once the app was told the outcome and the",
      );
      say(
        'workflow was idle; "in histories": the billable events of the same workflows (heartbeats are in none). History',
      );
      say(
        "events, bytes and workflow tasks: the registrant workflow's whole history once it ended, plus what our Zoom calls",
      );
      say(
        "added to the shared budget workflow's. Ours: FOLLOW_UP_WINDOW 5 s, DEDUP_WINDOW 30 s (lengths cost nothing).",
      );
      say();
      say(
        '| lifecycle | actions, ours | baseline | ratio | in histories | history events | history bytes | workflow tasks | Zoom calls |',
      );
      say('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
      const beyond: Counts = new Map();
      const disagreements: string[] = [];
      const budgetPerCall = { actions: 0, calls: 0 };
      const where: string[] = [];
      for (const lifecycle of LIFECYCLES) {
        const o = all.find((m) => m.lifecycle === lifecycle.name && m.side === 'ours');
        const c = all.find((m) => m.lifecycle === lifecycle.name && m.side === 'baseline');
        if (!o || !c) continue;
        const [oa, ca] = [total(o.metric), total(c.metric)];
        const inHistories = (m: Costed) => total(m.registrant.categories) + total(m.budget.categories);
        const events = (m: Costed) => m.registrant.events + m.budget.events;
        const size = (m: Costed) => m.registrant.bytes + m.budget.bytes;
        const tasks = (m: Costed) => m.registrant.workflowTasks + m.budget.workflowTasks;
        say(
          `| ${lifecycle.name} | ${oa} | ${ca} | ${(oa / ca).toFixed(2)} | ${pair(inHistories(o), inHistories(c))} | ` +
            `${pair(events(o), events(c))} | ` +
            `${pair(size(o), size(c), bytes)} | ${pair(tasks(o), tasks(c))} | ${pair(o.zoomCalls, c.zoomCalls)} |`,
        );
        const short = lifecycle.name;
        record(`cost: ${short}: billable actions`, oa, '', 'minimal workflow', ca);
        record(`cost: ${short}: history events`, events(o), '', 'minimal workflow', events(c));
        record(`cost: ${short}: history bytes`, size(o), 'B', 'minimal workflow', size(c));
        record(`cost: ${short}: workflow tasks`, tasks(o), '', 'minimal workflow', tasks(c));
        record(`cost: ${short}: Zoom calls`, o.zoomCalls, '', 'minimal workflow', c.zoomCalls);

        // Where ours spends beyond the baseline, by kind; the budget's bookings and heartbeats apart.
        const spent = (m: Costed) => {
          const metric = metricCategories(m.metric);
          const counts = sum(m.registrant.categories);
          if (m.budget.events > 0) add(counts, 'Zoom budget bookings', total(m.budget.categories));
          for (const kind of OUTSIDE_HISTORY) if (metric.has(kind)) add(counts, kind, metric.get(kind) ?? 0);
          return counts;
        };
        const [os, cs] = [spent(o), spent(c)];
        const extra: string[] = [];
        for (const key of new Set([...os.keys(), ...cs.keys()])) {
          const more = (os.get(key) ?? 0) - (cs.get(key) ?? 0);
          if (more !== 0) extra.push(`${key} ${more > 0 ? '+' : ''}${more}`);
          add(beyond, key, more);
        }
        const detail = [...o.registrant.detail].map(([k, n]) => `${k} ×${n}`).join(', ');
        where.push(`- ${short}: ${extra.join(', ') || 'nothing'} (ours: ${detail})`);
        budgetPerCall.actions += total(o.budget.categories) + (metricCategories(o.metric).get('heartbeat') ?? 0);
        budgetPerCall.calls += o.zoomCalls;

        // The counter against the histories, kind by kind.
        for (const m of [o, c]) {
          const metric = metricCategories(m.metric);
          const history = sum(m.registrant.categories, m.budget.categories);
          for (const key of new Set([...metric.keys(), ...history.keys()])) {
            const [seen, read] = [metric.get(key) ?? 0, history.get(key) ?? 0];
            if (seen === read) continue;
            const known = (OUTSIDE_HISTORY as readonly string[]).includes(key) && read === 0;
            disagreements.push(
              `- ${m.side}, ${short}: ${key}: counter ${seen}, histories ${read}` +
                (known ? ' (billed, but never in a history: as the docs say)' : ' (unexplained)'),
            );
          }
        }
      }

      say();
      say('Where ours spends actions beyond the baseline (by kind, ours minus baseline):');
      say();
      lines.push(...where);
      say();
      say('All lifecycles together, ours minus baseline, most first:');
      say();
      [...beyond]
        .filter(([, n]) => n !== 0)
        .sort((x, y) => y[1] - x[1])
        .forEach(([key, n]) => say(`- ${key}: ${n > 0 ? '+' : ''}${n}`));

      // The budget: bookings (update-with-start on its workflow) and heartbeats while a call waits its turn.
      const alone = budgetPerCall.actions / budgetPerCall.calls;
      const inBurst = (b.bookings + b.heartbeats) / b.calls;
      say();
      say(
        "The shared Zoom budget's actions per Zoom call (its workflow's bookings, and the heartbeats of calls waiting",
      );
      say("their turn), beside a call's own activity (1):");
      say();
      say(
        `- one at a time (the lifecycles above): ${alone.toFixed(2)} (${budgetPerCall.actions} for ${budgetPerCall.calls} calls)`,
      );
      say(
        `- a burst of ${b.count} admin cancellations: ${inBurst.toFixed(2)} (${b.bookings} budget-workflow actions: ` +
          `${[...b.detail].map(([k, c]) => `${k} ×${c}`).join(', ')}; ${b.heartbeats} heartbeats; ${b.calls} calls)`,
      );
      record('cost: Zoom budget actions per Zoom call, one at a time', alone, '', 'an activity per call', 1);
      record(`cost: Zoom budget actions per Zoom call, burst of ${b.count}`, inBurst, '', 'an activity per call', 1);

      // The sweep: as measured (started the way `ops reconcile` starts it) plus the schedule's own two per run.
      const intervalMs = reconcileScheduleSchema.parse({}).RECONCILE_INTERVAL ?? 15 * 60_000;
      const runsPerDay = (24 * 60 * 60_000) / intervalMs;
      const counted = total(s.metric);
      const perRun = counted + SCHEDULE_ACTIONS_PER_RUN;
      // What a run sweeping several webinars does once: the schedule's run, the start, the plan.
      const shared =
        SCHEDULE_ACTIONS_PER_RUN + (s.sweep.detail.get('start') ?? 0) + (s.sweep.detail.get('activity planSweep') ?? 0);
      // The least a sweep could bill: the schedule's run, its start, and one activity reading the whole webinar.
      const baselinePerRun = SCHEDULE_ACTIONS_PER_RUN + 1 + 1;
      const n = SWEEP_REGISTRANTS.toLocaleString('en');
      const sweepHistory = sum(s.sweep.categories, s.budget.categories);
      const sweepMetric = metricCategories(s.metric);
      for (const key of new Set([...sweepMetric.keys(), ...sweepHistory.keys()])) {
        const [seen, read] = [sweepMetric.get(key) ?? 0, sweepHistory.get(key) ?? 0];
        if (seen === read) continue;
        const known = (OUTSIDE_HISTORY as readonly string[]).includes(key) && read === 0;
        disagreements.push(
          `- ours, sweep: ${key}: counter ${seen}, histories ${read}` +
            (known ? ' (billed, but never in a history: as the docs say)' : ' (unexplained)'),
        );
      }
      say();
      say(
        `The sweep of one watched webinar of ${n} registrants, nothing to hand over (started as \`ops reconcile\` ` +
          `starts it, ${s.zoomCalls} Zoom calls):`,
      );
      say();
      say(
        `- per run: ${perRun} actions (${counted} counted + ${SCHEDULE_ACTIONS_PER_RUN} for the schedule's run, per ` +
          `the docs); baseline ${baselinePerRun} (the schedule's run, the start, one activity reading the webinar)`,
      );
      say(
        `- per day at every ${intervalMs / 60_000} min (${runsPerDay} runs): ${(perRun * runsPerDay).toLocaleString('en')}; ` +
          `baseline ${(baselinePerRun * runsPerDay).toLocaleString('en')}`,
      );
      say(`- of which per webinar (a run of several shares the other ${shared}): ${perRun - shared}; baseline 1`);
      say(`- by kind (counter): ${[...sweepMetric].map(([k, c]) => `${k} ${c}`).join(', ')}`);
      say(
        `- sweep workflow: ${[...s.sweep.detail].map(([k, c]) => `${k} ×${c}`).join(', ')}; budget bookings ` +
          `${total(s.budget.categories)}; ${s.sweep.events} events, ${bytes(s.sweep.bytes)}, ${s.sweep.workflowTasks} ` +
          'workflow tasks',
      );
      const baselineLabel = 'schedule + start + one activity';
      record(`cost: sweep of one ${n}-registrant webinar: actions per run`, perRun, '', baselineLabel, baselinePerRun);
      record(
        `cost: sweep of one ${n}-registrant webinar: actions per day`,
        perRun * runsPerDay,
        '',
        baselineLabel,
        baselinePerRun * runsPerDay,
      );
      record(`cost: sweep: actions per webinar per run`, perRun - shared, '', 'one activity', 1);

      say();
      say('The action counter against the histories:');
      say();
      if (disagreements.length === 0) say('- they agree on every kind of action');
      lines.push(...disagreements);
      say(`- ending after DEDUP_WINDOW: ${ending} action(s) (completing a workflow bills nothing)`);

      bench.detail('What a registrant costs (actions, history, Zoom calls)', lines, {
        lifecycles: all.map((m) => ({
          side: m.side,
          lifecycle: m.lifecycle,
          actionsByType: Object.fromEntries(m.metric),
          history: {
            ...m.registrant,
            categories: Object.fromEntries(m.registrant.categories),
            detail: Object.fromEntries(m.registrant.detail),
          },
          budgetHistory: {
            ...m.budget,
            categories: Object.fromEntries(m.budget.categories),
            detail: Object.fromEntries(m.budget.detail),
          },
          zoomCalls: m.zoomCalls,
        })),
        budget: { oneAtATime: budgetPerCall, burst: { ...b, detail: Object.fromEntries(b.detail) } },
        sweep: {
          registrants: SWEEP_REGISTRANTS,
          actionsByType: Object.fromEntries(s.metric),
          perRun,
          perWebinar: perRun - shared,
          runsPerDay,
          zoomCalls: s.zoomCalls,
        },
        endingActions: ending,
      });
    }
  } finally {
    app.onCallback = () => {};
    for (const stop of stops) await stop();
  }
}

/** Fails when DEDUP_WINDOW ran out in the middle of a lifecycle: its timers would then be counted twice. */
async function windowStillOpen(client: Client, workflowId: string) {
  const { EventType } = temporal.api.enums.v1;
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const windows = new Set(
    events
      .filter(
        (e) =>
          e.eventType === EventType.EVENT_TYPE_TIMER_STARTED &&
          Number(e.timerStartedEventAttributes?.startToFireTimeout?.seconds ?? 0) === DEDUP_WINDOW_MS / 1000,
      )
      .map((e) => e.timerStartedEventAttributes?.timerId),
  );
  if (
    events.some(
      (e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED && windows.has(e.timerFiredEventAttributes?.timerId),
    )
  ) {
    throw new Error(`DEDUP_WINDOW (${DEDUP_WINDOW_MS} ms) ran out during the lifecycle of ${workflowId}: raise it`);
  }
}

/** The phase's own namespace, with the registrant workflow's search attributes, once the frontend knows it. */
async function openNamespace(defaultClient: Client): Promise<Client> {
  const { connection } = defaultClient;
  try {
    await connection.workflowService.registerNamespace({
      namespace: NAMESPACE,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
  } catch (err) {
    // A server kept from an earlier run already has it.
    if ((err as { code?: number }).code !== 6) throw err;
  }
  const wanted = Object.values(searchAttributes).map((key) => key.name);
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  const client = new Client({ connection, namespace: NAMESPACE });
  await eventually(
    async () => {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: NAMESPACE });
      const missing = wanted.filter((name) => !(name in customAttributes));
      if (missing.length > 0) {
        await connection.operatorService.addSearchAttributes({
          namespace: NAMESPACE,
          searchAttributes: Object.fromEntries(missing.map((name) => [name, keyword])),
        });
        return undefined;
      }
      await client.workflow.count();
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `namespace ${NAMESPACE} ready` },
  );
  return client;
}
