// The gateway's /metrics after real requests (through fastify.inject): answers by route pattern and status, webhooks
// by outcome (a signature failure, a 503 while Temporal is away, an ignored event), Temporal's latency by operation,
// and not one id, email or name in the whole exposition.
import pino from 'pino';
import { createGatewayClient } from '../../src/gateway/client';
import { GatewayMetrics } from '../../src/gateway/metrics';
import { buildGateway } from '../../src/gateway/server';
import { buildRegistrationEvent, signedRequest } from '../../tools/sandbox/webhooks';
import { ZoomWorld } from '../../tools/sandbox/world';

const SECRET = 'zoom-webhook-secret';
const metrics = new GatewayMetrics();
// Nothing listens here: the webhook's signal-with-start fails, and the gateway answers 503.
const temporal = createGatewayClient({ TEMPORAL_ADDRESS: '127.0.0.1:1' }, [metrics.interceptor]);
const gateway = buildGateway({
  config: { ZOOM_WEBHOOK_SECRET_TOKEN: SECRET, TEMPORAL_TASK_QUEUE: 'metrics', API_TOKEN: 'token' },
  client: temporal.client,
  logger: pino({ level: 'silent' }),
  metrics,
});
afterAll(async () => {
  await gateway.close();
  await temporal.connection.close();
});

const zoom = new ZoomWorld();
const webinar = zoom.add('webinar', { id: '81234567890' });
const person = zoom.addRegistrant(webinar, {
  id: 'regPrivate1',
  email: 'private.person@example.com',
  first_name: 'Privata',
});
const cancelled = buildRegistrationEvent('cancelled', 'acct', webinar, person, { operator: person.email });

test('after requests: routes, outcomes and Temporal latency counted, no personal data', async () => {
  // Signed as Zoom signs, with a header changed where the test says so.
  const webhook = (body: unknown, headers: Record<string, string> = {}) => {
    const signed = signedRequest(body, SECRET);
    return gateway.inject({
      method: 'POST',
      url: '/zoom/webhook',
      payload: signed.rawBody,
      headers: { ...signed.headers, ...headers },
    });
  };
  expect((await webhook(cancelled, { 'x-zm-signature': 'v0=forged' })).statusCode).toBe(401);
  expect((await webhook(cancelled)).statusCode).toBe(503);
  expect((await webhook({ event: 'meeting.started' })).statusCode).toBe(200);
  const api = await gateway.inject({ url: '/api/v1/webinars/81234567890/registrants/regPrivate1' });
  expect(api.statusCode).toBe(401);

  const answer = await gateway.inject({ url: '/metrics' });
  expect(answer.statusCode).toBe(200);
  expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = answer.body;
  expect(text).toMatch(/^gateway_zoom_webhooks_total\{outcome="invalid_signature"\} 1$/m);
  expect(text).toMatch(/^gateway_zoom_webhooks_total\{outcome="temporal_unavailable"\} 1$/m);
  expect(text).toMatch(/^gateway_zoom_webhooks_total\{outcome="ignored"\} 1$/m);
  expect(text).toMatch(/^gateway_http_requests_total\{route="\/zoom\/webhook",method="POST",status="503"\} 1$/m);
  expect(text).toMatch(
    /^gateway_http_requests_total\{route="\/api\/v1\/webinars\/:webinarId\/registrants\/:registrantId",method="GET",status="401"\} 1$/m,
  );
  expect(text).toMatch(
    /^gateway_temporal_call_duration_seconds_count\{operation="signalWithStart",outcome="error"\} 1$/m,
  );
  expect(text).toMatch(/^gateway_process_resident_memory_bytes \d+/m);
  // Temporal is away, so the gauge has no count to report yet; its help line is there.
  expect(text).toMatch(/^# HELP zoom_registrants_needs_review /m);
  for (const secret of ['regPrivate1', '81234567890', 'private.person', 'Privata']) expect(text).not.toContain(secret);
});
