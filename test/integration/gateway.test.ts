// The webhook endpoint's answers (design.md 4.3), against the real dev server: what it refuses starts nothing.
import { createServer, type Server } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import axios from 'axios';
import pino from 'pino';
import { startTemporalDevServer } from '../../tools/dev/temporal-server';
import { buildGateway } from '../../src/gateway/server';
import { createGatewayClient } from '../../src/gateway/client';
import { registrantWorkflowId } from '../../src/workflows/registrant/names';
import { urlValidationAnswer, zoomSignature } from '../../src/zoom/signature';
import { startWorld, WEBHOOK_SECRET, type World } from '../helpers/world';
import { zoomWebinar } from '../../src/domain/zoom-event';
import { openUnreadableEvents, readUnreadableEvent } from '../../src/temporal/unreadable-events';

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world?.stop());

const post = (headers: Record<string, string>, body: string) =>
  axios.post(world.webhookUrl, body, { headers, validateStatus: () => true, transformRequest: (d: unknown) => d });

function cancellation() {
  const webinar = world.emulator.addWebinar();
  const person = world.emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
  const body = world.emulator.cancelAsRegistrant(webinar.id, person.id);
  return { body, workflowId: registrantWorkflowId(zoomWebinar(webinar.id), person.id) };
}

async function expectNoWorkflow(workflowId: string) {
  await expect(world.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}

test('a valid registration event is accepted and starts the registrant workflow', async () => {
  const { body, workflowId } = cancellation();
  const answer = await world.deliver(body);
  expect(answer).toEqual({ status: 200, body: { status: 'accepted', workflow_id: workflowId } });
  const description = await world.client.workflow.getHandle(workflowId).describe();
  expect(description.type).toBe('registrantWorkflow');
  expect(description.searchAttributes).toMatchObject({ ZoomWebinarId: [body.payload.object.id.toString()] });
});

test('URL validation is answered with the HMAC of the plain token', async () => {
  const answer = await world.deliver({
    event: 'endpoint.url_validation',
    payload: { plainToken: 'qgg8vlvZRS6UYooatFL8Aw' },
  });
  expect(answer).toEqual({ status: 200, body: urlValidationAnswer(WEBHOOK_SECRET, 'qgg8vlvZRS6UYooatFL8Aw') });
  expect(answer.body).toMatchObject({ encryptedToken: expect.stringMatching(/^[0-9a-f]{64}$/) });
});

test('a bad signature gets 401 and starts nothing', async () => {
  const { body, workflowId } = cancellation();
  const signed = world.emulator.signedRequest(body, 'not-the-secret');
  const answer = await post(signed.headers, signed.rawBody);
  expect(answer.status).toBe(401);
  expect(answer.data).toEqual({ error: { code: 'invalid_signature', message: 'bad signature' } });
  await expectNoWorkflow(workflowId);
});

test('a missing signature gets 401', async () => {
  const { body } = cancellation();
  const signed = world.emulator.signedRequest(body, WEBHOOK_SECRET);
  const headers = { ...signed.headers };
  delete headers['x-zm-signature'];
  expect((await post(headers, signed.rawBody)).status).toBe(401);
});

test('a body changed after signing gets 401', async () => {
  const { body, workflowId } = cancellation();
  const signed = world.emulator.signedRequest(body, WEBHOOK_SECRET);
  const answer = await post(signed.headers, signed.rawBody.replace('ada@example.com', 'eve@example.com'));
  expect(answer.status).toBe(401);
  await expectNoWorkflow(workflowId);
});

test("a retry signed 30 minutes ago is taken (Zoom may keep the first attempt's timestamp); 3 hours old gets 401, in seconds or milliseconds", async () => {
  const { body, workflowId } = cancellation();
  const retried = world.emulator.signedRequest(body, WEBHOOK_SECRET, {
    timestampSeconds: Math.floor(Date.now() / 1000) - 30 * 60,
  });
  expect(await post(retried.headers, retried.rawBody)).toMatchObject({
    status: 200,
    data: { status: 'accepted', workflow_id: workflowId },
  });
  const stale = world.emulator.signedRequest(body, WEBHOOK_SECRET, {
    timestampSeconds: Math.floor(Date.now() / 1000) - 3 * 3600,
  });
  const answer = await post(stale.headers, stale.rawBody);
  expect(answer.status).toBe(401);
  expect(answer.data).toEqual({ error: { code: 'invalid_signature', message: 'stale timestamp' } });

  const raw = JSON.stringify(body);
  const ms = String(Date.now() - 3 * 3600_000);
  const staleMs = await post(
    {
      'content-type': 'application/json',
      'x-zm-request-timestamp': ms,
      'x-zm-signature': zoomSignature(WEBHOOK_SECRET, ms, raw),
    },
    raw,
  );
  expect(staleMs.status).toBe(401);
  const freshMs = String(Date.now());
  const okMs = await post(
    {
      'content-type': 'application/json',
      'x-zm-request-timestamp': freshMs,
      'x-zm-signature': zoomSignature(WEBHOOK_SECRET, freshMs, raw),
    },
    raw,
  );
  expect(okMs.status).toBe(200);
  expect(okMs.data).toEqual({ status: 'accepted', workflow_id: workflowId });
});

function signedRaw(raw: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  return {
    'content-type': 'application/json',
    'x-zm-request-timestamp': ts,
    'x-zm-signature': zoomSignature(WEBHOOK_SECRET, ts, raw),
  };
}

test('a signed body that is not JSON gets 400', async () => {
  const cutShort = JSON.stringify(cancellation().body).slice(0, 60);
  const answer = await post(signedRaw(cutShort), cutShort);
  expect(answer.status).toBe(400);
  expect(answer.data).toEqual({ error: { code: 'invalid_json', message: 'body is not JSON' } });
});

test('a signed event that fails its schema is answered 200 and kept for an operator, not started', async () => {
  const { body, workflowId } = cancellation();
  const broken = structuredClone(body) as { payload: { object: { registrant: { email?: string } } } };
  delete broken.payload.object.registrant.email;
  const raw = JSON.stringify(broken);
  const answer = await post(signedRaw(raw), raw);
  // Zoom never resends a 4xx: a refusal would lose it for good.
  expect(answer.status).toBe(200);
  const kept = answer.data as { status: string; workflow_id: string; reason: string };
  expect(kept).toMatchObject({
    status: 'kept_unreadable',
    workflow_id: expect.stringMatching(/^zoom-unreadable-event\/[0-9a-f]{32}$/),
    reason: expect.stringContaining('payload.object.registrant.email'),
  });
  await expectNoWorkflow(workflowId);

  // Zoom's retry of the same delivery finds it kept: one workflow per body.
  expect((await post(signedRaw(raw), raw)).data).toMatchObject({ workflow_id: kept.workflow_id });
  // Operators see it: in the open list, in the Web UI's summary, and with its body and reason.
  expect((await openUnreadableEvents(world.client)).map((e) => e.workflow_id)).toContain(kept.workflow_id);
  const handle = world.client.workflow.getHandle(kept.workflow_id);
  expect(await (await handle.describe()).staticSummary()).toMatch(
    /^Unreadable Zoom event webinar\.registration_cancelled: .*registrant\.email: is required/,
  );
  expect(await readUnreadableEvent(world.client, kept.workflow_id)).toMatchObject({
    event: 'webinar.registration_cancelled',
    body: raw,
    settled: null,
  });
});

test('a body over 1 MiB gets 413', async () => {
  const raw = JSON.stringify({ ...cancellation().body, padding: 'x'.repeat(1024 * 1024) });
  const answer = await post(signedRaw(raw), raw);
  expect(answer.status).toBe(413);
});

test('an event this service does not handle gets 200 and is ignored', async () => {
  const answer = await world.deliver({
    event: 'meeting.started',
    event_ts: Date.now(),
    payload: { account_id: 'a', object: {} },
  });
  expect(answer).toEqual({ status: 200, body: { status: 'ignored' } });
});

test('health answers 200; readiness answers 200 while Temporal is reachable', async () => {
  const base = world.webhookUrl.replace('/zoom/webhook', '');
  expect((await axios.get(`${base}/healthz`)).status).toBe(200);
  expect((await axios.get(`${base}/readyz`)).status).toBe(200);
});

test('the gateway logs ids, never emails or names', async () => {
  const lines: string[] = [];
  const { client, connection } = createGatewayClient({ TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS });
  const gateway = buildGateway({
    config: { ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET, TEMPORAL_TASK_QUEUE: world.taskQueue },
    client,
    logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }),
  });
  const url = `${await gateway.listen({ port: 0, host: '127.0.0.1' })}/zoom/webhook`;
  try {
    const webinar = world.emulator.addWebinar();
    const person = world.emulator.addRegistrant(webinar.id, {
      email: 'private.person@example.com',
      first_name: 'Privata',
    });
    const cancel = world.emulator.cancelAsRegistrant(webinar.id, person.id);
    expect((await world.emulator.deliverWebhook(url, cancel, WEBHOOK_SECRET)).status).toBe(200);
    expect((await world.emulator.deliverWebhook(url, cancel, 'wrong-secret')).status).toBe(401);
  } finally {
    await gateway.close();
    await connection.close();
  }
  const log = lines.join('');
  expect(log).toContain('webhook accepted');
  expect(log).toContain('webhook refused');
  expect(log).not.toMatch(/private\.person|Privata/);
});

