// The app's API (`/api/v1`): cancel on a registrant's behalf, read a registrant, list registrants by state.
// Every input is validated with zod and every error is `{error: {code, message}}`.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { describeIssue } from '../zod-issue';
import { cancellationBodySchema, type CancellationRecord } from '../cancellation';
import type { GatewayConfig } from '../config';
import { listRegistrants, readCancellation, readRegistrant } from '../registrants';
import { REGISTRATION_STATES } from '../shared';
import { requestCancellationSignal } from '../workflows/messages';
import { TEMPORAL_DEADLINE_MS, signalRegistrantWorkflow, withTemporalDeadline } from './ingest';

export interface ApiOptions {
  config: Pick<GatewayConfig, 'API_TOKEN' | 'TEMPORAL_TASK_QUEUE'>;
  client: Client;
  logger: Logger;
}

const registrantParams = z.object({
  webinarId: z.string().regex(/^\d{1,20}$/, 'must be Zoom digits'),
  registrantId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a Zoom registrant id (letters, digits, '-', '_')"),
});
const cancellationParams = registrantParams.extend({
  cancellationId: z.string().min(1).max(200),
});
const webinarParams = registrantParams.pick({ webinarId: true });
const listQuery = z.strictObject({
  state: z.enum(REGISTRATION_STATES, { error: `must be one of ${REGISTRATION_STATES.join(', ')}` }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_cursor from a previous page')
    .optional(),
});
// Printable ASCII, as Stripe and the IETF draft allow; scoped to the registrant.
const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 printable ASCII characters')
  .optional();

/** How long a POST waits for the settled outcome before answering 202; `Prefer: wait=N` (RFC 7240) changes it. */
const DEFAULT_WAIT_S = 10;
const MAX_WAIT_S = 60;
const FIRST_POLL_MS = 20;
const MAX_POLL_MS = 250;
const GRPC_UNKNOWN = 2;
const GRPC_INVALID_ARGUMENT = 3;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ApiError(400, 'invalid_request', describeIssue(result.error, where));
}

function jsonBody(request: FastifyRequest): unknown {
  const raw = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_json', 'the body must be a JSON object');
  }
}

