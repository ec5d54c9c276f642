// The codec server (Temporal's remote codec protocol): the Web UI and the CLI send it the encrypted payloads they
// show, and get them back readable, so that an authorised operator still sees names in the UI while Temporal stores
// only ciphertext. POST /encode and /decode take and answer `{payloads: [{metadata: {k: base64}, data: base64}]}`.
import cors from '@fastify/cors';
import type { Payload, PayloadCodec } from '@temporalio/common';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { z } from 'zod';
import { errorMessage } from '../errors';
import { errorHandler, sendError } from '../gateway/errors';
import { bearerMatches } from '../http';

const base64 = z.base64({ error: 'must be base64' });
const payloadsSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).default({}), data: base64.optional() }).loose()),
});
type JsonPayloads = z.output<typeof payloadsSchema>;

const fromJson = ({ payloads }: JsonPayloads): Payload[] =>
  payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: data === undefined ? undefined : Buffer.from(data, 'base64'),
  }));

const toJson = (payloads: Payload[]) => ({
  payloads: payloads.map(({ metadata, data }) => ({
    metadata: Object.fromEntries(
      Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(data ?? new Uint8Array()).toString('base64'),
  })),
});

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** Every request carries `Authorization: Bearer <token>`; null only where the server listens on loopback. */
  token: string | null;
  /** The Web UI origins allowed to call it from a browser. */
  corsOrigins: string[];
  logger: Logger;
}

export function buildCodecServer({ codec, token, corsOrigins, logger }: CodecServerOptions) {
  const app = Fastify({ loggerInstance: logger, bodyLimit: 4 * 1024 * 1024 }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // The Web UI sends its namespace and, when told to pass it, the operator's token.
  void app.register(cors, {
    origin: corsOrigins,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    credentials: true,
  });
  app.addHook('onRequest', (request, reply, next) => {
    if (request.method === 'OPTIONS' || token === null || bearerMatches(request.headers.authorization, token)) {
      next();
      return;
    }
    void sendError(reply.header('www-authenticate', 'Bearer'), 401, 'unauthorized', 'missing or wrong bearer token');
  });

  for (const direction of ['encode', 'decode'] as const) {
    app.post(`/${direction}`, { schema: { body: payloadsSchema } }, async (request, reply) => {
      try {
        return toJson(await codec[direction](fromJson(request.body)));
      } catch (err) {
        // A key that is not configured, or a payload altered in storage: said, never a 500 with a stack.
        return sendError(reply, 422, 'undecodable', errorMessage(err));
      }
    });
  }
  return app;
}
