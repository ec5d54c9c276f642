// The gateway's Prometheus metrics, served at GET /metrics: requests by route and status, Zoom webhooks by outcome
// (signature failures and 503s among them), how long Temporal takes to answer, and the cases an operator must decide.
// Labels are route patterns, outcomes and operation names, never ids, emails or names.
import type { Client, WorkflowClientInterceptor } from '@temporalio/client';
import type { FastifyPluginCallback } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { countOpenRegistrants } from '../temporal/registrant-reads';
import { withTemporalDeadline } from '../temporal/deadline';
import { OPENAPI_TAGS } from './openapi';

/**
 * What a webhook came to: accepted, ignored (not a registration event), kept for an operator (signed but unreadable),
 * or why it was refused.
 */
export type WebhookOutcome =
  | 'accepted'
  | 'ignored'
  | 'kept_unreadable'
  | 'url_validation'
  | 'invalid_signature'
  | 'invalid_json'
  | 'invalid_event'
  | 'temporal_unavailable';

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'gateway_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly webhooks = new Counter({
    name: 'gateway_zoom_webhooks_total',
    help:
      'Zoom webhooks received, by outcome (invalid_signature: signature failures; kept_unreadable: signed events ' +
      'kept for an operator; temporal_unavailable: 503s)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly temporalSeconds = new Histogram({
    name: 'gateway_temporal_call_duration_seconds',
    help: 'Time for Temporal to answer a call from the gateway, by operation and outcome',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }

  webhook(outcome: WebhookOutcome): void {
    this.webhooks.inc({ outcome });
  }

  /** The client interceptor that times every workflow call the gateway makes. */
  readonly interceptor: WorkflowClientInterceptor = Object.fromEntries(
    (['start', 'signal', 'signalWithStart', 'query', 'startUpdate', 'describe'] as const).map((operation) => [
      operation,
      async (input: unknown, next: (input: unknown) => Promise<unknown>) => {
        const stop = this.temporalSeconds.startTimer({ operation });
        try {
          const output = await next(input);
          stop({ outcome: 'ok' });
          return output;
        } catch (err) {
          stop({ outcome: 'error' });
          throw err;
        }
      },
    ]),
  );

  /**
   * The cases waiting for an operator, counted in visibility when Prometheus scrapes (the count is Temporal's, so
   * every gateway reports the same number); the last count stands while Temporal does not answer.
   */
  reportNeedsReview(client: Client, taskQueue: string): void {
    new Gauge({
      name: 'zoom_registrants_needs_review',
      help: 'Registrant workflows whose cancellation waits for an operator (ops needs-review)',
      registers: [this.registry],
      async collect() {
        const count = await withTemporalDeadline(client, () =>
          countOpenRegistrants(client, taskQueue, 'needs_review'),
        ).catch(() => null);
        if (count !== null) this.set(count);
      },
    });
  }

  /**
   * Counts every answer of the whole server by its route pattern (`/api/v1/webinars/:webinarId/…`, never the ids),
   * and serves /metrics; not encapsulated, so that its hook sees every route.
   */
  plugin(): FastifyPluginCallback {
    return fastifyPlugin((app, _opts, done) => {
      app.addHook('onResponse', (request, reply, next) => {
        const route = request.routeOptions.url ?? 'unmatched';
        this.requests.inc({ route, method: request.method, status: String(reply.statusCode) });
        this.requestSeconds.observe({ route }, reply.elapsedTime / 1000);
        next();
      });
      const schema = { tags: [OPENAPI_TAGS.operations], summary: 'Prometheus metrics (text exposition format)' };
      app.get('/metrics', { schema }, async (_request, reply) =>
        reply.type(this.registry.contentType).send(await this.registry.metrics()),
      );
      done();
    });
  }
}
