// Property tests (fast-check) of the webhook route, through fastify.inject: any mutation of a valid Zoom body (a field
// removed, or replaced by any JSON value), signed as Zoom signs, is never refused: handed on when the event schema
// reads it, else kept for an operator (both here 503: Temporal is an address where nothing listens), or ignored when
// it no longer names a registration event; never a 500, never a crash. A body changed after signing, or not signed at all, is always a 401.
import fc from 'fast-check';
import pino from 'pino';
import { createGatewayClient } from '../../src/gateway/client';
import { buildGateway } from '../../src/gateway/server';
import { REGISTRATION_EVENT_NAMES, registrationEventSchema } from '../../src/zoom/webhook';
import { signedRequest } from '../../tools/sandbox/webhooks';
import { mutatedWebhookBody, validWebhookBody } from '../../tools/chaos/bad-input';

const SECRET = 'zoom-webhook-secret';
const temporal = createGatewayClient({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
const gateway = buildGateway({
  config: { ZOOM_WEBHOOK_SECRET_TOKEN: SECRET, TEMPORAL_TASK_QUEUE: 'properties' },
  client: temporal.client,
  logger: pino({ level: 'silent' }),
});
afterAll(async () => {
  await gateway.close();
  await temporal.connection.close();
});

const mutation = mutatedWebhookBody();

const post = (rawBody: string, headers: Record<string, string>) =>
  gateway.inject({ method: 'POST', url: '/zoom/webhook', payload: rawBody, headers });

test('a mutated, signed body: never refused; handed on when the schema reads it, else kept for an operator', async () => {
  await fc.assert(
    fc.asyncProperty(mutation, async (body) => {
      const { rawBody, headers } = signedRequest(body, SECRET);
      const answer = await post(rawBody, headers);
      const name = (body as { event?: unknown }).event;
      const isRegistration = REGISTRATION_EVENT_NAMES.includes(name as string);
      if (typeof name === 'string' && name.length > 0 && !isRegistration) {
        // No longer a registration event: acknowledged and ignored, as Zoom's other events are.
        expect(answer.statusCode).toBe(200);
        expect(answer.json()).toEqual({ status: 'ignored' });
        return;
      }
      // Both go to Temporal, which is not there: 503, so that Zoom retries; never a 4xx, which would lose it.
      expect(answer.statusCode).toBe(503);
      const readable = isRegistration && registrationEventSchema.safeParse(body).success;
      expect(answer.json()).toEqual({
        error: {
          code: 'temporal_unavailable',
          message: readable
            ? 'the event could not be stored; retry later'
            : 'the unreadable event could not be kept; retry later',
        },
      });
    }),
    { numRuns: 400 },
  );
});

test('bytes changed after signing, or no signature at all: always 401', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...REGISTRATION_EVENT_NAMES).map((event) => validWebhookBody(event)),
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.boolean(),
      async (body, junk, unsigned) => {
        const { rawBody, headers } = signedRequest(body, SECRET);
        const changed = unsigned ? rawBody : `${rawBody.slice(0, -1)}${junk}}`;
        const sent = unsigned ? { 'content-type': 'application/json' } : headers;
        const answer = await post(changed, sent);
        expect(answer.statusCode).toBe(401);
        expect(answer.json()).toMatchObject({ error: { code: 'invalid_signature' } });
      },
    ),
    { numRuns: 200 },
  );
});
