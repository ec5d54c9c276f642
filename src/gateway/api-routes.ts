// The app's API (`/api/v1`): cancel on a registrant's behalf, read a registrant, list registrants by state.
// Fastify parses JSON and validates every input against the zod schemas below (a type provider types the handlers);
// every error is `{error: {code, message}}` (see ./errors).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { FastifyPluginAsyncZod, FastifyPluginCallbackZod } from 'fastify-type-provider-zod';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { GatewayConfig } from '../config';
import type { CancellationRecord } from '../domain/cancellation';
import { registrantIdSchema, zoomEventIdSchema } from '../domain/ids';
import { zoomEventOf, type ZoomEvent, type ZoomEventKind } from '../domain/zoom-event';
import { CANCELLED_BY, LISTED_STATES } from '../domain/registration';
import { errorMessage } from '../errors';
import { bearerMatches } from '../http';
import { cancellationOutcomeUpdate, requestCancellationSignal } from '../workflows/registrant/messages';
import { registrantWorkflowId } from '../workflows/registrant/names';
import { ApiError } from './errors';
import { OPENAPI_TAGS } from './openapi';
import { forgetRefusedRun, listRegistrants, readCancellation, readRegistrant } from '../temporal/registrant-reads';
import { TEMPORAL_DEADLINE_MS, withTemporalDeadline } from '../temporal/deadline';
import { signalRegistrant, type RegistrantRef } from '../temporal/registrant-signals';

export interface ApiOptions {
  config: Pick<GatewayConfig, 'API_TOKEN' | 'TEMPORAL_TASK_QUEUE'>;
  client: Client;
}

/** The registrant routes of one kind of Zoom object, mounted under its path (`/webinars`, `/meetings`). */
export interface RegistrantRoutesOptions {
  config: Pick<GatewayConfig, 'TEMPORAL_TASK_QUEUE'>;
  client: Client;
  /** The kind of Zoom event the routes are for: their path parameter is named after it (`webinarId`). */
  kind: ZoomEventKind;
}

/** The path parameter that names a Zoom event of each kind, as the OpenAPI description shows it. */
const ID_PARAM = { webinar: 'webinarId', meeting: 'meetingId' } as const satisfies Record<ZoomEventKind, string>;

/**
 * The path parameter of the routes' Zoom event, by its name. Typed with the name as a key (a computed key of two
 * possible names would type as an index signature); each mount has one kind, so one name.
 */
const idParamShape = <Name extends string>(name: Name) =>
  ({ [name]: zoomEventIdSchema }) as { [K in Name]: typeof zoomEventIdSchema };

/** How each route shows in the OpenAPI description: the API's tag and its bearer token. */
const documented = (summary: string, description?: string) => ({
  tags: [OPENAPI_TAGS.api],
  summary,
  ...(description ? { description } : {}),
  security: [{ apiToken: [] }],
});

const listQuery = z.strictObject({
  state: z.enum(LISTED_STATES, { error: `must be one of ${LISTED_STATES.join(', ')}` }),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be a next_cursor from a previous page')
    .optional(),
});
const cancellationBodySchema = z.strictObject(
  {
    by: z.enum(CANCELLED_BY, {
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be registrant or admin'),
    }),
    reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional(),
  },
  { error: (issue) => (issue.input === undefined || issue.input === null ? 'a JSON object is required' : undefined) },
);
const cancellationHeaders = z.looseObject({
  // Printable ASCII, as Stripe and the IETF draft allow; scoped to the registrant.
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be 1 to 200 printable ASCII characters')
    .optional(),
  // RFC 7240: how long the caller is willing to wait for the settled outcome.
  prefer: z.string().optional(),
});

/** How long a POST waits for the settled outcome before answering 202; `Prefer: wait=N` changes it. */
const DEFAULT_WAIT_S = 10;
const MAX_WAIT_S = 60;
const GRPC_UNKNOWN = 2;
const GRPC_INVALID_ARGUMENT = 3;

function preferredWaitMs(prefer: string | undefined): number {
  const match = /(?:^|[;,\s])wait=(\d+)/.exec(prefer ?? '');
  return Math.min(match ? Number(match[1]) : DEFAULT_WAIT_S, MAX_WAIT_S) * 1000;
}

