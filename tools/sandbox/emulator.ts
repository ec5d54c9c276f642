// A Zoom emulator: a real HTTP server with Zoom's Server-to-Server OAuth, the webinar registrant endpoints, their
// status codes and error bodies (zoom-platform.md), rate limits per label, eventual consistency, injected faults,
// per-registrant scripted answers for tests, and webhooks signed and delivered (with retries) as Zoom does.
// Tests and `npm run dev` use it in-process; `npm run sandbox` runs it alone. People act through the methods below,
// the control API under /_sandbox (control-api.ts) or `npm run simulate`.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { describeIssue } from '../../src/errors';
import { ZOOM_CODES } from '../../src/zoom/rest';
import { classicScope, granularScope, WORKER_ZOOM_CALLS, type ZoomCall } from '../../src/zoom/scopes';
import type { RegistrationKind } from '../../src/domain/registration';
import { ZOOM_EVENT_KINDS, type ZoomEventKind } from '../../src/domain/zoom-event';
import { LaggingView } from './consistency';
import { registerControlApi } from './control-api';
import { SandboxError } from './errors';
import { WebhookDelivery, type DeliveryRecord, type SubscriptionStatus } from './delivery';
import { RateLimiter, type RateLimitLabel } from './rate-limits';
import { DEFAULT_SETTINGS, settingsPatchSchema, type SandboxSettings, type SettingsPatch } from './settings';
import { buildRegistrationEvent, deliverWebhook, signedRequest, type Operator, type ZoomWebhookBody } from './webhooks';
import {
  SESSION_MINUTES,
  ZoomWorld,
  sessionEnded,
  type NewRegistrant,
  type NewHostedEvent,
  type Registrant,
  type HostedEvent,
} from './world';

export type { Registrant, HostedEvent } from './world';
export type { ZoomWebhookBody } from './webhooks';
export { SandboxError } from './errors';

export interface ZoomEmulatorOptions {
  accountId: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds?: number;
  /** What a registrant's own cancel does to the record: the 2020 reports say `remove`, later ones `deny`. */
  selfCancelMode?: 'remove' | 'deny';
  /** Everything else the sandbox can be told (settings.ts); all off by default. */
  settings?: SettingsPatch;
  /** The source of every random choice (faults, duplicates, drops), so that tests can fix it. */
  random?: () => number;
  /** How long a webhook endpoint has to answer (Zoom: 3 s). */
  webhookResponseTimeoutMs?: number;
}

/** The routes that can be scripted: GET one, DELETE one, PUT status naming the registrant, and a webinar's list. */
export type ScriptedRoute = 'get' | 'delete' | 'status' | 'list';

/** One scripted answer to a route (`status` only makes sense for GET; `normally` lets one call through). */
export type LookupStep =
  | { respond: 'normally' }
  | { respond: 'status'; status: 'approved' | 'pending' | 'denied' | 'all' }
  | { respond: 'not_found' }
  | { respond: 'webinar_not_found' }
  | { respond: 'rate_limited'; retryAfter: string }
  | { respond: 'server_error'; status?: number }
  | { respond: 'error'; status: number; code: number; message: string };

export interface RecordedRequest {
  method: string;
  path: string;
  /** The query string, without its `?` (e.g. the listing's status and page token). */
  query: string;
  status: number;
  /** Arrival, epoch ms. */
  at: number;
  /** The route's rate-limit label; none for the OAuth and control routes. */
  label?: RateLimitLabel;
}

/** The faults the settings injected so far (serverErrorRate, rateLimitedRate, timeoutRate). */
export interface InjectedFaults {
  serverErrors: number;
  rateLimited: number;
  timeouts: number;
}

/** The worker's calls (src/zoom/scopes.ts) and the one it never makes: adding a registrant, as a person registering does. */
const KIND_ROUTES: readonly ZoomCall[] = [
  ...WORKER_ZOOM_CALLS,
  { route: 'POST /:eventId/registrants', classic: 'write', granular: 'write:registrant', purpose: 'registering' },
];

/**
 * Each registrant route's rate-limit label (zoom-platform.md 6; the same for meetings, zoom-meetings.md M1), by
 * Fastify's route pattern under a kind's path (`:eventId` is the webinar's or meeting's id).
 */
const KIND_ROUTE_LABELS: Record<string, RateLimitLabel> = {
  'GET /:eventId': 'Light',
  'GET /:eventId/registrants/:registrantId': 'Light',
  'GET /:eventId/registrants': 'Medium',
  'POST /:eventId/registrants': 'Light',
  'PUT /:eventId/registrants/status': 'Medium',
  'DELETE /:eventId/registrants/:registrantId': 'Light',
};

const routeKey = (kind: ZoomEventKind, pattern: string) => {
  const [method, path] = pattern.split(' ');
  return `${method} /v2/${kind}s${path}`;
};

const ROUTE_LABELS: Record<string, RateLimitLabel> = Object.fromEntries(
  ZOOM_EVENT_KINDS.flatMap((kind) => Object.entries(KIND_ROUTE_LABELS).map(([p, label]) => [routeKey(kind, p), label])),
);

