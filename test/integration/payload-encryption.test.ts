// Registrants' personal data never reaches Temporal's storage in plaintext when PAYLOAD_CODEC_KEYS is set: a
// registration and a self-cancel go through gateway, workers and callback with every process encrypting; the raw
// history read from the dev server (no codec) holds neither the email nor the name, while the world's own client,
// and the codec server the Web UI would call, read them back.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import pino from 'pino';
import { buildCodecServer } from '../../src/codec-server/server';
import { AesGcmPayloadCodec } from '../../src/temporal/payload-codec';
import { registrantWorkflowId } from '../../src/workflows/registrant/names';
import { callApi, callbacksAbout, settled, startWorld, temporalAddress } from '../helpers/world';
import { zoomWebinar } from '../../src/domain/zoom-event';

const KEY = { id: 'test-2026-12', key: randomBytes(32) };
const EMAIL = 'grace.hopper.private@example.com';
const NAME = 'Gracewithaverylongname';

test('no email or name in the raw history; the world and the codec server read them', async () => {
  const world = await startWorld({
    temporal: { PAYLOAD_CODEC_KEYS: `${KEY.id}:${KEY.key.toString('base64')}` },
    windows: { FOLLOW_UP_WINDOW: '1h', DEDUP_WINDOW: '1h' },
  });
  const connection = await Connection.connect({ address: temporalAddress() });
  const codecServer = buildCodecServer({
    codec: new AesGcmPayloadCodec([KEY]),
    token: 'codec-token',
    corsOrigins: ['http://localhost:8233'],
    logger: pino({ level: 'silent' }),
  });
  try {
    const webinar = world.emulator.addWebinar();
    const grace = world.emulator.addRegistrant(webinar.id, { email: EMAIL, first_name: NAME, last_name: 'H' });
    await world.deliver(world.emulator.announce(webinar.id, grace.id));
    await callbacksAbout(world, grace.id, 1);
    await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, grace.id));
    await callbacksAbout(world, grace.id, 2);
    const view = await settled(world, webinar.id, grace.id);
    expect(view).toMatchObject({ state: 'self_cancelled', registrant: { email: EMAIL, first_name: NAME } });
    // The gateway decrypts too: the app's API answers with the registrant as they are.
    const read = await callApi(world, 'GET', `/api/v1/webinars/${webinar.id}/registrants/${grace.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ registrant: { email: EMAIL, first_name: NAME } });

    // As the server stores it: a client with no codec, the history's own bytes.
    const raw = new Client({ connection });
    const { history } = await raw.workflowService.getWorkflowExecutionHistory({
      namespace: 'default',
      execution: { workflowId: registrantWorkflowId(zoomWebinar(webinar.id), grace.id) },
    });
    const bytes = Buffer.from(temporal.api.history.v1.History.encode(history ?? {}).finish());
    expect(bytes.length).toBeGreaterThan(1000);
    for (const secret of [EMAIL, NAME, 'grace.hopper']) expect(bytes.includes(secret)).toBe(false);
    const payloads = (history?.events ?? []).flatMap((event) => {
      const signal = event.workflowExecutionSignaledEventAttributes?.input?.payloads ?? [];
      const started = event.workflowExecutionStartedEventAttributes?.input?.payloads ?? [];
      return [...started, ...signal];
    });
    expect(payloads.length).toBeGreaterThan(0);
    expect(payloads.every((p) => Buffer.from(p.metadata?.encoding ?? []).toString() === 'binary/encrypted')).toBe(true);

    // What the Web UI does with the codec endpoint: the same payloads, sent as JSON, come back readable.
    const answer = await codecServer.inject({
      method: 'POST',
      url: '/decode',
      headers: { authorization: 'Bearer codec-token', 'x-namespace': 'default' },
      payload: {
        payloads: payloads.map((p) => ({
          metadata: Object.fromEntries(
            Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(p.data ?? []).toString('base64'),
        })),
      },
    });
    expect(answer.statusCode).toBe(200);
    const decoded = answer
      .json<{ payloads: Array<{ data: string }> }>()
      .payloads.map((p) => Buffer.from(p.data, 'base64').toString())
      .join('\n');
    expect(decoded).toContain(EMAIL);
    expect(decoded).toContain(NAME);
  } finally {
    await codecServer.close();
    await connection.close();
    await world.stop();
  }
});
