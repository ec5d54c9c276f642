// Zoom REST formats this service reads (zoom-platform.md sections 1, 5 and 6). Unknown fields are allowed.
import { z } from 'zod';

/** `all` is undocumented but has been seen for registrants who cancelled themselves. */
export const zoomRegistrantStatusSchema = z.enum(['approved', 'pending', 'denied', 'all']);

export const zoomRegistrantSchema = z.looseObject({
  id: z.string().optional(),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string().optional(),
  status: zoomRegistrantStatusSchema,
  create_time: z.string().optional(),
  join_url: z.string().optional(),
});
export type ZoomRegistrant = z.infer<typeof zoomRegistrantSchema>;

/** One entry of `GET /webinars/{id}/registrants`: the record, without the status the list was asked for. */
export const zoomListedRegistrantSchema = z.looseObject({
  id: z.string().min(1),
  email: z.string(),
  first_name: z.string(),
  last_name: z.string().optional(),
  create_time: z.string().optional(),
});
export type ZoomListedRegistrant = z.infer<typeof zoomListedRegistrantSchema>;

/** A page of registrants; an empty or absent `next_page_token` ends the listing (zoom-platform.md 1.1). */
export const zoomRegistrantPageSchema = z.looseObject({
  next_page_token: z.string().optional(),
  total_records: z.number().optional(),
  registrants: z.array(zoomListedRegistrantSchema),
});

/**
 * `GET /webinars/{id}` or `/meetings/{id}` (with `show_previous_occurrences`): when it takes place, and when it recurs its occurrences
 * and whether registration is per occurrence (`settings.registration_type`).
 */
export const zoomEventDetailsSchema = z.looseObject({
  topic: z.string().optional(),
  timezone: z.string().optional(),
  // Documented for webinars with registration on; UNCONFIRMED for meetings (zoom-meetings.md M2.1).
  registration_url: z.string().optional(),
  start_time: z.string().optional(),
  duration: z.number().optional(),
  settings: z
    .looseObject({ registration_type: z.number().int().optional(), approval_type: z.number().int().optional() })
    .optional(),
  occurrences: z
    .array(
      z.looseObject({
        occurrence_id: z.string(),
        start_time: z.string(),
        duration: z.number().optional(),
        status: z.string().optional(),
      }),
    )
    .optional(),
});

export const zoomErrorBodySchema = z.looseObject({ code: z.number(), message: z.string() });

export const zoomTokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});

/** Zoom error codes this service branches on, or (the emulator) answers with. */
export const ZOOM_CODES = {
  /** Overloaded: "Registrant {id} was not found" on a webinar DELETE, "Cannot access meeting info" and others. */
  registrantNotFound: 3000,
  webinarNotFound: 3001,
  invalidId: 300,
  rateLimited: 429,
  invalidToken: 124,
  /** The token lacks a scope the call needs (HTTP 400; zoom-platform.md 1.3). */
  missingScope: 4711,
} as const;
