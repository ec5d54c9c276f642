// The Zoom API budget, one per task queue, shared by every worker: each Zoom call books the next free moment of its
// category (book.ts), so that no second ever holds more calls than the limit, however many workers ask and however
// bursty the demand. Temporal's task-queue rate limit only bounds the mean (it lets bursts
// of twice the limit through), and worker-side limits multiply with the number of workers.
import { allHandlersFinished, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { bookMoments } from './book';
import { bookZoomCallsUpdate, MAX_CALLS_PER_BOOKING, type ZoomBudgetInput } from './messages';

// Temporal limits the updates of one run (2,000 by default) and its history: start afresh well before either.
const BOOKINGS_PER_RUN = 500;

export async function zoomBudgetWorkflow({ booked = {} }: ZoomBudgetInput = {}): Promise<void> {
  let bookings = 0;
  setHandler(
    bookZoomCallsUpdate,
    (request) => {
      bookings += 1;
      return bookMoments(booked, request, Date.now());
    },
    {
      validator: ({ limit, count }) => {
        if (!(limit > 0)) throw new Error('limit must be a positive number of calls per second');
        if (!Number.isInteger(count) || count < 1 || count > MAX_CALLS_PER_BOOKING) {
          throw new Error(`count must be a whole number from 1 to ${MAX_CALLS_PER_BOOKING}`);
        }
      },
      description:
        "Books the next free moments (epoch ms) for Zoom calls of a pool: light, medium, or the sweep's reconcile share.",
    },
  );
  await condition(() => bookings >= BOOKINGS_PER_RUN || workflowInfo().continueAsNewSuggested);
  await condition(allHandlersFinished);
  await continueAsNew<typeof zoomBudgetWorkflow>({ booked });
}
