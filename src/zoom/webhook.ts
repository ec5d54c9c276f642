// Zoom's webhook formats (zoom-platform.md section 2), read into the domain's RegistrationEvent: the one signal
// the workflow takes.
import { z } from 'zod';
import { REGISTRATION_KINDS, type RegistrationEvent } from '../domain/registration';
import { ZOOM_EVENT_KINDS, zoomEventOf, type ZoomEventKind } from '../domain/zoom-event';
import { describeIssue } from '../errors';

const registrationKindSchema = z.enum(REGISTRATION_KINDS);

// Rivet types the webinar id as a number, older schemas as a string: accept both, keep a string (ids are int64).
const objectIdSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/, 'must be digits')]);

// Emails are only compared and passed on, so a loose check avoids rejecting (and losing) an odd but real address.
const emailSchema = z.string().min(3).includes('@', { message: 'must be an email address' });

const registrantSchema = z.looseObject({
  id: z.string().min(1),
  email: emailSchema,
  first_name: z.string(),
  last_name: z.string().optional(),
  status: z.string().optional(),
});

/**
 * Zoom's `object.type` says which kind of object an event is about (zoom-meetings.md, "What differs"): meetings
 * 1, 2, 3, 4, 8 and 10, webinars 5, 6 and 9. The event's name decides; a type of the other kind is a body we cannot
 * trust to be what its name says.
 */
const OBJECT_TYPES: Record<ZoomEventKind, readonly number[]> = { meeting: [1, 2, 3, 4, 8, 10], webinar: [5, 6, 9] };

/** `webinar.registration_cancelled` → the webinar kind and the cancelled event. */
const registrationEventNameSchema = z
  .string()
  .regex(
    new RegExp(`^(${ZOOM_EVENT_KINDS.join('|')})\\.registration_(${REGISTRATION_KINDS.join('|')})$`),
    'is not a registration event',
  )
  .transform((name) => {
    const [zoomKind, registration] = name.replace('.registration_', '.').split('.') as [ZoomEventKind, string];
    return { zoomKind, registration: registrationKindSchema.parse(registration) };
  });

const registrationEnvelopeSchema = z.object({
  event: registrationEventNameSchema,
  event_ts: z.number().int().positive(),
  payload: z.looseObject({
    account_id: z.string(),
    operator: z.string().optional(),
    operator_id: z.string().optional(),
    object: z.looseObject({
      id: objectIdSchema,
      type: z.number().int().optional(),
      host_id: z.string().optional(),
      occurrences: z.array(z.looseObject({ occurrence_id: z.string() })).optional(),
      registrant: registrantSchema,
    }),
  }),
});

/**
 * The normalised event: what the gateway signals and what the workflow applies. The operator fields are optional on
 * every event: Rivet marks them required on approved and denied, but a signed event refused is lost for good (Zoom
 * never retries a 4xx), and without them a cancellation is settled by the lookup.
 */
export const registrationEventSchema = registrationEnvelopeSchema
  .refine(
    (raw) =>
      raw.payload.object.type === undefined || OBJECT_TYPES[raw.event.zoomKind].includes(raw.payload.object.type),
    {
      error: (issue) => {
        const raw = issue.input as z.output<typeof registrationEnvelopeSchema>;
        return `is a ${raw.event.zoomKind} event, but object.type ${String(raw.payload.object.type)} is not a ${raw.event.zoomKind}'s`;
      },
      path: ['payload', 'object', 'type'],
    },
  )
  .transform((raw): RegistrationEvent => ({
    kind: raw.event.registration,
    eventTs: raw.event_ts,
    zoomEvent: zoomEventOf(raw.event.zoomKind, String(raw.payload.object.id)),
    occurrenceId: raw.payload.object.occurrences?.[0]?.occurrence_id ?? null,
    registrant: {
      id: raw.payload.object.registrant.id,
      email: raw.payload.object.registrant.email,
      first_name: raw.payload.object.registrant.first_name,
      last_name: raw.payload.object.registrant.last_name ?? '',
    },
    registrantStatus: raw.payload.object.registrant.status ?? null,
    operator: raw.payload.operator ?? null,
    operatorId: raw.payload.operator_id || null,
  }));

export const REGISTRATION_EVENT_NAMES = ZOOM_EVENT_KINDS.flatMap((zoomKind) =>
  REGISTRATION_KINDS.map((kind) => `${zoomKind}.registration_${kind}`),
);

export const urlValidationSchema = z.object({
  event: z.literal('endpoint.url_validation'),
  payload: z.object({ plainToken: z.string().min(1) }),
});

/** Just enough to route a delivery: the event name. */
export const anyZoomWebhookSchema = z.looseObject({ event: z.string().min(1) });

/**
 * What Zoom POSTs, as the gateway's OpenAPI description shows it: a registration event, the endpoint's URL
 * validation, or any other Zoom event (acknowledged and ignored). The route reads bodies with the schemas above;
 * this one only describes them.
 */
export const zoomWebhookBodySchema = z.union([
  registrationEnvelopeSchema.extend({ event: z.enum(REGISTRATION_EVENT_NAMES as [string, ...string[]]) }),
  urlValidationSchema,
  anyZoomWebhookSchema,
]);

/** Zoom's signature headers (zoom-platform.md 3), for the same description. */
export const zoomSignatureHeadersSchema = z.looseObject({
  'x-zm-signature': z
    .string()
    .regex(/^v0=[0-9a-f]{64}$/)
    .describe('v0= and the HMAC-SHA256 of v0:{timestamp}:{body}'),
  'x-zm-request-timestamp': z
    .string()
    .regex(/^\d+$/)
    .describe(
      "Seconds since the epoch; older than 2 hours (Zoom's last retry comes 85 minutes after the first attempt) or more than 5 minutes ahead is refused",
    ),
});

/** A kept body read again (`npm run ops -- unreadable ingest`): the event, or why it still cannot be read. */
export function readRegistrationEvent(
  body: string,
): { success: true; data: RegistrationEvent } | { success: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { success: false, reason: 'body is not JSON' };
  }
  const name = anyZoomWebhookSchema.safeParse(json).data?.event;
  if (!name || !REGISTRATION_EVENT_NAMES.includes(name)) {
    return { success: false, reason: `${name ?? 'a body without an event name'} is not a registration event` };
  }
  const parsed = registrationEventSchema.safeParse(json);
  return parsed.success ? parsed : { success: false, reason: describeIssue(parsed.error, name) };
}
