// A Zoom emulator: a real HTTP server with Zoom's Server-to-Server OAuth, the webinar registrant endpoints, their
// status codes and error bodies (zoom-platform.md), per-registrant scripted answers for tests, and webhooks signed
// exactly as Zoom signs them. Tests and `npm run dev` use it in-process; `npm run sandbox` runs it alone.
import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { z } from 'zod';
import { ZOOM_CODES } from '../zoom/api';
import type { RegistrationKind } from '../zoom/webhook';
import { buildRegistrationEvent, deliverWebhook, signedRequest, type Operator, type ZoomWebhookBody } from './webhooks';
import { ZoomWorld, type NewRegistrant, type Registrant, type Webinar } from './world';

export type { Registrant, Webinar } from './world';
export type { ZoomWebhookBody } from './webhooks';

export interface ZoomEmulatorOptions {
  accountId: string;
  clientId: string;
  clientSecret: string;
  tokenTtlSeconds?: number;
  /** What a registrant's own cancel does to the record: the 2020 reports say `remove`, later ones `deny`. */
  selfCancelMode?: 'remove' | 'deny';
}

/** One scripted answer to `GET /webinars/{id}/registrants/{rid}`. */
export type LookupStep =
  | { respond: 'status'; status: 'approved' | 'pending' | 'denied' | 'all' }
  | { respond: 'not_found' }
  | { respond: 'webinar_not_found' }
  | { respond: 'rate_limited'; retryAfter: string }
  | { respond: 'server_error'; status?: number }
  | { respond: 'error'; status: number; code: number; message: string };

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

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
  page_size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(30),
  next_page_token: z.string().optional(),
});

function zoomError(reply: FastifyReply, status: number, code: number, message: string) {
  return reply.code(status).send({ code, message });
}

const webinarNotFound = (reply: FastifyReply, webinarId: string) =>
  zoomError(reply, 404, ZOOM_CODES.webinarNotFound, `Webinar does not exist: ${webinarId}.`);

const invalidField = (reply: FastifyReply, error: z.ZodError) =>
  zoomError(reply, 400, ZOOM_CODES.invalidId, `Invalid field: ${error.issues[0]?.path.join('.')}`);

export class ZoomEmulator {
  readonly requests: RecordedRequest[] = [];
  private readonly world = new ZoomWorld();
  private readonly tokens = new Map<string, number>();
  private readonly scripts = new Map<string, { steps: LookupStep[]; repeatLast: boolean }>();
  private readonly pageTokens = new Map<string, { offset: number; expiresAt: number }>();
  private readonly app: FastifyInstance;
  private origin: string | null = null;

