// The worker's side of the shared Zoom API budget: book a moment with the budget workflow (starting it if it is not
// running), then wait for it. A booking that fails fails the activity, which Temporal retries: no call is made
// without one.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { Context, heartbeat, sleep } from '@temporalio/activity';
import { ZOOM_BUDGET_POOLS, type ZoomBudget, type ZoomBudgetPool, type ZoomRateLimits } from './budget';
import {
  MAX_CALLS_PER_BOOKING,
  ZOOM_BUDGET_WORKFLOW_TYPE,
  bookZoomCallsUpdate,
  zoomBudgetWorkflowId,
} from '../workflows/zoom-budget/messages';
import type { zoomBudgetWorkflow } from '../workflows/zoom-budget/workflow';

const HEARTBEAT_EVERY_MS = 5_000;
/**
 * Calls leave on their moment but reach Zoom with jitter (a busy event loop, the network), and Zoom counts them on
 * arrival: booking at 90 % of the limit keeps two late calls from landing in the same second as the next ones.
 */
const HEADROOM = 0.9;
/**
 * How late a call may leave after its booked moment: the headroom's share of a second. Calls booked at 90 % of the
 * limit and leaving within 100 ms of their moments never put more than the limit into any second (of the moments in
 * 1.1 s, 0.9 × limit × 1.1 + 1, at most the limit).
 */
const LATE_MS = 1000 * (1 - HEADROOM);
/** Bookings per call before it leaves however late. */
const MAX_ATTEMPTS = 5;
const BOOKING_DEADLINE_MS = 10_000;

interface Waiting {
  resolve(at: number): void;
  reject(err: unknown): void;
}

function perPool<T>(initial: () => T): Record<ZoomBudgetPool, T> {
  return Object.fromEntries(ZOOM_BUDGET_POOLS.map((pool) => [pool, initial()])) as Record<ZoomBudgetPool, T>;
}

export class SharedZoomBudget implements ZoomBudget {
  private readonly waiting = perPool((): Waiting[] => []);
  private readonly booking = perPool(() => false);
  private readonly lastStart = perPool(() => 0);
  /** The calls about to leave, in the order they woke: each waits for the one before it. */
  private readonly departures = perPool(() => Promise.resolve());
  /** When each running activity last beat (see waitUntil). */
  private readonly lastBeat = new WeakMap<Context, number>();
  /** How long a booking takes to come back: booked moments are at least this far ahead. */
  private roundTripMs = 50;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly limits: ZoomRateLimits,
  ) {}

  async take(pool: ZoomBudgetPool): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const booking = new Promise<number>((resolve, reject) => {
        this.waiting[pool].push({ resolve, reject });
        void this.bookQueued(pool);
      });
      // An activity cancelled meanwhile (its workflow moved on, the worker shuts down) stops waiting at once.
      const booked = await Promise.race([booking, Context.current().cancelled]);
      // A burst queues calls for a while: the activity says it is alive while it waits long for its turn.
      await this.waitUntil(booked);
      if (await this.depart(pool, booked, attempt === MAX_ATTEMPTS)) return;
    }
  }

  /**
   * A busy process wakes late, and then every overdue call wakes at once: they leave one at a time, each at least
   * the spacing after the one before actually left, so that they never bunch up. A call that would leave later than
   * the headroom allows books again instead: it would share its second with calls that other workers send on time.
   * The last attempt leaves however late (at worst Zoom answers 429, which the client retries).
   */
  private async depart(pool: ZoomBudgetPool, booked: number, anyway: boolean): Promise<boolean> {
    const spacing = 1000 / this.pace(pool);
    const turn = this.departures[pool].then(async () => {
      await this.waitUntil(this.lastStart[pool] + spacing);
      if (Date.now() - booked > LATE_MS && !anyway) return false;
      this.lastStart[pool] = Date.now();
      return true;
    });
    // A call cancelled while it waits gives its place to the next one.
    this.departures[pool] = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Calls per second this worker books and spaces: the limit, less the headroom. */
  private pace(pool: ZoomBudgetPool): number {
    return this.limits[pool] * HEADROOM;
  }

  /**
   * A heartbeat is a billed action: an activity beats only before a wait that would leave it silent for longer than
   * HEARTBEAT_EVERY_MS (well within its heartbeat timeout), so that a worker that dies is still noticed by its silence
   * while the short waits of calls at an ordinary pace cost nothing.
   */
  private async waitUntil(at: number): Promise<void> {
    const context = Context.current();
    for (let wait = at - Date.now(); wait > 0; wait = at - Date.now()) {
      const nap = Math.min(wait, HEARTBEAT_EVERY_MS);
      const lastBeat = this.lastBeat.get(context) ?? context.info.currentAttemptScheduledTimestampMs;
      if (Date.now() + nap - lastBeat > HEARTBEAT_EVERY_MS) {
        heartbeat();
        this.lastBeat.set(context, Date.now());
      }
      await sleep(nap);
    }
  }

  /**
   * One booking in flight per pool and worker (Temporal allows only a few updates in flight per workflow): the
   * calls that queue meanwhile are booked together by the next one.
   */
  private async bookQueued(pool: ZoomBudgetPool): Promise<void> {
    if (this.booking[pool]) return;
    this.booking[pool] = true;
    try {
      while (this.waiting[pool].length > 0) {
        const batch = this.waiting[pool].splice(0, MAX_CALLS_PER_BOOKING);
        await this.book(pool, batch.length).then(
          (moments) => batch.forEach((w, i) => w.resolve(moments[i] ?? Date.now())),
          (err: unknown) => batch.forEach((w) => w.reject(err)),
        );
      }
    } finally {
      this.booking[pool] = false;
    }
  }

  private async book(pool: ZoomBudgetPool, count: number): Promise<number[]> {
    const sent = Date.now();
    // A booking that does not come back in time fails its calls' activities (Temporal retries them) instead of
    // holding up every call queued behind it on this worker.
    const moments = await this.client.withDeadline(sent + BOOKING_DEADLINE_MS, () =>
      this.client.workflow.executeUpdateWithStart(bookZoomCallsUpdate, {
        args: [{ category: pool, limit: this.pace(pool), count, leadMs: this.roundTripMs }],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof zoomBudgetWorkflow>(ZOOM_BUDGET_WORKFLOW_TYPE, {
          workflowId: zoomBudgetWorkflowId(this.taskQueue),
          taskQueue: this.taskQueue,
          args: [{}],
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: 'The Zoom API budget shared by every worker of this task queue',
        }),
      }),
    );
    // A moving average, so that one slow answer does not delay every call after it.
    this.roundTripMs = 0.7 * this.roundTripMs + 0.3 * (Date.now() - sent);
    return moments;
  }
}
