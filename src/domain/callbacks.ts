// The callbacks this service POSTs to the app (design.md 4.4): the one definition of their shape.
// Workflow code imports only the inferred types, so zod never enters the workflow bundle.
import { z } from 'zod';
import { cancelledBySchema, evidenceSchema } from './evidence';
import type { Registrant } from './registration';

const callbackRegistrantSchema = z.object({
  id: z.string(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string(),
}) satisfies z.ZodType<Registrant>;

/** Who cancelled, and what that leaves the person free to do: the outcome of a settled cancellation. */
export const cancellationOutcomeSchema = z.object({
  cancelled_by: cancelledBySchema,
  can_reregister: z.boolean(),
  /** What Zoom's record showed: `unknown` when no lookup saw it (an operator settled a case Zoom would not answer). */
  zoom_status: z.enum(['removed', 'denied', 'unknown']),
});
export type CancellationOutcome = z.infer<typeof cancellationOutcomeSchema>;

const baseData = {
  occurrence_id: z.string().nullable(),
  registrant: callbackRegistrantSchema,
  event_ts: z.number(),
};

/** The data of a callback: about a webinar's registrant (`webinar_id`) or a meeting's (`meeting_id`), one of them. */
const aboutZoomEvent = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.union([
    z.object({ webinar_id: z.string(), meeting_id: z.never().optional(), ...shape }),
    z.object({ meeting_id: z.string(), webinar_id: z.never().optional(), ...shape }),
  ]);

export const appCallbackSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['registrant.created', 'registrant.approved', 'registrant.denied', 'registrant.reinstated']),
    timestamp: z.iso.datetime(),
    data: aboutZoomEvent(baseData),
  }),
  z.object({
    type: z.literal('registrant.cancelled'),
    timestamp: z.iso.datetime(),
    data: aboutZoomEvent({
      ...baseData,
      ...cancellationOutcomeSchema.shape,
      evidence: evidenceSchema,
    }),
  }),
  z.object({
    type: z.literal('registrant.needs_review'),
    timestamp: z.iso.datetime(),
    data: aboutZoomEvent({ ...baseData, evidence: evidenceSchema }),
  }),
]);
export type AppCallback = z.infer<typeof appCallbackSchema>;
export type AppCallbackType = AppCallback['type'];
export type CancelledOutcome = Extract<AppCallback, { type: 'registrant.cancelled' }>['data'];

/** A callback and its Standard Webhooks `webhook-id`, which stays the same across retries. */
export interface Outbound {
  webhookId: string;
  callback: AppCallback;
  /** The webhook's (or API request's) correlation id: logged with the delivery, sent as `X-Correlation-Id`. */
  correlationId?: string;
}

/**
 * The callback `npm run doctor` sends to check that the app takes signed callbacks: signed like the others, about
 * no registrant. An app answers it 2xx and does nothing.
 */
export const testCallbackSchema = z.object({
  type: z.literal('test'),
  timestamp: z.iso.datetime(),
  data: z.object({ message: z.string() }),
});
export type TestCallback = z.infer<typeof testCallbackSchema>;