describe('Temporal not available', () => {
  async function gatewayFor(address: string) {
    const { client, connection } = createGatewayClient({ TEMPORAL_ADDRESS: address });
    const gateway = buildGateway({
      config: { ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET, TEMPORAL_TASK_QUEUE: world.taskQueue },
      client,
      logger: pino({ level: 'silent' }),
    });
    const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
    return {
      url,
      close: async () => {
        await gateway.close();
        await connection.close();
      },
    };
  }

  test('Temporal stopped: the gateway answers 503, and readiness fails', async () => {
    const server = await startTemporalDevServer();
    const gateway = await gatewayFor(server.address);
    try {
      const { body } = cancellation();
      expect((await world.emulator.deliverWebhook(`${gateway.url}/zoom/webhook`, body, WEBHOOK_SECRET)).status).toBe(
        200,
      );
      await server.stop();
      const answer = await world.emulator.deliverWebhook(
        `${gateway.url}/zoom/webhook`,
        cancellation().body,
        WEBHOOK_SECRET,
      );
      expect(answer).toEqual({
        status: 503,
        body: { error: { code: 'temporal_unavailable', message: expect.any(String) } },
      });
      expect((await axios.get(`${gateway.url}/readyz`, { validateStatus: () => true })).status).toBe(503);
    } finally {
      await gateway.close();
      await server.stop();
    }
  });

  test('Temporal hanging (accepts connections, never answers): 503 before Zoom gives up', async () => {
    const sockets: import('node:net').Socket[] = [];
    const hung: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
    const port = (hung.address() as import('node:net').AddressInfo).port;
    const gateway = await gatewayFor(`127.0.0.1:${port}`);
    try {
      // deliverWebhook gives up after 3 s, as Zoom does: an answer at all means it came in time.
      const answer = await world.emulator.deliverWebhook(
        `${gateway.url}/zoom/webhook`,
        cancellation().body,
        WEBHOOK_SECRET,
      );
      expect(answer.status).toBe(503);
    } finally {
      await gateway.close();
      sockets.forEach((s) => s.destroy());
      hung.close();
    }
  });
});