function preferredWaitMs(request: FastifyRequest): number {
  const match = /(?:^|[;,\s])wait=(\d+)/.exec(String(request.headers.prefer ?? ''));
  return Math.min(match ? Number(match[1]) : DEFAULT_WAIT_S, MAX_WAIT_S) * 1000;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The routes, as a plugin the gateway mounts under `/api/v1`. */
export function apiRoutes({ config, client, logger }: ApiOptions): FastifyPluginCallback {
  const temporal = <T>(call: () => Promise<T>) =>
    withTemporalDeadline(client, call).catch((err: unknown) => {
      logger.error({ err: String(err) }, 'Temporal call failed');
      throw new ApiError(
        503,
        'temporal_unavailable',
        'Temporal did not answer in time (is it reachable, and is a worker running?); retry later',
      );
    });

  const cancellationLocation = (p: { webinarId: string; registrantId: string }, id: string) =>
    `/api/v1/webinars/${p.webinarId}/registrants/${p.registrantId}/cancellations/${encodeURIComponent(id)}`;

  function answer(
    reply: FastifyReply,
    p: { webinarId: string; registrantId: string },
    id: string,
    record: CancellationRecord | null,
  ) {
    if (record?.status === 'settled') return reply.code(200).send({ cancellation_id: id, ...record.outcome });
    if (record?.status === 'refused' && record.refusal) {
      const { status, code, message, zoom_code } = record.refusal;
      return reply.code(status).send({ error: { code, message, zoom_code }, cancellation_id: id });
    }
    const location = cancellationLocation(p, id);
    return reply
      .code(202)
      .headers({ location, 'retry-after': '1' })
      .send({ cancellation_id: id, status: 'pending', location });
  }

  /** Polls the workflow's record of the request until it is settled or refused, or the wait is over. */
  async function awaitCancellation(
    p: { webinarId: string; registrantId: string },
    id: string,
    waitMs: number,
  ): Promise<CancellationRecord | null> {
    const deadline = Date.now() + waitMs;
    // Zoom usually answers in tens of milliseconds: poll soon at first, then less often.
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      // No worker may be running: an unanswered query is "not known yet", not an error.
      const record = await withTemporalDeadline(client, () =>
        readCancellation(client, p.webinarId, p.registrantId, id),
      ).catch(() => null);
      if ((record && record.status !== 'pending') || Date.now() + pause >= deadline) return record;
      await sleep(pause);
    }
  }

  return (api, _opts, done) => {
    api.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, _req, reply) => {
      if (err instanceof ApiError)
        return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
      const status = err.statusCode ?? 500;
      if (status >= 500) logger.error({ err }, 'API request failed');
      return reply.code(status).send({ error: { code: err.code ?? 'error', message: err.message } });
    });

    api.addHook('onRequest', (request, reply, next) => {
      if (!config.API_TOKEN) {
        void reply
          .code(401)
          .send({ error: { code: 'api_disabled', message: 'the API is off: API_TOKEN is not set on the gateway' } });
        return;
      }
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
      // Compared as digests, so that neither the content nor the length of the token leaks through timing.
      if (!timingSafeEqual(digest(token), digest(config.API_TOKEN))) {
        void reply
          .code(401)
          .header('www-authenticate', 'Bearer')
          .send({ error: { code: 'unauthorized', message: 'missing or wrong bearer token' } });
        return;
      }
      next();
    });

    api.post('/webinars/:webinarId/registrants/:registrantId/cancellations', async (request, reply) => {
      const p = parse(registrantParams, request.params, 'path');
      const body = parse(cancellationBodySchema, jsonBody(request), 'body');
      const key = parse(idempotencyKey, request.headers['idempotency-key'], 'Idempotency-Key');
      const id = key ?? randomUUID();
      await temporal(() =>
        signalRegistrantWorkflow(client, config.TEMPORAL_TASK_QUEUE, p, requestCancellationSignal, {
          id,
          by: body.by,
          reason: body.reason ?? null,
        }),
      );
      logger.info({ ...p, cancellationId: id, by: body.by }, 'cancellation requested through the API');
      const record = await awaitCancellation(p, id, preferredWaitMs(request));
      // The key was used before for another request: the first one stands.
      if (record && record.by !== body.by) {
        throw new ApiError(
          422,
          'idempotency_key_reused',
          `Idempotency-Key ${id} was used for a cancellation by ${record.by}`,
        );
      }
      return answer(reply, p, id, record);
    });

    api.get('/webinars/:webinarId/registrants/:registrantId/cancellations/:cancellationId', async (request, reply) => {
      const p = parse(cancellationParams, request.params, 'path');
      const record = await temporal(() => readCancellation(client, p.webinarId, p.registrantId, p.cancellationId));
      if (!record)
        throw new ApiError(404, 'cancellation_not_found', `no cancellation ${p.cancellationId} for this registrant`);
      return answer(reply, p, p.cancellationId, record);
    });

    api.get('/webinars/:webinarId/registrants/:registrantId', async (request) => {
      const p = parse(registrantParams, request.params, 'path');
      const record = await temporal(() => readRegistrant(client, p.webinarId, p.registrantId));
      if (!record) {
        throw new ApiError(
          404,
          'registrant_not_found',
          'no workflow for this registrant: no event was received, or the namespace no longer retains it',
        );
      }
      return { ...record.view, workflow: record.workflow };
    });

    api.get('/webinars/:webinarId/registrants', async (request) => {
      const { webinarId } = parse(webinarParams, request.params, 'path');
      const query = parse(listQuery, request.query, 'query');
      try {
        return await client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
          listRegistrants(client, { webinarId, state: query.state, pageSize: query.limit, cursor: query.cursor }),
        );
      } catch (err) {
        // A page token Temporal did not issue fails to decode on the server: INVALID_ARGUMENT or UNKNOWN.
        const grpcCode = (err as { code?: unknown }).code;
        if (query.cursor && (grpcCode === GRPC_INVALID_ARGUMENT || grpcCode === GRPC_UNKNOWN)) {
          throw new ApiError(400, 'invalid_request', 'query cursor: is not a next_cursor of this listing');
        }
        logger.error({ err: String(err) }, 'listing registrants failed');
        throw new ApiError(503, 'temporal_unavailable', 'Temporal is not reachable; retry later');
      }
    });
    done();
  };
}
