// `POST /zoom/webhook` (design.md 4.3): verify Zoom's signature over the raw bytes, parse, hand the event to its
// registrant's workflow durably, and only then answer 200. What is not durable is not acknowledged, so Zoom retries.
import type { Client } from '@temporalio/client';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayConfig } from '../config';
import { describeIssue, errorMessage } from '../errors';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, urlValidationAnswer, verifyZoomSignature } from '../zoom/signature';
import {
  REGISTRATION_EVENT_NAMES,
  anyZoomWebhookSchema,
  registrationEventSchema,
  urlValidationSchema,
  zoomSignatureHeadersSchema,
  zoomWebhookBodySchema,
} from '../zoom/webhook';
import { OPENAPI_TAGS } from './openapi';
import { sendError } from './errors';
import type { GatewayMetrics, WebhookOutcome } from './metrics';
import { ingestRegistrationEvent } from '../temporal/registrant-signals';
import { keepUnreadableEvent } from '../temporal/unreadable-events';
import { zoomHeaders, type ZoomCapture } from '../zoom/capture';

export interface WebhookOptions {
  config: Pick<GatewayConfig, 'ZOOM_WEBHOOK_SECRET_TOKEN' | 'TEMPORAL_TASK_QUEUE'>;
  client: Client;
  metrics: GatewayMetrics;
  capture?: ZoomCapture | null;
}

/** The signature check of a delivery, as the route and capture mode both read it. */
const signatureProblem = (secret: string, request: FastifyRequest) =>
  verifyZoomSignature({
    secret,
    signature: request.headers[SIGNATURE_HEADER] as string | undefined,
    timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
    rawBody: rawBodyOf(request),
    nowMs: Date.now(),
  });
const rawBodyOf = (request: FastifyRequest) => (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));

export function webhookRoute({ config, client, metrics, capture }: WebhookOptions): FastifyPluginCallback {
  return (app, _opts, done) => {
    // The signature covers the raw bytes: in this route's own context, every body stays a Buffer until verified.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, parsed) => parsed(null, body));
    if (capture) {
      app.addHook('onResponse', (request, reply, next) => {
        capture.webhook({
          headers: zoomHeaders(request.headers),
          signature_valid: signatureProblem(config.ZOOM_WEBHOOK_SECRET_TOKEN, request) === null,
          status: reply.statusCode,
          rawBody: rawBodyOf(request).toString('utf8'),
        });
        next();
      });
    }

    /** A refusal, counted by its code. */
    const refuse = (reply: FastifyReply, status: number, code: WebhookOutcome, message: string) => {
      metrics.webhook(code);
      return sendError(reply, status, code, message);
    };

    app.post(
      '/zoom/webhook',
      {
        schema: {
          tags: [OPENAPI_TAGS.zoom],
          summary: 'A webhook from Zoom',
          description:
            'Answered 200 once the event is durably with its registrant’s workflow; 401 for a missing, wrong or old ' +
            'signature; 400 for a body that is not JSON; 413 above 1 MiB; 503 while Temporal does not answer (Zoom ' +
            'redelivers). A signed event that cannot be read is answered 200 and kept for an operator (Zoom never ' +
            'resends a 4xx). Other Zoom events are answered 200 and ignored.',
          headers: zoomSignatureHeadersSchema,
          body: zoomWebhookBodySchema,
        },
        // Described, not validated by Fastify: the signature covers the raw bytes, so the handler checks it first
        // and only then parses.
        validatorCompiler: () => (value: unknown) => ({ value }),
      },
      async (request, reply) => {
        const rawBody = rawBodyOf(request);
        // Its lines carry the request's correlation id (Zoom's x-zm-trackingid: see server.ts).
        const log = request.log;
        const failure = signatureProblem(config.ZOOM_WEBHOOK_SECRET_TOKEN, request);
        if (failure) {
          log.warn({ reason: failure }, 'webhook refused');
          return refuse(reply, 401, 'invalid_signature', failure);
        }

        let json: unknown;
        try {
          json = JSON.parse(rawBody.toString('utf8'));
        } catch {
          return refuse(reply, 400, 'invalid_json', 'body is not JSON');
        }
        // Signed by Zoom, so Zoom sent it; refusing it would lose it for good (Zoom never resends a 4xx), so an event
        // that cannot be read is kept for an operator instead and answered 200.
        const keepUnreadable = async (event: string | null, reason: string) => {
          log.warn({ event, reason }, 'webhook unreadable: kept for an operator');
          try {
            const workflowId = await keepUnreadableEvent(client, config.TEMPORAL_TASK_QUEUE, {
              event,
              reason,
              body: rawBody.toString('utf8'),
              received_at: new Date().toISOString(),
              correlation_id: request.id,
            });
            metrics.webhook('kept_unreadable');
            return { status: 'kept_unreadable', workflow_id: workflowId, reason };
          } catch (err) {
            log.error({ event, err: errorMessage(err) }, 'Temporal did not keep the unreadable event');
            return refuse(reply, 503, 'temporal_unavailable', 'the unreadable event could not be kept; retry later');
          }
        };

        const envelope = anyZoomWebhookSchema.safeParse(json);
        if (!envelope.success) return keepUnreadable(null, 'body has no "event" name');

        const eventName = envelope.data.event;
        if (eventName === 'endpoint.url_validation') {
          const validation = urlValidationSchema.safeParse(json);
          if (!validation.success) return refuse(reply, 400, 'invalid_event', 'payload.plainToken is missing');
          metrics.webhook('url_validation');
          return urlValidationAnswer(config.ZOOM_WEBHOOK_SECRET_TOKEN, validation.data.payload.plainToken);
        }
        if (!REGISTRATION_EVENT_NAMES.includes(eventName)) {
          log.info({ event: eventName }, 'webhook ignored: not a registration event');
          metrics.webhook('ignored');
          return { status: 'ignored' };
        }

        const parsed = registrationEventSchema.safeParse(json);
        if (!parsed.success) return keepUnreadable(eventName, describeIssue(parsed.error, eventName));
        const event = parsed.data;
        const ids = {
          event: eventName,
          zoomEvent: event.zoomEvent,
          registrantId: event.registrant.id,
          eventTs: event.eventTs,
        };
        try {
          const workflowId = await ingestRegistrationEvent(client, config.TEMPORAL_TASK_QUEUE, {
            ...event,
            correlationId: request.id,
          });
          log.info({ ...ids, workflowId }, 'webhook accepted');
          metrics.webhook('accepted');
          return { status: 'accepted', workflow_id: workflowId };
        } catch (err) {
          // Not durable, so not acknowledged: Zoom retries the delivery.
          log.error({ ...ids, err: errorMessage(err) }, 'Temporal did not accept the event');
          return refuse(reply, 503, 'temporal_unavailable', 'the event could not be stored; retry later');
        }
      },
    );
    done();
  };
}
