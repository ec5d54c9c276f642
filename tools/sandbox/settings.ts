// What the sandbox can be told to do, at start (env, options) or at runtime (`PATCH /_sandbox/settings`,
// `npm run simulate -- settings`). One schema for all three.
import { z } from 'zod';

const rate = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

export const sandboxSettingsSchema = z.strictObject({
  /** What a registrant's own cancel does: the 2020 reports say `remove`, later ones `deny` (zoom-platform.md 1.2). */
  selfCancelMode: z.enum(['remove', 'deny'], { error: 'must be remove or deny' }),
  /**
   * Who a self-cancel's webhook names (UNCONFIRMED, zoom-platform.md 2): the registrant's email and no operator_id,
   * no operator fields at all, or the host as for an admin's cancel (a 2020 report: the payloads are identical).
   */
  selfCancelOperator: z.enum(['registrant', 'absent', 'host'], { error: 'must be registrant, absent or host' }),
  /**
   * What GET answers for a registrant who is gone (undocumented: UNCONFIRMED, zoom-platform.md 1.2): DELETE's
   * documented 404/3000 "Registrant {id} was not found", the webinar's 404/3001, or a 404 with no code of Zoom's.
   */
  removedRegistrantAnswer: z.enum(['registrant_not_found', 'webinar_not_found', 'bare_404'], {
    error: 'must be registrant_not_found, webinar_not_found or bare_404',
  }),
  /** Per-second limits per rate-limit label (zoom-platform.md 6); `unlimited` turns them off. */
  plan: z.enum(['unlimited', 'free', 'pro', 'business'], { error: 'must be unlimited, free, pro or business' }),
  /** How long a change takes to show in GET and list answers (Zoom is eventually consistent). */
  consistencyDelayMs: z.number().int().min(0).max(600_000),
  /** How long every API answer takes (Zoom's own take tens to hundreds of ms); the benchmarks' inline baseline. */
  latencyMs: z.number().int().min(0).max(60_000),
  /** Share of API requests answered with a 500. */
  serverErrorRate: rate,
  /** Share of API requests answered with a per-second 429 (Retry-After: 1), whatever the plan's limits. */
  rateLimitedRate: rate,
  /** Share of API requests held for `timeoutMs` before any answer. */
  timeoutRate: rate,
  timeoutMs: z.number().int().min(1).max(120_000),
  /** Where Zoom delivers webhooks; null for none (tests then deliver by hand). */
  webhookUrl: z.url({ error: 'must be an http(s) URL' }).nullable(),
  webhookSecret: z.string().min(1),
  /**
   * How a retry is signed: with a fresh timestamp, or with the first attempt's (Zoom does not say: UNCONFIRMED,
   * zoom-platform.md 3), which makes the last retry 85 minutes old.
   */
  retryTimestamp: z.enum(['first', 'fresh'], { error: 'must be first or fresh' }),
  /** Zoom retries 5, 20 and 60 minutes apart; divided by this (60: seconds instead of minutes). */
  timeScale: z.number().min(1).max(100_000_000),
  /**
   * How often Zoom revalidates the subscribed endpoint (its webhooks page, "Revalidation": every 72 hours), before
   * `timeScale` divides it; null never revalidates. Capped at setTimeout's limit, which would otherwise fire at once.
   */
  revalidateEveryMs: z
    .number({ error: 'must be a number of milliseconds or null' })
    .int('must be a whole number of milliseconds')
    .min(1_000, 'must be at least 1000 (ms), or null for no revalidation')
    .max(2_147_483_647, 'must be at most 2147483647 (ms, about 24.8 days), or null for no revalidation')
    .nullable(),
  /**
   * After this many failed revalidations in a row Zoom stops sending events and disables the subscription until it
   * is re-enabled (6 on its webhooks page). Whether a revalidation that failed is tried again sooner than the next
   * period is UNCONFIRMED: the page says only "every 72 hours", so the sandbox waits the full period.
   */
  disableAfterFailedRevalidations: z
    .number({ error: 'must be a whole number from 1 to 1000' })
    .int('must be a whole number from 1 to 1000')
    .min(1, 'must be a whole number from 1 to 1000')
    .max(1_000, 'must be a whole number from 1 to 1000'),
  duplicateRate: rate,
  outOfOrderRate: rate,
  dropRate: rate,
  /** The next this many webhooks are lost (Zoom gave up on them, or never sent them); counts down as they are. */
  dropNext: z.number().int().min(0).max(1_000_000),
  /** Every webhook until then (an ISO time) is lost: an outage of Zoom's delivery, or a cut-off subscription. */
  dropUntil: z.iso.datetime({ error: 'must be an ISO date-time or null' }).nullable(),
  /**
   * The token's scopes: the classic `webinar:read:admin webinar:write:admin`, or granular ones (new apps), as
   * zoom-platform.md 5 maps them to the registrant calls (partly UNCONFIRMED).
   */
  tokenScopes: z.enum(['classic', 'granular'], { error: 'must be classic or granular' }),
  /** A scope the app was not given: every call that needs it is answered 400 code 4711, as Zoom does. */
  missingScope: z.string().min(1).nullable(),
  /**
   * Whether the registrant calls honour `occurrence_id` where registration is per occurrence (registration_type 2
   * or 3): GET answers for the occurrences the registrant chose only, and a cancel, deny or DELETE of one of several
   * leaves the others; or ignore it and act on the whole registrant. How Zoom scopes them is UNCONFIRMED
   * (zoom-meetings.md M5).
   */
  occurrenceScope: z.enum(['honoured', 'ignored'], { error: 'must be honoured or ignored' }),
  /**
   * Whether `GET /meetings/{id}` answers the meeting's `registration_url`, as a webinar's GET does: neither Zoom's
   * reference nor its SDKs list it (zoom-meetings.md M2.1), so it is UNCONFIRMED, and absent by default.
   */
  meetingRegistrationUrl: z.enum(['returned', 'absent'], { error: 'must be returned or absent' }),
  /** PUT status and DELETE answer 204 and change nothing (seen once at Zoom: emulator-fidelity.md #8). */
  writesChangeNothing: z.boolean(),
  /** Whether our API writes (PUT status, DELETE) produce webhooks, as Zoom's own do. */
  webhookOnApiWrites: z.boolean(),
});
export type SandboxSettings = z.infer<typeof sandboxSettingsSchema>;

export const DEFAULT_SETTINGS: SandboxSettings = {
  selfCancelMode: 'remove',
  selfCancelOperator: 'registrant',
  removedRegistrantAnswer: 'registrant_not_found',
  plan: 'unlimited',
  consistencyDelayMs: 0,
  latencyMs: 0,
  serverErrorRate: 0,
  rateLimitedRate: 0,
  timeoutRate: 0,
  timeoutMs: 30_000,
  webhookUrl: null,
  webhookSecret: 'sandbox-webhook-secret',
  retryTimestamp: 'first',
  timeScale: 1,
  revalidateEveryMs: 72 * 3_600_000,
  disableAfterFailedRevalidations: 6,
  duplicateRate: 0,
  outOfOrderRate: 0,
  dropRate: 0,
  dropNext: 0,
  dropUntil: null,
  tokenScopes: 'classic',
  missingScope: null,
  occurrenceScope: 'honoured',
  meetingRegistrationUrl: 'absent',
  writesChangeNothing: false,
  webhookOnApiWrites: true,
};

export const settingsPatchSchema = sandboxSettingsSchema.partial();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;