  constructor(private readonly options: ZoomEmulatorOptions) {
    this.app = Fastify();
    this.app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );
    this.app.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('x-zm-trackingid', `v=2.0;clid=us06;rid=WEB_${randomBytes(16).toString('hex')}`);
      done(null, payload);
    });
    this.app.addHook('onResponse', (req, reply, done) => {
      this.requests.push({
        method: req.method,
        path: req.url.split('?')[0] ?? req.url,
        status: reply.statusCode,
        at: Date.now(),
      });
      done();
    });
    this.routes();
  }

  async start(port = 0, host = '127.0.0.1'): Promise<void> {
    this.origin = await this.app.listen({ port, host });
  }

  async stop(): Promise<void> {
    await this.app.close();
  }

  get apiBaseUrl(): string {
    return `${this.requireOrigin()}/v2`;
  }

  get tokenUrl(): string {
    return `${this.requireOrigin()}/oauth/token`;
  }

  // --- the world ---------------------------------------------------------------------------------------------

  addWebinar(w?: { id?: string; hostId?: string; hostEmail?: string; topic?: string }): Webinar {
    return this.world.addWebinar(w);
  }

  addRegistrant(webinarId: string, r: NewRegistrant): Registrant {
    return this.world.addRegistrant(this.webinar(webinarId), r);
  }

  registrant(webinarId: string, registrantId: string): Registrant | undefined {
    return this.world.webinars.get(webinarId)?.registrants.get(registrantId);
  }

  scriptLookup(
    webinarId: string,
    registrantId: string,
    steps: LookupStep[],
    opts: { repeatLast?: boolean } = {},
  ): void {
    this.scripts.set(`${webinarId}/${registrantId}`, { steps: [...steps], repeatLast: opts.repeatLast ?? false });
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
    webinarId: string,
    registrantId: string,
    opts: { eventTs?: number } & Operator = {},
  ): ZoomWebhookBody {
    const webinar = this.webinar(webinarId);
    const registrant = webinar.registrants.get(registrantId);
    if (!registrant) throw new Error(`no registrant ${registrantId} in webinar ${webinarId}`);
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

  register(webinarId: string, r: NewRegistrant): { registrant: Registrant; event: ZoomWebhookBody } {
    const registrant = this.addRegistrant(webinarId, r);
    return { registrant, event: this.buildEvent('created', webinarId, registrant.id) };
  }

  /** The link in the confirmation email: operator is the registrant's own email, with no operator_id. */
  cancelAsRegistrant(webinarId: string, registrantId: string): ZoomWebhookBody {
    const registrant = this.existing(webinarId, registrantId);
    const event = this.buildEvent('cancelled', webinarId, registrantId, {
      operator: registrant.email,
      operatorId: null,
    });
    if (this.options.selfCancelMode === 'deny') registrant.status = 'denied';
    else this.webinar(webinarId).registrants.delete(registrantId);
    return event;
  }

  /** The host cancels in Zoom's UI or with `PUT .../registrants/status` `cancel`: Zoom marks them denied. */
  cancelAsAdmin(webinarId: string, registrantId: string): ZoomWebhookBody {
    this.existing(webinarId, registrantId).status = 'denied';
    return this.buildEvent('cancelled', webinarId, registrantId);
  }

  approve(webinarId: string, registrantId: string): ZoomWebhookBody {
    this.existing(webinarId, registrantId).status = 'approved';
    return this.buildEvent('approved', webinarId, registrantId);
  }

  deny(webinarId: string, registrantId: string): ZoomWebhookBody {
    this.existing(webinarId, registrantId).status = 'denied';
    return this.buildEvent('denied', webinarId, registrantId);
  }

  // --- HTTP ----------------------------------------------------------------------------------------------------

  private routes(): void {
    this.app.post('/oauth/token', (req, reply) => {
      const params = { ...(req.query as Record<string, string>), ...(req.body as Record<string, string> | undefined) };
      const expected = `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64')}`;
      if (req.headers.authorization !== expected) {
        return reply.code(401).send({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
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
      return reply.send({
        access_token: token,
        token_type: 'bearer',
        expires_in: ttl,
        scope: 'webinar:read:admin webinar:write:admin',
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
          next();
        });
        api.get('/webinars/:webinarId/registrants/:registrantId', (req, reply) => {
          const { webinarId, registrantId } = req.params as { webinarId: string; registrantId: string };
          const step = this.nextStep(webinarId, registrantId);
          return step
            ? this.answerStep(reply, step, webinarId, registrantId)
            : this.answerRecord(reply, webinarId, registrantId);
        });
        api.get('/webinars/:webinarId/registrants', (req, reply) =>
          this.list(req.params as { webinarId: string }, req.query, reply),
        );
        api.post('/webinars/:webinarId/registrants', (req, reply) =>
          this.add((req.params as { webinarId: string }).webinarId, req.body, reply),
        );
        api.put('/webinars/:webinarId/registrants/status', (req, reply) =>
          this.updateStatus((req.params as { webinarId: string }).webinarId, req.body, reply),
        );
        api.delete('/webinars/:webinarId/registrants/:registrantId', (req, reply) => {
          const { webinarId, registrantId } = req.params as { webinarId: string; registrantId: string };
          const webinar = this.world.webinars.get(webinarId);
          // DELETE documents all its errors as HTTP 400 (zoom-platform.md 1.4).
          if (!webinar) return zoomError(reply, 400, ZOOM_CODES.webinarNotFound, 'Webinar does not exist.');
          if (!webinar.registrants.delete(registrantId)) {
            return zoomError(reply, 400, ZOOM_CODES.registrantNotFound, `Registrant ${registrantId} was not found.`);
          }
          return reply.code(204).send();
        });
        done();
      },
      { prefix: '/v2' },
    );

    this.app.setNotFoundHandler((_req, reply) => zoomError(reply, 404, 404, 'Not found'));
  }

  private nextStep(webinarId: string, registrantId: string): LookupStep | undefined {
    const script = this.scripts.get(`${webinarId}/${registrantId}`);
    if (!script || script.steps.length === 0) return undefined;
    return script.repeatLast && script.steps.length === 1 ? script.steps[0] : script.steps.shift();
  }

  private answerStep(reply: FastifyReply, step: LookupStep, webinarId: string, registrantId: string) {
    switch (step.respond) {
      case 'status': {
        const record = this.registrant(webinarId, registrantId);
        const base = record ?? { id: registrantId, email: 'unknown@example.com', first_name: 'Unknown' };
        return reply.send({ ...base, status: step.status });
      }
      case 'not_found':
        return this.registrantNotFound(reply, registrantId);
      case 'webinar_not_found':
        return webinarNotFound(reply, webinarId);
      case 'rate_limited': {
        const daily = Number.isNaN(Number(step.retryAfter));
        return reply
          .code(429)
          .headers({
            'retry-after': step.retryAfter,
            'x-ratelimit-category': 'Light',
            'x-ratelimit-type': daily ? 'Daily-limit' : 'QPS',
          })
          .send({ code: ZOOM_CODES.rateLimited, message: PER_SECOND_LIMIT_MESSAGE });
      }
      case 'server_error':
        return zoomError(reply, step.status ?? 500, step.status ?? 500, 'Internal server error.');
      case 'error':
        return zoomError(reply, step.status, step.code, step.message);
    }
  }

  private answerRecord(reply: FastifyReply, webinarId: string, registrantId: string) {
    const webinar = this.world.webinars.get(webinarId);
    if (!webinar) return webinarNotFound(reply, webinarId);
    const record = webinar.registrants.get(registrantId);
    return record ? reply.send(record) : this.registrantNotFound(reply, registrantId);
  }

  // What GET answers for a removed registrant is UNCONFIRMED (zoom-platform.md 1.2): 404 with DELETE's code 3000.
  private registrantNotFound(reply: FastifyReply, registrantId: string) {
    return zoomError(reply, 404, ZOOM_CODES.registrantNotFound, `Registrant ${registrantId} was not found.`);
  }

  private list(params: { webinarId: string }, query: unknown, reply: FastifyReply) {
    const webinar = this.world.webinars.get(params.webinarId);
    if (!webinar) return webinarNotFound(reply, params.webinarId);
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
    const matching = [...webinar.registrants.values()].filter((r) => r.status === parsed.data.status);
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

  private add(webinarId: string, body: unknown, reply: FastifyReply) {
    const webinar = this.world.webinars.get(webinarId);
    if (!webinar) return webinarNotFound(reply, webinarId);
    const parsed = addRegistrantSchema.safeParse(body);
    if (!parsed.success) return invalidField(reply, parsed.error);
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
    const registrant = existing ?? this.world.addRegistrant(webinar, parsed.data);
    return reply.code(201).send({
      id: Number(webinar.id),
      registrant_id: registrant.id,
      join_url: registrant.join_url,
      start_time: webinar.startTime,
      topic: webinar.topic,
    });
  }

  private updateStatus(webinarId: string, body: unknown, reply: FastifyReply) {
    const webinar = this.world.webinars.get(webinarId);
    if (!webinar) return webinarNotFound(reply, webinarId);
    const parsed = statusUpdateSchema.safeParse(body);
    if (!parsed.success) return invalidField(reply, parsed.error);
    for (const target of parsed.data.registrants) {
      const registrant = target.id
        ? webinar.registrants.get(target.id)
        : target.email
          ? this.world.findByEmail(webinar, target.email)
          : undefined;
      // Both cancel and deny leave the registrant denied (zoom-platform.md 1.3).
      if (registrant) registrant.status = parsed.data.action === 'approve' ? 'approved' : 'denied';
    }
    return reply.code(204).send();
  }

  private webinar(webinarId: string): Webinar {
    const webinar = this.world.webinars.get(webinarId);
    if (!webinar) throw new Error(`no webinar ${webinarId}`);
    return webinar;
  }

  private existing(webinarId: string, registrantId: string): Registrant {
    const registrant = this.webinar(webinarId).registrants.get(registrantId);
    if (!registrant) throw new Error(`no registrant ${registrantId} in webinar ${webinarId}`);
    return registrant;
  }

  private requireOrigin(): string {
    if (!this.origin) throw new Error('the emulator is not started');
    return this.origin;
  }
}
