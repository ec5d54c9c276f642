// The seed's approach, before Temporal, as the baseline for the acknowledgement's latency: the webhook handler
// itself verified the signature, looked the registrant up in Zoom, told the app, and only then answered Zoom. Its
// answer waits on Zoom's latency; ours does not.
import { randomUUID } from 'node:crypto';
import axios from 'axios';
import Fastify from 'fastify';
import { Webhook } from 'standardwebhooks';
import type { AppCallback } from '../src/domain/callbacks';
import { zoomEventIdField } from '../src/domain/zoom-event';
import type { ZoomClient } from '../src/zoom/client';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyZoomSignature } from '../src/zoom/signature';
import { registrationEventSchema } from '../src/zoom/webhook';

export interface InlineBaselineOptions {
  secret: string;
  zoom: ZoomClient;
  app: { url: string; secret: string };
}

/** Serves POST /zoom/webhook; returns its URL. */
export async function startInlineBaseline({
  secret,
  zoom,
  app,
}: InlineBaselineOptions): Promise<{ url: string; close(): Promise<void> }> {
  const server = Fastify();
  const signer = new Webhook(app.secret);
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, parsed) => parsed(null, body));
  server.post('/zoom/webhook', async (request, reply) => {
    const rawBody = request.body as Buffer;
    const failure = verifyZoomSignature({
      secret,
      signature: request.headers[SIGNATURE_HEADER] as string | undefined,
      timestamp: request.headers[TIMESTAMP_HEADER] as string | undefined,
      rawBody,
      nowMs: Date.now(),
    });
    if (failure) return reply.code(401).send({ error: failure });
    const event = registrationEventSchema.parse(JSON.parse(rawBody.toString('utf8')));
    // The seed's whole rule: gone from Zoom means the registrant cancelled.
    const { found } = await zoom.getRegistrant(event.zoomEvent, event.registrant.id);
    const cancelledBy = found ? 'admin' : 'registrant';
    const outcome: AppCallback = {
      type: 'registrant.cancelled',
      timestamp: new Date().toISOString(),
      data: {
        ...zoomEventIdField(event.zoomEvent),
        occurrence_id: event.occurrenceId,
        registrant: event.registrant,
        event_ts: event.eventTs,
        cancelled_by: cancelledBy,
        can_reregister: !found,
        zoom_status: found ? 'denied' : 'removed',
        evidence: { lookup: found ? 'denied' : 'not_found', operator: cancelledBy, follow_ups: [] },
      },
    };
    const body = JSON.stringify(outcome);
    const id = `msg_${randomUUID()}`;
    const sentAt = new Date();
    await axios.post(app.url, body, {
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signer.sign(id, sentAt, body),
      },
      validateStatus: () => true,
    });
    return { status: 'done' };
  });
  const origin = await server.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${origin}/zoom/webhook`, close: () => server.close() };
}
