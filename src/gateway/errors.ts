// Every error the gateway answers is `{error: {code, message}}`; this is the one place that shapes it.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { describeProblem } from '../errors';

/** A refusal with its HTTP status and our code, thrown from a route. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.code(status).send({ error: { code, message } });
}

// How Fastify names the part of the request a schema rejected, in the words the API's documentation uses.
const PART: Record<string, string> = { params: 'path', querystring: 'query', body: 'body', headers: 'header' };

/** Fastify's error handler: a refusal answered in our shape; a failure logged with the request's correlation id. */
export function errorHandler(err: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof ApiError) return sendError(reply, err.status, err.code, err.message);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const [first] = err.validation;
    const path = first?.instancePath.split('/').filter(Boolean) ?? [];
    const where = PART[err.validationContext ?? ''] ?? '';
    return sendError(reply, 400, 'invalid_request', describeProblem(where, path, first?.message));
  }
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return sendError(reply, 400, 'invalid_json', 'the body must be a JSON object');
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return sendError(
      reply,
      415,
      'unsupported_media_type',
      'the body must be JSON, sent with Content-Type: application/json',
    );
  }
  const status = err.statusCode ?? 500;
  if (status >= 500) request.log.error({ err, url: request.url }, 'request failed');
  return sendError(reply, status, status === 413 ? 'body_too_large' : (err.code ?? 'error'), err.message);
}