/** 200 with the outcome, the refusal's own status, or 202 pointing at where to look again. */
function answer(reply: FastifyReply, location: string, id: string, record: CancellationRecord | null) {
  if (record?.status === 'settled') return reply.code(200).send({ cancellation_id: id, ...record.outcome });
  if (record?.status === 'refused' && record.refusal) {
    const { status, code, message, zoom_code } = record.refusal;
    return reply.code(status).send({ error: { code, message, zoom_code }, cancellation_id: id });
  }
  return reply
    .code(202)
    .headers({ location, 'retry-after': '1' })
    .send({ cancellation_id: id, status: 'pending', location });
}

/** The app's API, mounted under `/api/v1`: every route behind the bearer token. */
export const apiRoutes: FastifyPluginAsyncZod<ApiOptions> = async (api, { config, client }) => {
  api.addHook('onRequest', (request, reply, next) => {
    if (!config.API_TOKEN) {
      void reply
        .code(401)
        .send({ error: { code: 'api_disabled', message: 'the API is off: API_TOKEN is not set on the gateway' } });
      return;
    }
    if (!bearerMatches(request.headers.authorization, config.API_TOKEN)) {
      void reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: { code: 'unauthorized', message: 'missing or wrong bearer token' } });
      return;
    }
    next();
  });

  await api.register(registrantRoutes, { prefix: '/webinars', kind: 'webinar', config, client });
  await api.register(registrantRoutes, { prefix: '/meetings', kind: 'meeting', config, client });
};

