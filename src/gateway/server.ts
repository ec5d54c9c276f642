// The gateway's HTTP surface (design.md 4.3): Zoom's webhooks in (./webhook-route), the app's API under /api/v1
// (./api-routes), the health probes and Prometheus' /metrics (./metrics).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Client } from '@temporalio/client';
import Fastify, { LogController } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config';
import { apiRoutes } from './api-routes';
import { errorHandler, sendError } from './errors';
import { GatewayMetrics } from './metrics';
import { OPENAPI_TAGS, openApi } from './openapi';
import { withTemporalDeadline } from '../temporal/deadline';
import { webhookRoute } from './webhook-route';
import type { ZoomCapture } from '../zoom/capture';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Each request's correlation id, in every log line about it (`correlationId`) and carried to the workflow: Zoom's
 * `x-zm-trackingid` for a webhook (the id Zoom's support finds a delivery by), else one made here.
 */
function correlationId(request: IncomingMessage): string {
  const tracking = request.headers['x-zm-trackingid'];
  return typeof tracking === 'string' && /^[\x21-\x7e]{1,200}$/.test(tracking) ? tracking : randomUUID();
}

export interface GatewayOptions {
  config: Pick<GatewayConfig, 'ZOOM_WEBHOOK_SECRET_TOKEN' | 'TEMPORAL_TASK_QUEUE' | 'API_TOKEN'>;
  client: Client;
  logger: Logger;
  /** Its interceptor should be the client's, to time the Temporal calls (createGatewayClient). */
  metrics?: GatewayMetrics;
  /** Capture mode (ZOOM_CAPTURE_DIR): every webhook Zoom sends, redacted. */
  capture?: ZoomCapture | null;
}

export function buildGateway({ config, client, logger, metrics = new GatewayMetrics(), capture }: GatewayOptions) {
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: MAX_BODY_BYTES,
    genReqId: correlationId,
    logController: new LogController({ requestIdLogLabel: 'correlationId' }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`),
  );

  void app.register(openApi);
  void app.register((probes, _opts, done) => {
    const tags = [OPENAPI_TAGS.operations];
    probes.get('/healthz', { schema: { tags, summary: 'The process is up' } }, (_req, reply) =>
      reply.send({ status: 'ok' }),
    );
    probes.get(
      '/readyz',
      { schema: { tags, summary: 'Temporal answers: webhooks can be taken' } },
      async (_req, reply) => {
        try {
          await withTemporalDeadline(client, () => client.workflowService.getSystemInfo({}));
          return { status: 'ready' };
        } catch {
          return sendError(reply, 503, 'temporal_unavailable', 'Temporal is not reachable');
        }
      },
    );
    done();
  });

  metrics.reportNeedsReview(client, config.TEMPORAL_TASK_QUEUE);
  void app.register(metrics.plugin());
  void app.register(webhookRoute({ config, client, metrics, capture }));
  void app.register(apiRoutes, { prefix: '/api/v1', config, client });
  return app;
}
