// The gateway's HTTP surface (design.md 4.3): Zoom webhooks in, durable hand-off to Temporal, health probes, and
// the app's API (api.ts).
import type { Client } from '@temporalio/client';
import Fastify, { type FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, urlValidationAnswer, verifyZoomSignature } from '../zoom/signature';
import {
  REGISTRATION_EVENT_NAMES,
  anyZoomEventSchema,
  registrationEventSchema,
  urlValidationSchema,
} from '../zoom/webhook';
import { apiRoutes } from './api';
import { ingestRegistrationEvent, withTemporalDeadline } from './ingest';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface GatewayOptions {
  config: Pick<GatewayConfig, 'ZOOM_WEBHOOK_SECRET_TOKEN' | 'TEMPORAL_TASK_QUEUE' | 'API_TOKEN'>;
  client: Client;
  logger: Logger;
}

function reject(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

export function buildGateway({ config, client, logger }: GatewayOptions) {
  const app = Fastify({ loggerInstance: logger, bodyLimit: MAX_BODY_BYTES });

  // The signature covers the raw bytes, so no parser may touch the body before verification.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) logger.error({ err }, 'request failed');
    return reject(reply, status, status === 413 ? 'body_too_large' : (err.code ?? 'error'), err.message);
  });

  app.setNotFoundHandler((request, reply) =>
    reject(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  app.get('/healthz', (_req, reply) => reply.send({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    try {
      await withTemporalDeadline(client, () => client.workflowService.getSystemInfo({}));
      return { status: 'ready' };
    } catch {
      return reject(reply, 503, 'temporal_unavailable', 'Temporal is not reachable');
    }
  });

  app.post('/zoom/webhook', async (request, reply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    // Zoom's id for this delivery: the way to find it in Zoom's support tooling. Not a de-duplication key.
    const trackingId = request.headers['x-zm-trackingid'];
    const failure = verifyZoomSignature({
      secret: config.ZOOM_WEBHOOK_SECRET_TOKEN,
      signature: request.headers[SIGNATURE_HEADER] as string | undefined,
      timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
      rawBody,
      nowMs: Date.now(),
    });
    if (failure) {
      logger.warn({ reason: failure, trackingId }, 'webhook refused');
      return reject(reply, 401, 'invalid_signature', failure);
    }

    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return reject(reply, 400, 'invalid_json', 'body is not JSON');
    }
    const envelope = anyZoomEventSchema.safeParse(json);
    if (!envelope.success) return reject(reply, 400, 'invalid_event', 'body has no "event" name');

    const eventName = envelope.data.event;
    if (eventName === 'endpoint.url_validation') {
      const validation = urlValidationSchema.safeParse(json);
      if (!validation.success) return reject(reply, 400, 'invalid_event', 'payload.plainToken is missing');
      return urlValidationAnswer(config.ZOOM_WEBHOOK_SECRET_TOKEN, validation.data.payload.plainToken);
    }
    if (!REGISTRATION_EVENT_NAMES.includes(eventName)) {
      logger.info({ event: eventName }, 'webhook ignored: not a registration event');
      return { status: 'ignored' };
    }

    const parsed = registrationEventSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.join('.') || 'body';
      return reject(reply, 400, 'invalid_event', `${eventName}: ${where} ${issue?.message ?? 'is invalid'}`);
    }
    const event = parsed.data;
    const ids = {
      event: eventName,
      webinarId: event.webinarId,
      registrantId: event.registrant.id,
      eventTs: event.eventTs,
      trackingId,
    };
    try {
      const workflowId = await ingestRegistrationEvent(client, config.TEMPORAL_TASK_QUEUE, event);
      logger.info({ ...ids, workflowId }, 'webhook accepted');
      return { status: 'accepted', workflow_id: workflowId };
    } catch (err) {
      // Not durable, so not acknowledged: Zoom retries the delivery.
      logger.error({ ...ids, err: String(err) }, 'Temporal did not accept the event');
      return reject(reply, 503, 'temporal_unavailable', 'the event could not be stored; retry later');
    }
  });

  void app.register(apiRoutes({ config, client, logger }), { prefix: '/api/v1' });
  return app;
}
