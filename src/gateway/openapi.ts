// The gateway's OpenAPI description, made by @fastify/swagger from the routes' own zod schemas (one source of truth:
// what the routes validate is what the description says), served at GET /openapi.json.
import swagger, { type FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifyPluginCallback } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { appCallbackSchema, testCallbackSchema } from '../domain/callbacks';

export const OPENAPI_TAGS = { zoom: 'Zoom webhooks', api: 'The app’s API', operations: 'Operations' } as const;

type OpenApiWebhooks = NonNullable<FastifyDynamicSwaggerOptions['openapi']> extends { webhooks?: infer W } ? W : never;

const describe: FastifyPluginCallback = (app, _opts, done) => {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Zoom registration gateway',
        version: '1.0.0',
        description:
          'Zoom delivers its webinar and meeting registration webhooks here; the app cancels on a registrant’s ' +
          'behalf, and reads registrants, under /api/v1. Every error is `{"error": {"code", "message"}}`.',
      },
      // What the worker POSTs to the app (README, "Callbacks to the app"), from the schema it builds them by. zod's JSON
      // Schema and the OpenAPI types describe the same thing in two type systems.
      webhooks: {
        registrantCallback: {
          post: {
            summary: 'A registrant’s outcome, told to the app (APP_CALLBACK_URL)',
            description:
              'Signed as Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). `data` names the ' +
              'registrant’s webinar (`webinar_id`) or meeting (`meeting_id`): exactly one of the two.',
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(appCallbackSchema, { io: 'input' }) } },
            },
            responses: { '200': { description: 'Any 2xx: delivered; anything else is retried' } },
          },
        },
        testCallback: {
          post: {
            summary: 'A test callback from `npm run doctor`: answer 2xx and do nothing',
            description: 'Signed like the others, about no registrant: it checks that the app takes signed callbacks.',
            requestBody: {
              required: true,
              content: { 'application/json': { schema: z.toJSONSchema(testCallbackSchema, { io: 'input' }) } },
            },
            responses: { '200': { description: 'Any 2xx: the app takes callbacks' } },
          },
        },
      } as unknown as OpenApiWebhooks,
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
