// Configuration from environment variables (design.md 4.2). Each process loads only what it uses, so a gateway
// does not need Zoom's OAuth credentials and a worker does not need the webhook secret.
import ms from 'ms';
import { z } from 'zod';
import { WEBINAR_ID_PATTERN } from './domain/ids';
import { describeSetting } from './errors';
import type { ZoomRateLimits } from './zoom/budget';

function durationMs(text: string, ctx: z.RefinementCtx, orOff = ''): number {
  const value = ms(text as ms.StringValue);
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be ${orOff}a positive duration like 3s, 10m or 24h (got "${text}")`,
    });
    return z.NEVER;
  }
  return value;
}
/** A positive `ms`-style duration (3s, 10m, 24h), in milliseconds: the one reading of every duration we are given. */
export const durationSchema = z.string().transform((text, ctx) => durationMs(text, ctx));
const duration = (fallback: string) => z.string().default(fallback).pipe(durationSchema);
/** A duration, or `off` (null). */
const durationOrOff = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => (text === 'off' ? null : durationMs(text, ctx, 'off or ')));
const webinarIds = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const ids = text
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    const wrong = ids.find((id) => !WEBINAR_ID_PATTERN.test(id));
    if (wrong !== undefined) {
      ctx.addIssue({ code: 'custom', message: `must be Zoom webinar ids separated by commas (got "${wrong}")` });
      return z.NEVER;
    }
    return [...new Set(ids)];
  });

const required = z.string({ error: 'is required' }).min(1, 'is required');
const count = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must be 0 or more');
const callsPerSecond = z.coerce.number({ error: 'must be a number' }).positive('must be positive');
const url = z.url({ error: 'must be an http(s) URL' });

export const temporalSchema = z.object({
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('zoom-registrations'),
});

/** The reconciliation sweep's schedule: the worker and `npm run ops -- schedule` create or update it. */
export const reconcileScheduleSchema = temporalSchema.extend({
  // How often the sweep runs; `off`: never on its own (`npm run ops -- reconcile` still runs one).
  RECONCILE_INTERVAL: durationOrOff('15m'),
});

// Standard Webhooks secrets are `whsec_` followed by base64 key bytes.
const callbackSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
  .refine((s) => Buffer.from(s.slice('whsec_'.length), 'base64').length >= 16, 'key must be at least 16 bytes');

export const workerConfigSchema = reconcileScheduleSchema
  .extend({
    ZOOM_ACCOUNT_ID: required,
    ZOOM_CLIENT_ID: required,
    ZOOM_CLIENT_SECRET: required,
    ZOOM_API_BASE_URL: url.default('https://api.zoom.us/v2'),
    ZOOM_OAUTH_TOKEN_URL: url.default('https://zoom.us/oauth/token'),
    // Calls per second, all workers together, per Zoom rate-limit category; a Pro account's by default.
    ZOOM_LIGHT_RATE_LIMIT: callsPerSecond.default(30),
    ZOOM_MEDIUM_RATE_LIMIT: callsPerSecond.default(20),
    // One cap on both, for an account whose budget other apps share.
    ZOOM_API_RATE_LIMIT: callsPerSecond.optional(),
    // The sweep's share of Medium for its listings; a tenth of it by default (see zoomRateLimits).
    ZOOM_RECONCILE_RATE_LIMIT: callsPerSecond.optional(),
    // Webinars the sweep watches even when no registrant workflow of theirs is open.
    RECONCILE_WEBINARS: webinarIds,
    // Zoom's listings may lag its webhooks: what changed this recently before a sweep is left to the next one.
    RECONCILE_GRACE: duration('2m'),
    APP_CALLBACK_URL: url.optional(),
    APP_CALLBACK_SECRET: callbackSecret.optional(),
    FOLLOW_UP_WINDOW: duration('10m'),
    LOOKUP_TIMEOUT: duration('30m'),
    DEDUP_WINDOW: duration('24h'),
    RESTORE_REREGISTRATION: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((flag) => flag === 'true'),
    CALLBACK_RETRY_WINDOW: duration('24h'),
    // Memory: each cached workflow keeps its state in the worker; the others are replayed from history when they
    // wake. Measured by npm run bench:memory (README, "Sizing the worker").
    WORKER_MAX_CACHED_WORKFLOWS: count.default(250),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: count.min(2, 'must be at least 2').default(40),
    WORKER_MAX_CONCURRENT_ACTIVITIES: count.min(1, 'must be at least 1').default(100),
    // How long an in-flight activity may finish after SIGTERM before it is cancelled.
    WORKER_SHUTDOWN_GRACE: duration('20s'),
  })
  .superRefine((env, ctx) => {
    const { medium, reconcile } = zoomRateLimits(env);
    if (medium <= 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['ZOOM_RECONCILE_RATE_LIMIT'],
        message: `must be below the Medium limit it takes its share of (${medium + reconcile} calls/s)`,
      });
    }
    if (env.APP_CALLBACK_URL && !env.APP_CALLBACK_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['APP_CALLBACK_SECRET'],
        message: 'is required when APP_CALLBACK_URL is set',
      });
    }
  });
export type TemporalConfig = z.output<typeof temporalSchema>;
export type ReconcileScheduleConfig = z.output<typeof reconcileScheduleSchema>;
export type WorkerConfig = z.output<typeof workerConfigSchema>;

type RateSettings = Pick<
  WorkerConfig,
  'ZOOM_LIGHT_RATE_LIMIT' | 'ZOOM_MEDIUM_RATE_LIMIT' | 'ZOOM_API_RATE_LIMIT' | 'ZOOM_RECONCILE_RATE_LIMIT'
>;

/** Calls per second per budget pool, all workers together: the sweep's share is taken out of Medium. */
export function zoomRateLimits(config: RateSettings): ZoomRateLimits {
  const cap = config.ZOOM_API_RATE_LIMIT ?? Infinity;
  const medium = Math.min(config.ZOOM_MEDIUM_RATE_LIMIT, cap);
  const reconcile = config.ZOOM_RECONCILE_RATE_LIMIT ?? medium / 10;
  return { light: Math.min(config.ZOOM_LIGHT_RATE_LIMIT, cap), medium: medium - reconcile, reconcile };
}

export const gatewayConfigSchema = temporalSchema.extend({
  PORT: z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  ZOOM_WEBHOOK_SECRET_TOKEN: required,
  API_TOKEN: z.string().min(1).optional(),
});
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `env`; on failure throws a ConfigError whose message is one line naming the variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(describeSetting(result.error));
}

/** For process entry points: a bad variable stops the process with one line on stderr. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`configuration error: ${err.message}\n`);
    process.exit(1);
  }
}
