// The seat app's HTTP side: the worker's callbacks in (verified by the client, applied once, answered 2xx only
// once the change is committed), a page per webinar or meeting out, and "cancel for them" through the gateway's API.
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import {
  ApiError,
  CallbackVerificationError,
  verifyCallback,
  type AppCallback,
  type RegistrationsApi,
  type VerifiedCallback,
} from '@zoom-registrations/client';
import { eventPage, eventPath, indexPage, notFoundPage, type Html } from './page';
import type { ApplyResult, SeatStore, ZoomEventKind } from './store';

export interface SeatAppOptions {
  store: SeatStore;
  /** The worker's APP_CALLBACK_SECRET. */
  callbackSecret: string;
  /** The gateway's API, for "cancel for them". */
  api: Pick<RegistrationsApi, 'cancelAndSettle'>;
  /** How long "cancel for them" waits for the settled outcome before showing it as not settled yet. */
  settleTimeoutMs?: number;
  /**
   * Answer 503 to the callbacks this picks, as an app that is down for a while does: the worker retries them, then
   * keeps them for an operator's re-drive (`npm run dev` shows that case). Nothing is refused by default.
   */
  refuses?: (callback: AppCallback) => boolean;
  /** Told of each verified registrant callback and what became of it (the dev world prints them). */
  onCallback?: (received: { webhookId: string; callback: AppCallback; result: ApplyResult | 'refused' }) => void;
  /** Fastify's log level (JSON lines on stdout); nothing logged by default. */
  logLevel?: string;
}

const KINDS = new Set<string>(['webinar', 'meeting']);
const isKind = (kind: string): kind is ZoomEventKind => KINDS.has(kind);

export function buildSeatApp({
  store,
  callbackSecret,
  api,
  settleTimeoutMs = 30_000,
  refuses = () => false,
  onCallback = () => {},
  logLevel = 'silent',
}: SeatAppOptions): FastifyInstance {
  const app = Fastify({ logger: { level: logLevel } });
  const page = (markup: Html) => markup.markup;

  // The callbacks, in a scope of their own: their body is verified exactly as it arrived, so it is kept as a string.
  void app.register((scope, _options, done) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, parsed) => parsed(null, body));
    scope.post('/zoom-callbacks', async (request, reply) => {
      const rawBody = typeof request.body === 'string' ? request.body : '';
      let verified: VerifiedCallback;
      try {
        verified = verifyCallback(rawBody, request.headers, callbackSecret);
      } catch (err) {
        if (!(err instanceof CallbackVerificationError)) throw err;
        request.log.warn({ problem: err.problem, reason: err.message }, 'callback refused');
        // A wrong signature or a replayed timestamp is not the worker's; a shape this app does not know is a 400.
        return reply.code(err.problem === 'shape' ? 400 : 401).send({ problem: err.problem, message: err.message });
      }
      const { webhookId, callback } = verified;
      // `npm run doctor` checking that the app takes signed callbacks: nothing to keep.
      if (callback.type === 'test') return reply.code(204).send();
      if (refuses(callback)) {
        onCallback({ webhookId, callback, result: 'refused' });
        return reply.code(503).send({ message: 'refusing callbacks for now' });
      }
      // Committed before the answer: a 2xx tells the worker it may forget the callback. Any error is a 5xx, and the
      // worker sends the same webhook-id again.
      const result = await store.applyCallback(webhookId, callback);
      request.log.info({ webhookId, type: callback.type, result }, 'callback');
      onCallback({ webhookId, callback, result });
      return reply.code(204).send();
    });
    done();
  });

  // The page's one form has no fields that matter; it is parsed all the same, as a browser sends it.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, parsed) =>
    parsed(null, Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8')))),
  );

  app.get('/', async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(page(indexPage(await store.events()))),
  );

  app.get<{ Params: { kind: string; zoomId: string } }>('/events/:kind/:zoomId', async (request, reply) => {
    const { kind, zoomId } = request.params;
    const event = await store.event(zoomId);
    if (!event || !isKind(kind)) {
      return reply
        .code(404)
        .type('text/html; charset=utf-8')
        .send(page(notFoundPage(kind, zoomId)));
    }
    // A meeting converted to a webinar (or back) keeps its id: its page moves with it.
    if (event.kind !== kind) return reply.redirect(eventPath(event.kind, zoomId), 301);
    const [registrants, requests] = await Promise.all([store.registrants(zoomId), store.cancellations(zoomId)]);
    // The same, as data, for a script or a test: `Accept: application/json`.
    if (wantsJson(request)) {
      return { ...event, free_seats: event.capacity - event.held, registrants, cancellations: requests };
    }
    return reply.type('text/html; charset=utf-8').send(page(eventPage(event, registrants, requests)));
  });

  // One registrant as data, with every callback the app was told about them (applied or, being older, not).
  app.get<{ Params: { kind: string; zoomId: string; registrantId: string } }>(
    '/events/:kind/:zoomId/registrants/:registrantId',
    async (request, reply) => {
      const { zoomId, registrantId } = request.params;
      const registrant = await store.registrant(zoomId, registrantId);
      if (!registrant) return reply.code(404).send({ message: `no registrant ${registrantId} in ${zoomId}` });
      return { registrant, callbacks: await store.callbacksAbout(zoomId, registrantId) };
    },
  );

  app.post<{ Params: { kind: string; zoomId: string; registrantId: string } }>(
    '/events/:kind/:zoomId/registrants/:registrantId/cancel',
    async (request, reply) => {
      const { kind, zoomId, registrantId } = request.params;
      if (!sameOrigin(request)) return reply.code(403).send({ message: 'a form of another site' });
      const event = await store.event(zoomId);
      if (!event || !isKind(kind) || !(await store.registrant(zoomId, registrantId))) {
        return reply
          .code(404)
          .type('text/html; charset=utf-8')
          .send(page(notFoundPage(kind, zoomId)));
      }
      // On the registrant's behalf, as if they had used their email's link: Zoom removes them, the seat is free and
      // they may register again (a host's cancellation would deny them instead).
      const by = 'registrant';
      const key = await store.startCancellation(zoomId, registrantId, by);
      try {
        const outcome = await api.cancelAndSettle(
          { kind: event.kind, id: zoomId },
          registrantId,
          { by, idempotencyKey: key, reason: 'cancelled for them in the seat app' },
          { timeoutMs: settleTimeoutMs },
        );
        await store.settleCancellation(key, outcome);
      } catch (err) {
        if (err instanceof ApiError) {
          await store.answerCancellation(key, 'refused', `${err.code}: ${err.message}`);
        } else {
          // Not settled in time, or the gateway unreachable: the request stands under its key; the next click (or
          // its registrant.cancelled callback) completes it.
          request.log.warn({ err }, 'cancel for them: no settled outcome yet');
          await store.answerCancellation(key, 'pending', err instanceof Error ? err.message : String(err));
        }
      }
      // Post/Redirect/Get: a reload of the page that follows does not cancel again.
      return reply.redirect(`${eventPath(event.kind, zoomId)}#r-${encodeURIComponent(registrantId)}`, 303);
    },
  );

  return app;
}

function wantsJson(request: FastifyRequest): boolean {
  return /\bapplication\/json\b/.test(request.headers.accept ?? '');
}

/**
 * A form posted from this app's own page. The page has no login (put it behind yours); this at least keeps another
 * site from cancelling through a visitor's browser: browsers send Origin with every cross-site POST.
 */
function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
