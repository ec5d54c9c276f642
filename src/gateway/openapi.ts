// The gateway's OpenAPI description, made by @fastify/swagger from the routes' own zod schemas (one source of truth:
// what the routes validate is what the description says), served at GET /openapi.json.
import swagger from '@fastify/swagger';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export const OPENAPI_TAGS = { zoom: 'Zoom webhooks', api: 'The app’s API', operations: 'Operations' } as const;

const describe: FastifyPluginCallback = (app, _opts, done) => {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Zoom registration gateway',
        version: '1.0.0',
        description:
          'Zoom delivers its webinar registration webhooks here; the app cancels on a registrant’s behalf, and reads ' +
          'registrants, under /api/v1. Every error is `{"error": {"code", "message"}}`.',
      },
      tags: Object.values(OPENAPI_TAGS).map((name) => ({ name })),
      components: {
        securitySchemes: { apiToken: { type: 'http', scheme: 'bearer', description: 'The gateway’s API_TOKEN' } },
      },
    },
    transform: jsonSchemaTransform,
  });
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  done();
};

/** Registered before the routes, so that it sees each of them as it is added. */
export const openApi = fp(describe, { name: 'openapi' });
