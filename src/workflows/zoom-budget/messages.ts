// How workers talk to the Zoom API budget workflow, defined once for the workflow and the activities' side.
import { defineUpdate } from '@temporalio/workflow';
import type { ZoomBudgetPool } from '../../zoom/budget';
import type { Booked } from './book';

export const ZOOM_BUDGET_WORKFLOW_TYPE = 'zoomBudgetWorkflow';

export const zoomBudgetWorkflowId = (taskQueue: string) => `zoom-api-budget/${taskQueue}`;

export interface BookingRequest {
  /** The pool booked: a Zoom rate-limit category, or the sweep's share of Medium. */
  category: ZoomBudgetPool;
  /** Calls per second Zoom allows this pool, as the asking worker is configured. */
  limit: number;
  /** How many calls to book at once: a worker books together the calls that queued while it waited. */
  count: number;
  /**
   * How long the answer takes to reach the worker (its last booking's round trip): no moment is booked sooner, so
   * that a call does not learn of its moment after it has passed and leave too late.
   */
  leadMs: number;
}

/** Books the next free moments (epoch ms, the Temporal server's clock) for calls of a pool. */
export const bookZoomCallsUpdate = defineUpdate<number[], [BookingRequest]>('bookZoomCalls');

/** A booking is at most this many calls (a worker runs far fewer activities at once). */
export const MAX_CALLS_PER_BOOKING = 1_000;

export interface ZoomBudgetInput {
  /** The last moments booked in each pool (book.ts), carried across continue-as-new. */
  booked?: Booked;
}
