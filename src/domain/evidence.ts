// What a cancellation is settled on (design.md 5), as the app receives it in `registrant.cancelled` and
// `registrant.needs_review`. Workflow code imports only the inferred types, so zod never enters its bundle.
import { z } from 'zod';
import { CANCELLED_BY } from './registration';

export const cancelledBySchema = z.enum(CANCELLED_BY);

/**
 * What the registrant lookup said: `not_found` and `all` mean Zoom removed the registrant; `webinar_not_found` and
 * `meeting_not_found` that Zoom does not know the event (deleted or expired); `approved`/`pending`
 * are the last answer before LOOKUP_TIMEOUT; `failed` is a permanent Zoom error; null while it is still running.
 */
export const lookupEvidenceSchema = z
  .enum(['not_found', 'all', 'denied', 'approved', 'pending', 'webinar_not_found', 'meeting_not_found', 'failed'])
  .nullable();
export type LookupEvidence = z.infer<typeof lookupEvidenceSchema>;

/** Zoom's answer the lookup settled on: its HTTP status and error code (null on a 200), and what it said. */
export const zoomAnswerSchema = z.object({
  status: z.number().int().nullable(),
  code: z.number().int().nullable(),
  message: z.string(),
});
export type ZoomAnswer = z.infer<typeof zoomAnswerSchema>;

export const followUpSchema = z.object({ event: z.enum(['created', 'approved', 'denied']), event_ts: z.number() });
export type FollowUp = z.infer<typeof followUpSchema>;

/** Where the cancellation came from: Zoom's webhook, the app's request, or the sweep's reading of Zoom's listing. */
export const evidenceSourceSchema = z.enum(['webhook', 'api', 'reconciliation']);

export const evidenceSchema = z.object({
  // Optional: cancellations settled before it existed were all webhooks.
  source: evidenceSourceSchema.optional(),
  lookup: lookupEvidenceSchema,
  /** Absent until the lookup settles, and when the cancellation was our own act or the sweep's (no lookup). */
  zoom_answer: zoomAnswerSchema.optional(),
  operator: cancelledBySchema,
  follow_ups: z.array(followUpSchema),
  resolved_by_operator: z.boolean().optional(),
  /** Evidence 1 of design.md section 5: we cancelled through Zoom's API because the app asked us to. */
  api_request: z
    .object({
      cancellation_id: z.string(),
      reason: z.string().nullable(),
      zoom_call: z.enum(['DELETE', 'PUT cancel', 'PUT deny']),
    })
    .optional(),
  /** RESTORE_REREGISTRATION: whether the denied record Zoom left after a self-cancel was deleted. */
  reregistration_restored: z.boolean().optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;