/** Cancel on a registrant's behalf, read a cancellation, read a registrant, list registrants. */
export const registrantRoutes: FastifyPluginCallbackZod<RegistrantRoutesOptions> = (
  routes,
  { config, client, kind },
  done,
) => {
  const idParam = ID_PARAM[kind];
  const objectParams = z.object(idParamShape(idParam));
  const registrantParams = objectParams.extend({ registrantId: registrantIdSchema });
  const cancellationParams = registrantParams.extend({ cancellationId: z.string().min(1).max(200) });
  const zoomEventOfParams = (params: z.infer<typeof objectParams>): ZoomEvent => zoomEventOf(kind, params[idParam]);
  const registrantOf = (params: z.infer<typeof registrantParams>): RegistrantRef => ({
    zoomEvent: zoomEventOfParams(params),
    registrantId: params.registrantId,
  });
  const cancellationLocation = (p: RegistrantRef, id: string) =>
    `${routes.prefix}/${p.zoomEvent.id}/registrants/${p.registrantId}/cancellations/${encodeURIComponent(id)}`;

  const temporal = <T>(log: FastifyBaseLogger, call: () => Promise<T>) =>
    withTemporalDeadline(client, call).catch((err: unknown) => {
      log.error({ err: errorMessage(err) }, 'Temporal call failed');
      throw new ApiError(
        503,
        'temporal_unavailable',
        'Temporal did not answer in time (is it reachable, and is a worker running?); retry later',
        { cause: err },
      );
    });

  /**
   * The workflow answers once the request is settled or refused (the `cancellationOutcome` update). The request
   * itself is already durable: when no worker answers within the wait, the caller gets 202 and looks again later.
   */
  async function settledWithin(
    log: FastifyBaseLogger,
    p: RegistrantRef,
    id: string,
    waitMs: number,
  ): Promise<CancellationRecord | null> {
    const handle = client.workflow.getHandle(registrantWorkflowId(p.zoomEvent, p.registrantId));
    try {
      return await client.withDeadline(Date.now() + waitMs, () =>
        handle.executeUpdate(cancellationOutcomeUpdate, { args: [id] }),
      );
    } catch (err) {
      log.debug({ ...p, cancellationId: id, err: errorMessage(err) }, 'cancellation not settled within the wait');
      return null;
    }
  }

  /** A refused request leaves no trace that looks like a registrant (see forgetRefusedRun); best effort. */
  async function forgetIfRefusedOnly(
    log: FastifyBaseLogger,
    p: RegistrantRef & { cancellationId?: string },
  ): Promise<void> {
    try {
      const deleted = await withTemporalDeadline(client, () => forgetRefusedRun(client, p.zoomEvent, p.registrantId));
      if (deleted) log.info(p, 'deleted the workflow of a registrant Zoom does not know (refused request)');
    } catch (err) {
      log.warn({ ...p, err: errorMessage(err) }, 'could not delete the workflow of a refused request');
    }
  }

  routes.post(
    `/:${idParam}/registrants/:registrantId/cancellations`,
    {
      schema: {
        ...documented(
          'Cancel on the registrant’s behalf',
          'Zoom’s API cannot say who cancelled; this does. 202 with the cancellation’s id while it is settled, 200 ' +
            'with its outcome when settled within `Prefer: wait=N`; an Idempotency-Key makes a retry the same request.',
        ),
        params: registrantParams,
        body: cancellationBodySchema,
        headers: cancellationHeaders,
      },
    },
    async (request, reply) => {
      const p = registrantOf(request.params);
      const { by, reason } = request.body;
      const id = request.headers['idempotency-key'] ?? randomUUID();
      // Signal-with-start, then an update, rather than update-with-start: an update is not durable until a worker
      // accepts it, and the request must be durable (202) while no worker runs.
      await temporal(request.log, () =>
        signalRegistrant(
          client,
          config.TEMPORAL_TASK_QUEUE,
          p,
          requestCancellationSignal,
          { id, by, reason: reason ?? null },
          'settling',
        ),
      );
      request.log.info({ ...p, cancellationId: id, by }, 'cancellation requested through the API');
      const record = await settledWithin(request.log, p, id, preferredWaitMs(request.headers.prefer));
      // The key was used before for another request: the first one stands.
      if (record && record.by !== by) {
        throw new ApiError(
          422,
          'idempotency_key_reused',
          `Idempotency-Key ${id} was used for a cancellation by ${record.by}`,
        );
      }
      if (record?.status === 'refused') await forgetIfRefusedOnly(request.log, p);
      return answer(reply, cancellationLocation(p, id), id, record);
    },
  );

  routes.get(
    `/:${idParam}/registrants/:registrantId/cancellations/:cancellationId`,
    {
      schema: {
        ...documented('A cancellation requested through this API, and its outcome'),
        params: cancellationParams,
      },
    },
    async (request, reply) => {
      const p = registrantOf(request.params);
      const { cancellationId } = request.params;
      const record = await temporal(request.log, () =>
        readCancellation(client, p.zoomEvent, p.registrantId, cancellationId),
      );
      if (!record) {
        throw new ApiError(404, 'cancellation_not_found', `no cancellation ${cancellationId} for this registrant`);
      }
      if (record.status === 'refused') await forgetIfRefusedOnly(request.log, { ...p, cancellationId });
      return answer(reply, cancellationLocation(p, cancellationId), cancellationId, record);
    },
  );

  routes.get(
    `/:${idParam}/registrants/:registrantId`,
    {
      schema: {
        ...documented('A registrant as the workflow knows them: state, evidence, callbacks'),
        params: registrantParams,
      },
    },
    async (request) => {
      const p = registrantOf(request.params);
      const record = await temporal(request.log, () => readRegistrant(client, p.zoomEvent, p.registrantId));
      if (!record) {
        throw new ApiError(
          404,
          'registrant_not_found',
          'no workflow for this registrant: no event was received, or the namespace no longer retains it',
        );
      }
      return { ...record.view, workflow: record.workflow };
    },
  );

  routes.get(
    `/:${idParam}/registrants`,
    {
      schema: {
        ...documented(`Registrants of a ${kind} in one state, a page at a time (next_cursor)`),
        params: objectParams,
        querystring: listQuery,
      },
    },
    async (request) => {
      const zoomEvent = zoomEventOfParams(request.params);
      const { state, limit, cursor } = request.query;
      try {
        return await client.withDeadline(Date.now() + TEMPORAL_DEADLINE_MS, () =>
          listRegistrants(client, { zoomEvent, state, pageSize: limit, cursor }),
        );
      } catch (err) {
        // A page token Temporal did not issue fails to decode on the server: INVALID_ARGUMENT or UNKNOWN.
        const grpcCode = (err as { code?: unknown }).code;
        if (cursor && (grpcCode === GRPC_INVALID_ARGUMENT || grpcCode === GRPC_UNKNOWN)) {
          throw new ApiError(400, 'invalid_request', 'query cursor: is not a next_cursor of this listing', {
            cause: err,
          });
        }
        request.log.error({ err: errorMessage(err) }, 'listing registrants failed');
        throw new ApiError(503, 'temporal_unavailable', 'Temporal is not reachable; retry later', { cause: err });
      }
    },
  );
  done();
};
