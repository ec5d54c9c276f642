// Cancellations requested through the app's API (issue: cancel on a registrant's behalf): the request body, the
// signal the gateway sends, and the record the workflow keeps and the API answers from. One definition each.
import { z } from 'zod';
import { cancelledBySchema, type AppCallback, type CancelledBy } from './app-callback';

export const cancellationBodySchema = z.strictObject({
  by: cancelledBySchema,
  reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
});
export type CancellationBody = z.infer<typeof cancellationBodySchema>;

/** The signal: `id` is the Idempotency-Key (or one the gateway made up), scoped to the registrant. */
export interface CancellationRequest {
  id: string;
  by: CancelledBy;
  reason: string | null;
}

/** Why a cancellation did not happen, as the API answers it (HTTP status, our code, Zoom's words). */
export interface Refusal {
  status: number;
  code:
    | 'registrant_not_found'
    | 'webinar_not_found'
    | 'not_cancellable'
    | 'already_cancelled'
    | 'zoom_refused'
    | 'zoom_unavailable';
  message: string;
  zoom_code: number | null;
}

export type CancelledOutcome = Extract<AppCallback, { type: 'registrant.cancelled' }>['data'];

export interface CancellationRecord {
  id: string;
  by: CancelledBy;
  reason: string | null;
  status: 'pending' | 'settled' | 'refused';
  outcome: CancelledOutcome | null;
  refusal: Refusal | null;
}
