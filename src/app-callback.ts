// The callbacks this service POSTs to the app (design.md 4.4): the one definition of their shape.
// Workflow code imports only the inferred types, so zod never enters the workflow bundle.
import { z } from 'zod';
import { registrantSchemaForApp } from './zoom/webhook';

export const cancelledBySchema = z.enum(['registrant', 'admin']);
export type CancelledBy = z.infer<typeof cancelledBySchema>;

/**
 * What the registrant lookup said: `not_found` and `all` mean Zoom removed the registrant; `approved`/`pending`
 * are the last answer before LOOKUP_TIMEOUT; `failed` is a permanent Zoom error; null while it is still running.
 */
export const lookupEvidenceSchema = z
  .enum(['not_found', 'all', 'denied', 'approved', 'pending', 'webinar_not_found', 'failed'])
  .nullable();
export type LookupEvidence = z.infer<typeof lookupEvidenceSchema>;

export const followUpSchema = z.object({ event: z.enum(['created', 'approved', 'denied']), event_ts: z.number() });

export const evidenceSchema = z.object({
  lookup: lookupEvidenceSchema,
  operator: cancelledBySchema,
  follow_ups: z.array(followUpSchema),
  resolved_by_operator: z.boolean().optional(),
  /** Evidence 1 of design.md section 5: we cancelled through Zoom's API because the app asked us to. */
  api_request: z
    .object({
      cancellation_id: z.string(),
      reason: z.string().nullable(),
      zoom_call: z.enum(['DELETE', 'PUT cancel']),
    })
    .optional(),
  /** RESTORE_REREGISTRATION: whether the denied record Zoom left after a self-cancel was deleted. */
  reregistration_restored: z.boolean().optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

const baseData = {
  webinar_id: z.string(),
  occurrence_id: z.string().nullable(),
  registrant: registrantSchemaForApp,
  event_ts: z.number(),
};

export const appCallbackSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.enum(['registrant.created', 'registrant.approved', 'registrant.denied', 'registrant.reinstated']),
    timestamp: z.iso.datetime(),
    data: z.object(baseData),
  }),
  z.object({
    type: z.literal('registrant.cancelled'),
    timestamp: z.iso.datetime(),
    data: z.object({
      ...baseData,
      cancelled_by: cancelledBySchema,
      can_reregister: z.boolean(),
      zoom_status: z.enum(['removed', 'denied']),
      evidence: evidenceSchema,
    }),
  }),
  z.object({
    type: z.literal('registrant.needs_review'),
    timestamp: z.iso.datetime(),
    data: z.object({ ...baseData, evidence: evidenceSchema }),
  }),
]);
export type AppCallback = z.infer<typeof appCallbackSchema>;
export type AppCallbackType = AppCallback['type'];

/** A callback and its Standard Webhooks `webhook-id`, which stays the same across retries. */
export interface Outbound {
  webhookId: string;
  callback: AppCallback;
}