/** The scope each route needs, classic and granular (the granular mapping is partly UNCONFIRMED). */
const ROUTE_SCOPES: Record<string, Record<SandboxSettings['tokenScopes'], string>> = Object.fromEntries(
  ZOOM_EVENT_KINDS.flatMap((kind) =>
    KIND_ROUTES.map((call) => [
      routeKey(kind, call.route),
      { classic: classicScope(kind, call), granular: granularScope(kind, call) },
    ]),
  ),
);

const PER_SECOND_LIMIT_MESSAGE = 'You have reached the maximum per-second rate limit for this API. Try again later.';
const MAX_STATUS_BATCH = 30;
const MAX_PAGE_SIZE = 300;
const PAGE_TOKEN_TTL_MS = 15 * 60 * 1000;

const statusUpdateSchema = z.object({
  action: z.enum(['approve', 'deny', 'cancel']),
  registrants: z
    .array(z.object({ id: z.string().optional(), email: z.string().optional() }))
    .min(1)
    .max(MAX_STATUS_BATCH),
});
const addRegistrantSchema = z.looseObject({
  email: z.string().includes('@'),
  first_name: z.string().min(1),
  last_name: z.string().optional(),
});
const listQuerySchema = z.object({
  status: z.enum(['approved', 'pending', 'denied']).default('approved'),
  occurrence_id: z.string().optional(),
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(30),
  next_page_token: z.string().optional(),
});

/** The `occurrence_id` a registrant call was given, if any. */
const occurrenceOf = (query: unknown) => (query as { occurrence_id?: string }).occurrence_id ?? null;

function zoomError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply.code(status).send({ code, message });
}

/** A scripted or injected 429: Retry-After in seconds (per second) or an ISO time (a daily limit). */
function rateLimited(reply: FastifyReply, label: RateLimitLabel, retryAfter: string) {
  const daily = Number.isNaN(Number(retryAfter));
  return reply
    .code(429)
    .headers({
      'retry-after': retryAfter,
      'x-ratelimit-category': label,
      'x-ratelimit-type': daily ? 'Daily-limit' : 'QPS',
    })
    .send({ code: ZOOM_CODES.rateLimited, message: PER_SECOND_LIMIT_MESSAGE });
}

/**
 * Zoom's 3001 for a webinar or meeting it does not know, in the kind's words: 404 "… does not exist: {id}." on
 * reads, 400 "… does not exist." on DELETE (zoom-platform.md 1.4).
 */
function zoomEventNotFound(reply: FastifyReply, kind: ZoomEventKind, id: string, status: 404 | 400 = 404) {
  const name = kind === 'meeting' ? 'Meeting' : 'Webinar';
  const message = status === 400 ? `${name} does not exist.` : `${name} does not exist: ${id}.`;
  return zoomError(reply, status, ZOOM_CODES.webinarNotFound, message);
}

const invalidField = (reply: FastifyReply, error: z.ZodError) =>
  zoomError(reply, 400, ZOOM_CODES.invalidId, `Invalid field: ${error.issues[0]?.path.join('.')}`);

export class ZoomEmulator {
  readonly requests: RecordedRequest[] = [];
  /** The API requests that have arrived and are not answered yet (by request id). */
  private readonly apiInFlight = new Set<string>();
  private readonly world = new ZoomWorld();
  private readonly tokens = new Map<string, number>();
  private readonly issued = new Set<string>();
  readonly injected: InjectedFaults = { serverErrors: 0, rateLimited: 0, timeouts: 0 };
  private readonly scripts = new Map<string, { steps: LookupStep[]; repeatLast: boolean }>();
  private readonly pageTokens = new Map<string, { offset: number; expiresAt: number }>();
  private readonly app: FastifyInstance;
  private readonly rateLimiter = new RateLimiter();
  private readonly lagging = new LaggingView();
  private readonly delivery: WebhookDelivery;
  private readonly random: () => number;
  private current: SandboxSettings;
  private origin: string | null = null;

