// The worker's side of the shared Zoom API budget: book a moment with the budget workflow (starting it if it is not
// running), then wait for it. A booking that fails fails the activity, which Temporal retries: no call is made
// without one.
import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { Context, heartbeat, sleep } from '@temporalio/activity';
import { ZOOM_BUDGET_POOLS, type ZoomBudget, type ZoomBudgetPool, type ZoomRateLimits } from './budget';
import { LATE_MS } from '../workflows/zoom-budget/book';
import {
  MAX_CALLS_PER_BOOKING,
  ZOOM_BUDGET_WORKFLOW_TYPE,
  bookZoomCallsUpdate,
  zoomBudgetWorkflowId,
} from '../workflows/zoom-budget/messages';
import type { zoomBudgetWorkflow } from '../workflows/zoom-budget/workflow';

const HEARTBEAT_EVERY_MS = 5_000;
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
  /** The turns each running activity booked ahead (bookAhead), per pool, in the order its calls use them. */
  private readonly bookedAhead = new WeakMap<Context, Record<ZoomBudgetPool, number[]>>();
  /** When each running activity last beat (see waitUntil). */
  private readonly lastBeat = new WeakMap<Context, number>();
  /**
   * How long a booking takes to come back. Its answer takes about half of it to reach the worker, so moments are
   * booked that far ahead: a call is not already late when it hears of its moment. (Calls heard of late would leave
   * late while the calls booked behind them leave on time, and the two could meet in one second of Zoom's count.)
   */
  private roundTripMs = 50;
  /** Whether the last booking found the budget workflow running: the next one is then a plain update. */
  private budgetRuns = false;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly limits: ZoomRateLimits,
  ) {}

  async take(pool: ZoomBudgetPool): Promise<void> {
    const context = Context.current();
    const ahead = this.bookedAhead.get(context)?.[pool];
    // A turn booked ahead lapses if the calls before it took too long (Zoom slow to answer): then it books anew.
    for (let at = ahead?.shift(); at !== undefined; at = ahead?.shift()) if (await this.onTime(at)) return;
    for (let attempt = 1; ; attempt += 1) {
      // An activity cancelled meanwhile (its workflow moved on, the worker shuts down) stops waiting at once.
      const [at = Date.now()] = await Promise.race([this.queue(pool, 1), context.cancelled]);
      // The last attempt leaves however late (at worst Zoom answers 429, which the client retries).
      if ((await this.onTime(at)) || attempt === MAX_ATTEMPTS) return;
    }
  }

  async bookAhead(pools: ZoomBudgetPool[]): Promise<void> {
    const context = Context.current();
    const ahead = perPool((): number[] => []);
    const turns = ZOOM_BUDGET_POOLS.map(async (pool) => {
      const count = pools.filter((p) => p === pool).length;
      if (count > 0) ahead[pool].push(...(await this.queue(pool, count)));
    });
    await Promise.race([Promise.all(turns), context.cancelled]);
    this.bookedAhead.set(context, ahead);
  }

  /**
   * Waits for a booked moment; false if it came too late to leave: a call that left later than the budget allows
   * would share its second of Zoom's count with calls that other workers send on time, so it books again instead.
   */
  private async onTime(at: number): Promise<boolean> {
    // A burst queues calls for a while: the activity says it is alive while it waits long for its turn.
    await this.waitUntil(at);
    return Date.now() - at <= LATE_MS;
  }

  /** Queues `count` calls of a pool for the next booking, all in one: their moments, in order. */
  private queue(pool: ZoomBudgetPool, count: number): Promise<number[]> {
    const turns = Array.from(
      { length: count },
      () => new Promise<number>((resolve, reject) => this.waiting[pool].push({ resolve, reject })),
    );
    void this.bookQueued(pool);
    return Promise.all(turns);
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
    const request = { category: pool, limit: this.limits[pool], count, leadMs: this.roundTripMs / 2 };
    // A booking that does not come back in time fails its calls' activities (Temporal retries them) instead of
    // holding up every call queued behind it on this worker.
    const moments = await this.client.withDeadline(sent + BOOKING_DEADLINE_MS, async () => {
      // A plain update once the budget workflow is known to run: it answers with a shorter tail than the
      // update-with-start (docs/performance.md, "API cancellation latency"), which is left for when it does not.
      if (this.budgetRuns) {
        try {
          return await this.client.workflow
            .getHandle(this.budgetId)
            .executeUpdate(bookZoomCallsUpdate, { args: [request] });
        } catch (err) {
          // Ended (continued as new while the update was in flight, or terminated): reach its next run, or start it.
          if (!(err instanceof WorkflowNotFoundError)) throw err;
          this.budgetRuns = false;
        }
      }
      const booked = await this.client.workflow.executeUpdateWithStart(bookZoomCallsUpdate, {
        args: [request],
        startWorkflowOperation: new WithStartWorkflowOperation<typeof zoomBudgetWorkflow>(ZOOM_BUDGET_WORKFLOW_TYPE, {
          workflowId: this.budgetId,
          taskQueue: this.taskQueue,
          args: [{}],
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: 'The Zoom API budget shared by every worker of this task queue',
        }),
      });
      this.budgetRuns = true;
      return booked;
    });
    // A moving average, so that one slow answer does not delay every call after it.
    this.roundTripMs = 0.7 * this.roundTripMs + 0.3 * (Date.now() - sent);
    return moments;
  }

  private get budgetId(): string {
    return zoomBudgetWorkflowId(this.taskQueue);
  }
}
