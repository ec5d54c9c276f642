// Configuration from environment variables (design.md 4.2). Each process loads only what it uses, so a gateway
// does not need Zoom's OAuth credentials and a worker does not need the webhook secret.
import ms from 'ms';
import { z } from 'zod';
import { ZOOM_EVENT_ID_PATTERN, zoomEventArgSchema } from './domain/ids';
import { EMAIL_KINDS, type EmailKind } from './domain/notices';
import { zoomEventKey, zoomEventOf, type ZoomEventKind } from './domain/zoom-event';
import { describeSettings } from './errors';
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
/** RECONCILE_WEBINARS, RECONCILE_MEETINGS: Zoom ids of one kind, comma-separated, each once. */
const watched = (kind: ZoomEventKind) =>
  z
    .string()
    .default('')
    .transform((text, ctx) => {
      const ids = text
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean);
      const wrong = ids.find((id) => !ZOOM_EVENT_ID_PATTERN.test(id));
      if (wrong !== undefined) {
        ctx.addIssue({ code: 'custom', message: `must be Zoom ${kind} ids separated by commas (got "${wrong}")` });
        return z.NEVER;
      }
      return [...new Set(ids)].map((id) => zoomEventOf(kind, id));
    });

const required = z.string({ error: 'is required' }).min(1, 'is required');
const count = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(0, 'must be 0 or more');
const callsPerSecond = z.coerce.number({ error: 'must be a number' }).positive('must be positive');
const url = z.url({ error: 'must be an http(s) URL' });

const optional = z.string().min(1).optional();

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** `id:base64 key` pairs separated by commas, the first encrypting: `2026-12:q83v…=,2026-06:Zm9v…=`. */
const payloadKeys = z
  .string()
  .optional()
  .transform((text, ctx) => {
    if (text === undefined) return [];
    const keys = text.split(',').map((entry) => {
      const [id = '', base64 = ''] = entry.trim().split(':');
      return { id, key: Buffer.from(base64, 'base64') };
    });
    const wrong = keys.find(({ id, key }) => !KEY_ID.test(id) || key.length !== 32);
    const ids = keys.map(({ id }) => id);
    if (wrong || new Set(ids).size !== ids.length) {
      ctx.addIssue({
        code: 'custom',
        message: wrong
          ? `must be id:key pairs separated by commas, each key 32 bytes in base64 (\`openssl rand -base64 32\`); "${wrong.id}" is not`
          : 'must not name a key id twice',
      });
      return z.NEVER;
    }
    return keys;
  });
const flag = z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).optional();

/**
 * Where and how to reach Temporal: the SDK's own environment configuration, as Temporal's docs describe it for every
 * SDK and the CLI (src/temporal/connection.ts reads them, with the TOML profile TEMPORAL_PROFILE names). Unset, the
 * address and namespace come from that profile, else localhost:7233 and default.
 */
export const temporalSchema = z.object({
  TEMPORAL_ADDRESS: optional,
  TEMPORAL_NAMESPACE: optional,
  TEMPORAL_API_KEY: optional,
  TEMPORAL_PROFILE: optional,
  TEMPORAL_CONFIG_FILE: optional,
  TEMPORAL_TLS: flag,
  TEMPORAL_TLS_CLIENT_CERT_PATH: optional,
  TEMPORAL_TLS_CLIENT_CERT_DATA: optional,
  TEMPORAL_TLS_CLIENT_KEY_PATH: optional,
  TEMPORAL_TLS_CLIENT_KEY_DATA: optional,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: optional,
  TEMPORAL_TLS_SERVER_CA_CERT_DATA: optional,
  TEMPORAL_TLS_SERVER_NAME: optional,
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('zoom-registrations'),
  // Encrypts every payload this process sends to Temporal (src/temporal/payload-codec.ts); every process of a
  // deployment needs the same keys. Unset: payloads are stored as they are.
  PAYLOAD_CODEC_KEYS: payloadKeys,
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

/** NOTIFY_EMAILS: `all` (the default), `off`, or some of EMAIL_KINDS separated by commas. */
const emailKinds = z
  .string()
  .default('all')
  .transform((text, ctx) => {
    if (text === 'all') return [...EMAIL_KINDS];
    if (text === 'off') return [];
    const kinds = text.split(',').map((kind) => kind.trim());
    const wrong = kinds.find((kind) => !EMAIL_KINDS.includes(kind as EmailKind));
    if (wrong !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `must be all, off, or some of ${EMAIL_KINDS.join(', ')} (got "${wrong}")`,
      });
      return z.NEVER;
    }
    return [...new Set(kinds as EmailKind[])];
  });

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
/** `events@example.com` or `Example Events <events@example.com>`. */
const mailbox = z
  .string()
  .refine(
    (text) => ADDRESS.test(text) || /^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>$/.test(text.trim()),
    'must be an email address, or a name and <address>',
  );