  constructor(private readonly options: ZoomEmulatorOptions) {
    this.current = {
      ...DEFAULT_SETTINGS,
      ...(options.selfCancelMode ? { selfCancelMode: options.selfCancelMode } : {}),
      ...settingsPatchSchema.parse(options.settings ?? {}),
    };
    this.random = options.random ?? Math.random;
    this.delivery = new WebhookDelivery(
      () => this.current,
      () => this.dropsNext(),
      this.random,
      options.webhookResponseTimeoutMs,
    );
    // A held (timed-out) request must not keep stop() waiting.
    this.app = Fastify({ forceCloseConnections: true });
    this.app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    this.app.addHook('onRequest', (req, _reply, done) => {
      if (req.url.startsWith('/v2/')) this.apiInFlight.add(req.id);
      done();
    });
    this.app.addHook('onRequestAbort', (req, done) => {
      this.apiInFlight.delete(req.id);
      done();
    });
    this.app.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('x-zm-trackingid', `v=2.0;clid=us06;rid=WEB_${randomBytes(16).toString('hex')}`);
      done(null, payload);
    });
    this.app.addHook('onResponse', (req, reply, done) => {
      this.apiInFlight.delete(req.id);
      const [path = req.url, query = ''] = req.url.split('?');
      const label = ROUTE_LABELS[`${req.method} ${req.routeOptions.url ?? ''}`];
      this.requests.push({
        ...(label ? { label } : {}),
        method: req.method,
        path,
        query,
        status: reply.statusCode,
        // When it arrived, as Zoom counts its limits; not when it was answered (latencyMs, timeouts).
        at: Math.round(Date.now() - reply.elapsedTime),
      });
      done();
    });
    this.routes();
    registerControlApi(this.app, this);
  }

  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    this.origin = await this.app.listen({ port, host });
  }

  async stop(): Promise<void> {
    await this.delivery.stop();
    await this.app.close();
  }

  // --- settings and webhook delivery ---------------------------------------------------------------------------

  get settings(): Readonly<SandboxSettings> {
    return this.current;
  }

  /**
   * Changes settings at runtime. A new webhook URL is validated as Zoom validates endpoints (the endpoint must
   * answer the challenge) before any event is sent there.
   */
  async configure(patch: unknown): Promise<SandboxSettings> {
    const parsed = settingsPatchSchema.safeParse(patch);
    if (!parsed.success) {
      throw new SandboxError(400, 'invalid_settings', describeIssue(parsed.error, '', 'settings'));
    }
    const next = { ...this.current, ...parsed.data };
    if (next.webhookUrl && (next.webhookUrl !== this.current.webhookUrl || parsed.data.webhookSecret)) {
      const validation = await this.delivery.validate(next.webhookUrl, next.webhookSecret);
      if (!validation.ok) {
        throw new SandboxError(422, 'endpoint_validation_failed', `${next.webhookUrl}: ${validation.detail}`);
      }
    }
    this.current = next;
    this.delivery.settingsChanged();
    return this.current;
  }

  /** Every webhook the emulator sent or tried to send, with each attempt. */
  get deliveries(): readonly DeliveryRecord[] {
    return this.delivery.log;
  }

  /** Zoom's revalidations of the endpoint, and whether repeated failures disabled the subscription. */
  get webhookSubscription(): SubscriptionStatus {
    return this.delivery.subscription();
  }

  /** Re-enables a subscription disabled by failed revalidations, once its endpoint validates again. */
  reenableWebhooks(): Promise<{ ok: boolean; detail: string }> {
    return this.delivery.reenableSubscription();
  }

  /**
   * Loses webhooks from now on, as Zoom does when it gives up on an endpoint or cuts a subscription off: the next
   * `next` of them, or all of them for `forMs`. Both at once add up.
   */
  dropWebhooks({ next = 0, forMs = 0 }: { next?: number; forMs?: number }): SandboxSettings {
    const until = forMs > 0 ? new Date(Date.now() + forMs).toISOString() : this.current.dropUntil;
    this.current = { ...this.current, dropNext: this.current.dropNext + next, dropUntil: until };
    return this.current;
  }

  /** A dropped webhook arrives after all (a late retry of Zoom's); false when delivery `id` was not dropped. */
  redeliver(id: number): boolean {
    return this.delivery.redeliver(id);
  }

  /** Whether the next webhook is lost: one of the next N, one until a moment, or a share at random. */
  private dropsNext(): boolean {
    const { dropNext, dropUntil, dropRate } = this.current;
    if (dropNext > 0) {
      this.current = { ...this.current, dropNext: dropNext - 1 };
      return true;
    }
    if (dropUntil !== null && Date.now() < Date.parse(dropUntil)) return true;
    return this.random() < dropRate;
  }

  /** Resolves once no delivery is in flight or scheduled (tests). */
  deliveriesIdle(): Promise<void> {
    return this.delivery.idle();
  }

  /** Queues the event for the subscribed endpoint, if there is one; returns what happened to it. */
  private emit(event: ZoomWebhookBody): ZoomWebhookBody {
    this.delivery.enqueue(event);
    return event;
  }

  /** The Server-to-Server OAuth account it answers for, as a worker signs in with it. */
  get credentials(): { accountId: string; clientId: string; clientSecret: string } {
    const { accountId, clientId, clientSecret } = this.options;
    return { accountId, clientId, clientSecret };
  }

  get apiBaseUrl(): string {
    return `${this.requireOrigin()}/v2`;
  }

  get tokenUrl(): string {
    return `${this.requireOrigin()}/oauth/token`;
  }

  /** The base URL `npm run simulate` talks to (SANDBOX_URL). */
  get url(): string {
    return this.requireOrigin();
  }

  get controlUrl(): string {
    return `${this.requireOrigin()}/_sandbox`;
  }

  // --- the world ---------------------------------------------------------------------------------------------

  /** A webinar or a meeting with registration. */
  addHostedEvent(kind: ZoomEventKind, w?: NewHostedEvent): HostedEvent {
    return this.world.add(kind, w);
  }

  addWebinar(w?: NewHostedEvent): HostedEvent {
    return this.addHostedEvent('webinar', w);
  }

  addMeeting(w?: NewHostedEvent): HostedEvent {
    return this.addHostedEvent('meeting', w);
  }

  addRegistrant(eventId: string, r: NewRegistrant): Registrant {
    return this.world.addRegistrant(this.webinar(eventId), r);
  }

  registrant(eventId: string, registrantId: string): Registrant | undefined {
    return this.world.events.get(eventId)?.registrants.get(registrantId);
  }

  /**
   * The host converts a meeting to a webinar, or back (Zoom's `meeting.converted_to_webinar`): the id and the
   * registrants stay, and their later events and calls are the new kind's.
   */
  convert(eventId: string, to: ZoomEventKind): HostedEvent {
    const hosted = this.webinar(eventId);
    hosted.kind = to;
    return hosted;
  }

  /** Every webinar and meeting, in the order they were added. */
  hostedEvents(): HostedEvent[] {
    return [...this.world.events.values()];
  }

  /** Scripts the next answers of one registrant's route; they come before the record, once each. */
  script(
    route: ScriptedRoute,
    eventId: string,
    registrantId: string,
    steps: LookupStep[],
    opts: { repeatLast?: boolean } = {},
  ): void {
    this.scripts.set(`${route}:${eventId}/${registrantId}`, {
      steps: [...steps],
      repeatLast: opts.repeatLast ?? false,
    });
  }

  /** Scripts the next answers of a webinar's registrant list (any status, any page), once each. */
  scriptListing(eventId: string, steps: LookupStep[]): void {
    this.script('list', eventId, '', steps);
  }

  scriptLookup(eventId: string, registrantId: string, steps: LookupStep[], opts: { repeatLast?: boolean } = {}): void {
    this.script('get', eventId, registrantId, steps, opts);
  }

  /** How many webhooks are waiting for the subscribed endpoint's answer right now. */
  get webhooksInFlight(): number {
    return this.delivery.sending;
  }

  /** How many API requests are being answered (or held) right now. */
  get apiRequestsInFlight(): number {
    return this.apiInFlight.size;
  }

  /** Every access token issued so far, expired or not (to look for them where they must not be, such as logs). */
  get issuedTokens(): string[] {
    return [...this.issued];
  }

  /** Invalidates every token issued so far, as if they had expired. */
  expireTokens(): void {
    this.tokens.clear();
  }

  countRequests(method: string, pathPattern: string | RegExp): number {
    return this.requests.filter(
      (r) =>
        r.method === method && (typeof pathPattern === 'string' ? r.path === pathPattern : pathPattern.test(r.path)),
    ).length;
  }

  // --- webhooks, and acting as people ------------------------------------------------------------------------

  buildEvent(
    kind: RegistrationKind,
    eventId: string,
    registrantId: string,
    opts: { eventTs?: number } & Operator = {},
  ): ZoomWebhookBody {
    const webinar = this.webinar(eventId);
    const registrant = this.existing(eventId, registrantId);
    const operator =
      kind === 'created'
        ? {}
        : {
            operator: opts.operator ?? webinar.hostEmail,
            operatorId: opts.operatorId === undefined ? webinar.hostId : opts.operatorId,
          };
    return buildRegistrationEvent(kind, this.options.accountId, webinar, registrant, operator, opts.eventTs);
  }

  signedRequest(body: unknown, secret: string, opts?: { timestampSeconds?: number }) {
    return signedRequest(body, secret, opts);
  }

  deliverWebhook(url: string, body: unknown, secret: string, opts?: { timestampSeconds?: number }) {
    return deliverWebhook(url, body, secret, opts);
  }

  /** Someone registers on Zoom's page; a denied email is blocked, as Zoom blocks it. */
  register(eventId: string, r: NewRegistrant): { registrant: Registrant; event: ZoomWebhookBody } {
    const webinar = this.webinar(eventId);
    if (this.world.findByEmail(webinar, r.email)?.status === 'denied') {
      throw new SandboxError(409, 'registration_blocked', `Zoom blocks ${r.email}: denied for webinar ${eventId}`);
    }
    const registrant = this.mutate(webinar, null, () => this.world.addRegistrant(webinar, r));
    return { registrant, event: this.emit(this.buildEvent('created', eventId, registrant.id)) };
  }

  /** Zoom's `registration_created` for someone added with addRegistrant (a seeded world the app should know). */
  announce(eventId: string, registrantId: string): ZoomWebhookBody {
    return this.emit(this.buildEvent('created', eventId, registrantId));
  }

  /** The link in the confirmation email; who the webhook names as operator is `selfCancelOperator`'s. */
  cancelAsRegistrant(eventId: string, registrantId: string): ZoomWebhookBody {
    const registrant = this.existing(eventId, registrantId);
    const webinar = this.webinar(eventId);
    const operator = {
      registrant: { operator: registrant.email, operatorId: null },
      absent: {},
      host: { operator: webinar.hostEmail, operatorId: webinar.hostId },
    }[this.current.selfCancelOperator];
    const event = buildRegistrationEvent('cancelled', this.options.accountId, webinar, registrant, operator);
    this.mutate(webinar, registrantId, () => {
      if (this.current.selfCancelMode === 'deny') registrant.status = 'denied';
      else webinar.registrants.delete(registrantId);
    });
    return this.emit(event);
  }

  /** The host cancels in Zoom's UI or with `PUT .../registrants/status` `cancel`: Zoom marks them denied. */
  cancelAsAdmin(eventId: string, registrantId: string): ZoomWebhookBody {
    this.setStatus(eventId, registrantId, 'denied');
    return this.emit(this.buildEvent('cancelled', eventId, registrantId));
  }

  approve(eventId: string, registrantId: string): ZoomWebhookBody {
    this.setStatus(eventId, registrantId, 'approved');
    return this.emit(this.buildEvent('approved', eventId, registrantId));
  }

  deny(eventId: string, registrantId: string): ZoomWebhookBody {
    this.setStatus(eventId, registrantId, 'denied');
    return this.emit(this.buildEvent('denied', eventId, registrantId));
  }

  private setStatus(eventId: string, registrantId: string, status: Registrant['status']): void {
    const registrant = this.existing(eventId, registrantId);
    this.mutate(this.webinar(eventId), registrantId, () => {
      registrant.status = status;
    });
  }

  /** Applies a change now, and lets readers see it only after the consistency delay. */
  private mutate<T extends Registrant | void>(webinar: HostedEvent, registrantId: string | null, change: () => T): T {
    const before = registrantId ? (webinar.registrants.get(registrantId) ?? null) : null;
    const snapshot = before && { ...before };
    const result = change();
    const id = registrantId ?? (result as Registrant).id;
    const after = webinar.registrants.get(id) ?? null;
    this.lagging.change(`${webinar.id}/${id}`, snapshot, after, this.current.consistencyDelayMs);
    return result;
  }

  /** A registrant as GET and list see it now (eventual consistency). */
  private visible(webinar: HostedEvent, registrantId: string): Registrant | null {
    return this.lagging.read(`${webinar.id}/${registrantId}`, webinar.registrants.get(registrantId) ?? null);
  }

  // --- HTTP ----------------------------------------------------------------------------------------------------

  private routes(): void {
    this.app.post('/oauth/token', (req, reply) => {
      const params = { ...(req.query as Record<string, string>), ...(req.body as Record<string, string> | undefined) };
      const expected = `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        // Zoom answers bad client credentials 400, not 401 (emulator-fidelity.md #11).
        return reply.code(400).send({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      }
      if (params.grant_type !== 'account_credentials') {
        return reply.code(400).send({ reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
      }
      if (params.account_id !== this.options.accountId) {
        return reply.code(400).send({ reason: 'Invalid account_id', error: 'invalid_request' });
      }
      const ttl = this.options.tokenTtlSeconds ?? 3600;
      const token = randomBytes(24).toString('base64url');
      this.tokens.set(token, Date.now() + ttl * 1000);
      this.issued.add(token);
      return reply.send({
        access_token: token,
        token_type: 'bearer',
        expires_in: ttl,
        scope: this.grantedScopes().join(' '),
      });
    });

    this.app.register(
      (api, _opts, done) => {
        api.addHook('onRequest', (req, reply, next) => {
          const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
          const expiresAt = token ? this.tokens.get(token) : undefined;
          if (!expiresAt || expiresAt < Date.now()) {
            void zoomError(reply, 401, ZOOM_CODES.invalidToken, 'Invalid access token.');
            return;
          }
          const needed = ROUTE_SCOPES[`${req.method} ${req.routeOptions.url ?? ''}`]?.[this.current.tokenScopes];
          if (needed && !this.grantedScopes().includes(needed)) {
            void zoomError(
              reply,
              400,
              ZOOM_CODES.missingScope,
              `Invalid access token, does not contain scopes:[${needed}]`,
            );
            return;
          }
          next();
        });
        api.addHook('onRequest', (req, reply, next) => {
          const { timeoutRate, timeoutMs, serverErrorRate, rateLimitedRate, plan, latencyMs } = this.current;
          if (timeoutRate > 0 && this.random() < timeoutRate) {
            this.injected.timeouts++;
            // No answer until the caller has long given up; then a gateway timeout, as a proxy in front would say.
            setTimeout(() => void zoomError(reply, 504, 504, 'Gateway timeout.'), timeoutMs).unref();
            return;
          }
          if (serverErrorRate > 0 && this.random() < serverErrorRate) {
            this.injected.serverErrors++;
            void zoomError(reply, 500, 500, 'Internal server error.');
            return;
          }
          const label = ROUTE_LABELS[`${req.method} ${req.routeOptions.url ?? ''}`];
          if (label && rateLimitedRate > 0 && this.random() < rateLimitedRate) {
            this.injected.rateLimited++;
            // As another app on the same account would make Zoom answer: the account's second is spent.
            void rateLimited(reply, label, '1');
            return;
          }
          const verdict = label ? this.rateLimiter.check(plan, label) : null;
          if (verdict) reply.headers(verdict.headers);
          if (verdict && !verdict.allowed) {
            void zoomError(reply, 429, ZOOM_CODES.rateLimited, PER_SECOND_LIMIT_MESSAGE);
            return;
          }
          if (latencyMs > 0) setTimeout(next, latencyMs);
          else next();
        });
        // The same routes for webinars and meetings, each under its kind's path; an id of the other kind is
        // answered as Zoom does (zoom-meetings.md, "What differs": a meeting route given a webinar's id, 400/3000).
        for (const zoomKind of ZOOM_EVENT_KINDS) {
          api.register(
            (kind, _o, registered) => {
              kind.addHook('preHandler', (req, reply, next) => {
                const { eventId } = req.params as { eventId: string };
                const hosted = this.world.events.get(eventId);
                if (hosted?.kind === zoomKind) return next();
                if (hosted && zoomKind === 'meeting') {
                  void zoomError(reply, 400, ZOOM_CODES.registrantNotFound, 'Cannot access meeting info.');
                  return;
                }
                void zoomEventNotFound(reply, zoomKind, eventId, req.method === 'DELETE' ? 400 : 404);
              });
              kind.get('/:eventId/registrants/:registrantId', (req, reply) => {
                const { eventId, registrantId } = req.params as { eventId: string; registrantId: string };
                const step = this.nextStep('get', eventId, registrantId);
                if (step) return this.answerStep(reply, step, eventId, registrantId);
                const occurrence = occurrenceOf(req.query);
                const record = this.world.events.get(eventId)?.registrants.get(registrantId);
                if (occurrence && record && !this.registeredFor(eventId, record, occurrence)) {
                  return this.registrantNotFound(reply, eventId, registrantId);
                }
                return this.answerRecord(reply, eventId, registrantId);
              });
              kind.get('/:eventId', (req, reply) =>
                this.describeWebinar((req.params as { eventId: string }).eventId, req.query, reply),
              );
              kind.get('/:eventId/registrants', (req, reply) => {
                const { eventId } = req.params as { eventId: string };
                const step = this.nextStep('list', eventId, '');
                return step && step.respond !== 'normally' && step.respond !== 'status'
                  ? this.answerStep(reply, step, eventId, '', 'Medium')
                  : this.list({ eventId }, req.query, reply);
              });
              kind.post('/:eventId/registrants', (req, reply) =>
                this.add((req.params as { eventId: string }).eventId, req.body, reply),
              );
              kind.put('/:eventId/registrants/status', (req, reply) =>
                this.updateStatus(
                  (req.params as { eventId: string }).eventId,
                  req.body,
                  occurrenceOf(req.query),
                  reply,
                ),
              );
              kind.delete('/:eventId/registrants/:registrantId', (req, reply) => {
                const { eventId, registrantId } = req.params as { eventId: string; registrantId: string };
                const step = this.nextStep('delete', eventId, registrantId);
                const webinar = this.world.events.get(eventId);
                // DELETE documents all its errors as HTTP 400 (zoom-platform.md 1.4).
                if (!webinar || step?.respond === 'webinar_not_found') return this.notFound(reply, eventId, 400);
                if (!webinar.registrants.has(registrantId) || step?.respond === 'not_found') {
                  return zoomError(
                    reply,
                    400,
                    ZOOM_CODES.registrantNotFound,
                    `Registrant ${registrantId} was not found.`,
                  );
                }
                if (step) return this.answerStep(reply, step, eventId, registrantId);
                if (this.current.writesChangeNothing) return reply.code(204).send();
                if (this.leaveOccurrence(webinar, registrantId, occurrenceOf(req.query))) return reply.code(204).send();
                const echo = this.buildEvent('cancelled', eventId, registrantId);
                this.mutate(webinar, registrantId, () => void webinar.registrants.delete(registrantId));
                if (this.current.webhookOnApiWrites) this.emit(echo);
                return reply.code(204).send();
              });
              registered();
            },
            { prefix: `/${zoomKind}s` },
          );
        }
        done();
      },
      { prefix: '/v2' },
    );

    this.app.setNotFoundHandler((_req, reply) => zoomError(reply, 404, 404, 'Not found'));
  }

  private nextStep(route: ScriptedRoute, eventId: string, registrantId: string): LookupStep | undefined {
    const script = this.scripts.get(`${route}:${eventId}/${registrantId}`);
    if (!script || script.steps.length === 0) return undefined;
    return script.repeatLast && script.steps.length === 1 ? script.steps[0] : script.steps.shift();
  }

  private answerStep(
    reply: FastifyReply,
    step: LookupStep,
    eventId: string,
    registrantId: string,
    label: RateLimitLabel = 'Light',
  ) {
    switch (step.respond) {
      case 'normally':
        return this.answerRecord(reply, eventId, registrantId);
      case 'status': {
        const webinar = this.world.events.get(eventId);
        const record = webinar && this.visible(webinar, registrantId);
        const base = record ?? { id: registrantId, email: 'unknown@example.com', first_name: 'Unknown' };
        return reply.send({ ...base, status: step.status });
      }
      case 'not_found':
        return this.registrantNotFound(reply, eventId, registrantId);
      case 'webinar_not_found':
        return this.notFound(reply, eventId);
      case 'rate_limited':
        return rateLimited(reply, label, step.retryAfter);
      case 'server_error':
        return zoomError(reply, step.status ?? 500, step.status ?? 500, 'Internal server error.');
      case 'error':
        return zoomError(reply, step.status, step.code, step.message);
    }
  }

  private answerRecord(reply: FastifyReply, eventId: string, registrantId: string) {
    const webinar = this.world.events.get(eventId);
    if (!webinar) return this.notFound(reply, eventId);
    const record = this.visible(webinar, registrantId);
    return record ? reply.send(record) : this.registrantNotFound(reply, eventId, registrantId);
  }

  /** What GET answers for a removed registrant is UNCONFIRMED (zoom-platform.md 1.2): one of the candidates. */
  private registrantNotFound(reply: FastifyReply, eventId: string, registrantId: string) {
    switch (this.current.removedRegistrantAnswer) {
      case 'registrant_not_found':
        return zoomError(reply, 404, ZOOM_CODES.registrantNotFound, `Registrant ${registrantId} was not found.`);
      case 'webinar_not_found':
        return this.notFound(reply, eventId);
      case 'bare_404':
        return reply.code(404).send();
    }
  }

  private list(params: { eventId: string }, query: unknown, reply: FastifyReply) {
    const webinar = this.world.events.get(params.eventId);
    if (!webinar) return this.notFound(reply, params.eventId);
    const parsed = listQuerySchema.safeParse(query);
    if (!parsed.success) return invalidField(reply, parsed.error);
    let offset = 0;
    if (parsed.data.next_page_token) {
      const page = this.pageTokens.get(parsed.data.next_page_token);
      if (!page || page.expiresAt < Date.now()) {
        return zoomError(reply, 400, ZOOM_CODES.invalidId, 'The next page token is invalid or expired.');
      }
      offset = page.offset;
    }
    // Registrants as readers see them now: just-deleted ones may still show, just-added ones not yet.
    const ids = new Set([
      ...webinar.registrants.keys(),
      ...this.lagging
        .keys()
        .filter((key) => key.startsWith(`${webinar.id}/`))
        .map((key) => key.slice(webinar.id.length + 1)),
    ]);
    const { status, occurrence_id: occurrence } = parsed.data;
    const matching = [...ids]
      .map((id) => this.visible(webinar, id))
      .filter((r): r is Registrant => r !== null && r.status === status)
      .filter((r) => !occurrence || !r.occurrence_ids || r.occurrence_ids.includes(occurrence));
    const pageItems = matching.slice(offset, offset + parsed.data.page_size);
    let nextPageToken = '';
    if (offset + pageItems.length < matching.length) {
      nextPageToken = randomBytes(16).toString('base64url');
      this.pageTokens.set(nextPageToken, {
        offset: offset + pageItems.length,
        expiresAt: Date.now() + PAGE_TOKEN_TTL_MS,
      });
    }
    return reply.send({
      page_size: parsed.data.page_size,
      total_records: matching.length,
      next_page_token: nextPageToken,
      registrants: pageItems,
    });
  }

  /**
   * Whether a registrant's record answers for `occurrence`: where registration is per occurrence and Zoom honours
   * `occurrence_id` (occurrenceScope), only for the occurrences they registered for.
   */
  private registeredFor(eventId: string, registrant: Registrant, occurrence: string): boolean {
    const webinar = this.world.events.get(eventId);
    if (!webinar || webinar.registrationType === 1 || this.current.occurrenceScope === 'ignored') return true;
    return !registrant.occurrence_ids || registrant.occurrence_ids.includes(occurrence);
  }

  /**
   * A cancel, deny or DELETE for one occurrence of a registrant registered for several (occurrenceScope honoured,
   * registration per occurrence): they leave that occurrence and keep the others. False when the write is for the
   * whole registrant instead.
   */
  private leaveOccurrence(webinar: HostedEvent, registrantId: string, occurrence: string | null): boolean {
    const registrant = webinar.registrants.get(registrantId);
    if (!occurrence || !registrant || webinar.registrationType === 1) return false;
    if (this.current.occurrenceScope === 'ignored') return false;
    const theirs = registrant.occurrence_ids ?? webinar.occurrences.map((o) => o.occurrence_id);
    if (!theirs.includes(occurrence) || theirs.length < 2) return false;
    this.mutate(webinar, registrantId, () => {
      registrant.occurrence_ids = theirs.filter((id) => id !== occurrence);
    });
    return true;
  }

  /**
   * `GET /webinars/{id}`: the webinar, with `settings.approval_type`, and its occurrences and
   * `settings.registration_type` when it recurs (type 9); occurrences that have ended only with
   * `show_previous_occurrences=true`, as Zoom does.
   */
  private describeWebinar(eventId: string, query: unknown, reply: FastifyReply) {
    const webinar = this.world.events.get(eventId);
    if (!webinar) return this.notFound(reply, eventId);
    const recurring = webinar.occurrences.length > 0;
    const previous = (query as { show_previous_occurrences?: string }).show_previous_occurrences === 'true';
    const shown = webinar.occurrences.filter((o) => previous || !sessionEnded(o.start_time));
    return reply.send({
      uuid: webinar.uuid,
      id: Number(webinar.id),
      host_id: webinar.hostId,
      topic: webinar.topic,
      type: recurring ? 9 : 5,
      start_time: webinar.startTime,
      duration: SESSION_MINUTES,
      timezone: webinar.timezone,
      // A webinar's GET gives it (registration on, as every sandbox event has); a meeting's may not (UNCONFIRMED).
      ...(webinar.kind === 'webinar' || this.current.meetingRegistrationUrl === 'returned'
        ? { registration_url: webinar.registrationUrl }
        : {}),
      settings: {
        approval_type: webinar.approvalType,
        ...(recurring ? { registration_type: webinar.registrationType } : {}),
      },
      ...(recurring ? { occurrences: shown.map((o) => ({ ...o, duration: SESSION_MINUTES })) } : {}),
    });
  }

  private add(eventId: string, body: unknown, reply: FastifyReply) {
    const webinar = this.world.events.get(eventId);
    if (!webinar) return this.notFound(reply, eventId);
    const parsed = addRegistrantSchema.safeParse(body);
    if (!parsed.success) return invalidField(reply, parsed.error);
    const spent = this.rateLimiter.checkDaily(this.current.plan, 'add', parsed.data.email.toLowerCase());
    if (spent)
      return reply.code(429).headers(spent.headers).send({ code: ZOOM_CODES.rateLimited, message: spent.message });
    const existing = this.world.findByEmail(webinar, parsed.data.email);
    // A denied email cannot register again; the exact message Zoom gives is a guess.
    if (existing?.status === 'denied') {
      return zoomError(
        reply,
        400,
        ZOOM_CODES.registrantNotFound,
        'You have been blocked from registering for this webinar.',
      );
    }
    // Users report that adding an email that is already registered returns the existing registration.
    let registrant = existing;
    if (!registrant) {
      const added = this.mutate(webinar, null, () => this.world.addRegistrant(webinar, parsed.data));
      if (this.current.webhookOnApiWrites) this.emit(this.buildEvent('created', eventId, added.id));
      registrant = added;
    }
    return reply.code(201).send({
      id: Number(webinar.id),
      registrant_id: registrant.id,
      join_url: registrant.join_url,
      start_time: webinar.startTime,
      topic: webinar.topic,
    });
  }

  private updateStatus(eventId: string, body: unknown, occurrence: string | null, reply: FastifyReply) {
    const webinar = this.world.events.get(eventId);
    if (!webinar) return this.notFound(reply, eventId);
    const parsed = statusUpdateSchema.safeParse(body);
    if (!parsed.success) return invalidField(reply, parsed.error);
    const targets = parsed.data.registrants.flatMap((target) => {
      const registrant = target.id
        ? webinar.registrants.get(target.id)
        : target.email
          ? this.world.findByEmail(webinar, target.email)
          : undefined;
      return registrant ? [registrant] : [];
    });
    // A scripted answer for any registrant named answers for the whole request, which then changes nothing.
    for (const registrant of targets) {
      const step = this.nextStep('status', eventId, registrant.id);
      if (step) return this.answerStep(reply, step, eventId, registrant.id);
    }
    for (const registrant of targets) {
      const spent = this.rateLimiter.checkDaily(this.current.plan, 'status', `${eventId}/${registrant.id}`);
      if (spent)
        return reply.code(429).headers(spent.headers).send({ code: ZOOM_CODES.rateLimited, message: spent.message });
    }
    const { action } = parsed.data;
    if (this.current.writesChangeNothing) return reply.code(204).send();
    for (const registrant of targets) {
      // `cancel` revokes an approval: a pending registrant has none, and stays pending (its effect there is
      // undocumented; zoom-platform.md 1.3). Both cancel and deny leave an approved registrant denied.
      if (action === 'cancel' && registrant.status === 'pending') continue;
      if (action !== 'approve' && this.leaveOccurrence(webinar, registrant.id, occurrence)) continue;
      this.mutate(webinar, registrant.id, () => {
        registrant.status = action === 'approve' ? 'approved' : 'denied';
      });
      if (this.current.webhookOnApiWrites) {
        const kind = action === 'approve' ? 'approved' : action === 'deny' ? 'denied' : 'cancelled';
        this.emit(this.buildEvent(kind, eventId, registrant.id));
      }
    }
    return reply.code(204).send();
  }

  /** Zoom's 3001 for the webinar or meeting `eventId` (the kind it has, or a webinar when there is none). */
  private notFound(reply: FastifyReply, eventId: string, status: 404 | 400 = 404) {
    return zoomEventNotFound(reply, this.world.events.get(eventId)?.kind ?? 'webinar', eventId, status);
  }

  /** The scopes a token is issued with now: all the calls need, less `missingScope`. */
  private grantedScopes(): string[] {
    const all = [...new Set(Object.values(ROUTE_SCOPES).map((scopes) => scopes[this.current.tokenScopes]))];
    return all.filter((scope) => scope !== this.current.missingScope);
  }

  private webinar(eventId: string): HostedEvent {
    const webinar = this.world.events.get(eventId);
    if (!webinar) throw new SandboxError(404, 'webinar_not_found', `no webinar or meeting ${eventId}`);
    return webinar;
  }

  private existing(eventId: string, registrantId: string): Registrant {
    const registrant = this.webinar(eventId).registrants.get(registrantId);
    if (!registrant) {
      throw new SandboxError(404, 'registrant_not_found', `no registrant ${registrantId} in webinar ${eventId}`);
    }
    return registrant;
  }

  private requireOrigin(): string {
    if (!this.origin) throw new Error('the emulator is not started');
    return this.origin;
  }
}