/** NOTIFY_REGISTRATION_URLS: `<webinar id or meeting:id>=<url>` pairs separated by commas, keyed by zoomEventKey. */
const registrationLinks = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const links = new Map<string, string>();
    for (const entry of text.split(',').filter((e) => e.trim())) {
      const at = entry.indexOf('=');
      const event = zoomEventArgSchema.safeParse(entry.slice(0, at).trim());
      const link = url.safeParse(entry.slice(at + 1).trim());
      if (at < 0 || !event.success || !link.success) {
        ctx.addIssue({
          code: 'custom',
          message: `must be <webinar id or meeting:id>=<https URL> pairs separated by commas (got "${entry.trim()}")`,
        });
        return z.NEVER;
      }
      links.set(zoomEventKey(event.data), link.data);
    }
    return links;
  });

/** Capture mode (src/zoom/capture.ts): a folder to write what Zoom sends and answers, redacted; unset, off. */
const captureDir = z.string().min(1, 'must be a folder, or unset').optional();

export const workerConfigSchema = reconcileScheduleSchema
  .extend({
    ZOOM_CAPTURE_DIR: captureDir,
    ZOOM_ACCOUNT_ID: required,
    ZOOM_CLIENT_ID: required,
    ZOOM_CLIENT_SECRET: required,
    ZOOM_API_BASE_URL: url.default('https://api.zoom.us/v2'),
    ZOOM_OAUTH_TOKEN_URL: url.default('https://zoom.us/oauth/token'),
    // Calls per second, all workers together, per Zoom rate-limit category. Zoom's limits are the account's, shared
    // by every app on it: by default half of a Pro account's (30 and 20), leaving the other half to the others.
    ZOOM_LIGHT_RATE_LIMIT: callsPerSecond.default(15),
    ZOOM_MEDIUM_RATE_LIMIT: callsPerSecond.default(10),
    // One cap on both, for an account whose budget other apps share.
    ZOOM_API_RATE_LIMIT: callsPerSecond.optional(),
    // The sweep's share of Medium for its listings; a tenth of it by default (see zoomRateLimits).
    ZOOM_RECONCILE_RATE_LIMIT: callsPerSecond.optional(),
    // Webinars and meetings the sweep watches even when no registrant workflow of theirs is open.
    RECONCILE_WEBINARS: watched('webinar'),
    RECONCILE_MEETINGS: watched('meeting'),
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
    // Emails to registrants (README, "Notifications"): on when SMTP_URL is set.
    SMTP_URL: z
      .url({ protocol: /^smtps?$/, error: 'must be smtp://user:pass@host:port, or smtps:// for TLS' })
      .optional(),
    NOTIFY_FROM: mailbox.optional(),
    NOTIFY_REPLY_TO: mailbox.optional(),
    NOTIFY_EMAILS: emailKinds,
    NOTIFY_TEMPLATES_DIR: z.string().min(1).optional(),
    NOTIFY_REGISTRATION_URLS: registrationLinks,
    NOTIFY_REGISTRATION_URL_PATTERN: url
      .refine((text) => text.includes('{id}'), 'must hold {id} (and may hold {kind})')
      .optional(),
    // Alerts to operators: a Slack-compatible incoming webhook; the Web UI's address makes them link the workflow.
    OPS_ALERT_WEBHOOK_URL: url.optional(),
    TEMPORAL_UI_URL: url.optional(),
    // Memory: each cached workflow keeps its state in the worker; the others are replayed from history when they
    // wake. Measured by npm run bench:memory (README, "Sizing the worker").
    WORKER_MAX_CACHED_WORKFLOWS: count.default(250),
    WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: count.min(2, 'must be at least 2').default(40),
    WORKER_MAX_CONCURRENT_ACTIVITIES: count.min(1, 'must be at least 1').default(100),
    // How long an in-flight activity may finish after SIGTERM before it is cancelled.
    WORKER_SHUTDOWN_GRACE: duration('20s'),
    // Where the worker serves Prometheus metrics (the SDK's and the business counters); `off` serves none.
    WORKER_METRICS_ADDRESS: z
      .string()
      .default('0.0.0.0:9464')
      .refine(
        (text) => text === 'off' || /^[^\s:]+:\d{1,5}$/.test(text),
        'must be host:port, like 0.0.0.0:9464, or off',
      )
      .transform((text) => (text === 'off' ? null : text)),
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
    if (env.SMTP_URL && !env.NOTIFY_FROM) {
      ctx.addIssue({ code: 'custom', path: ['NOTIFY_FROM'], message: 'is required when SMTP_URL is set' });
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
/** The settings that say how to talk to Temporal (all optional): the TEMPORAL_* but the task queue, and the keys. */
export type TemporalConnectionSettings = Partial<Omit<TemporalConfig, 'TEMPORAL_TASK_QUEUE'>>;
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

const port = z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535);

export const gatewayConfigSchema = temporalSchema.extend({
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  ZOOM_WEBHOOK_SECRET_TOKEN: required,
  API_TOKEN: z.string().min(1).optional(),
  ZOOM_CAPTURE_DIR: captureDir,
});
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** `npm run codec-server`: the keys the worker encrypts with, where to listen, who may ask. */
export const codecServerConfigSchema = z
  .object({
    PAYLOAD_CODEC_KEYS: payloadKeys,
    CODEC_SERVER_PORT: port.default(8888),
    CODEC_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
    CODEC_SERVER_TOKEN: optional,
    // The Web UI's origins (the dev server's UI by default).
    CODEC_SERVER_CORS_ORIGINS: z
      .string()
      .default('http://localhost:8233,http://127.0.0.1:8233')
      .transform((text) => text.split(',').map((origin) => origin.trim()))
      .pipe(z.array(z.url({ error: 'must be origins like https://temporal-ui.example.com, separated by commas' }))),
  })
  .superRefine((env, ctx) => {
    if (env.PAYLOAD_CODEC_KEYS.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['PAYLOAD_CODEC_KEYS'], message: 'is required: the keys the worker uses' });
    }
    if (!env.CODEC_SERVER_TOKEN && !LOOPBACK.has(env.CODEC_SERVER_HOST)) {
      ctx.addIssue({
        code: 'custom',
        path: ['CODEC_SERVER_TOKEN'],
        message: `is required when the codec server listens beyond this machine (CODEC_SERVER_HOST=${env.CODEC_SERVER_HOST})`,
      });
    }
  });
export type CodecServerConfig = z.output<typeof codecServerConfigSchema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses `env`: the settings, or every variable's problem, one line each naming it. */
export function readSettings<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv,
): { ok: true; settings: z.output<S> } | { ok: false; problems: string[] } {
  // An empty variable means "not set", as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  return result.success ? { ok: true, settings: result.data } : { ok: false, problems: describeSettings(result.error) };
}

/** Parses `env`; on failure throws a ConfigError whose message is one line naming the (first) variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.output<S> {
  const read = readSettings(schema, env);
  if (read.ok) return read.settings;
  throw new ConfigError(read.problems[0] ?? 'the environment is invalid');
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
