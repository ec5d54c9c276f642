// The sandbox's control API under /_sandbox/: act as people (register, approve, deny, cancel as an admin or as the
// registrant), see the world and what was delivered, change settings at runtime. `npm run simulate` calls it.
// Every action produces exactly the webhooks Zoom would send, delivered to the subscribed endpoint.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { durationSchema } from '../../src/config';
import { describeIssue } from '../../src/errors';
import type { ZoomEmulator } from './emulator';
import { SandboxError } from './errors';
import { ZOOM_EVENT_KINDS } from '../../src/domain/zoom-event';
import type { ZoomWebhookBody } from './webhooks';
import type { Registrant } from './world';

export const PEOPLE_ACTIONS = ['approve', 'deny', 'cancel-as-admin', 'cancel-as-registrant'] as const;
export type PeopleAction = (typeof PEOPLE_ACTIONS)[number];

const newWebinarSchema = z.strictObject({
  topic: z.string().min(1).max(200).optional(),
  host_email: z.string().includes('@', { message: 'must be an email address' }).optional(),
});
const newRegistrantSchema = z.strictObject({
  email: z.string().includes('@', { message: 'must be an email address' }),
  first_name: z.string().min(1, 'is required'),
  last_name: z.string().optional(),
});
const actionParams = z.object({
  webinarId: z.string().min(1),
  registrant: z.string().min(1),
  action: z.enum(PEOPLE_ACTIONS, { error: `must be one of ${PEOPLE_ACTIONS.join(', ')}` }),
});
const deliveriesQuery = z.strictObject({ webinar: z.string().optional(), registrant: z.string().optional() });
const dropSchema = z
  .strictObject({
    next: z.number().int().min(1, 'must be 1 or more').max(1_000_000).optional(),
    for: durationSchema.optional(),
  })
  .refine((d) => d.next !== undefined || d.for !== undefined, { message: 'give next (a count) or for (a duration)' });
const deliveryParams = z.object({ id: z.coerce.number().int().positive() });

function parse<S extends z.ZodType>(schema: S, input: unknown, where: string): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new SandboxError(400, 'invalid_request', describeIssue(result.error, where));
}

const publicRegistrant = (r: Registrant) => ({
  id: r.id,
  email: r.email,
  first_name: r.first_name,
  last_name: r.last_name ?? '',
  status: r.status,
});

export function registerControlApi(app: FastifyInstance, emulator: ZoomEmulator): void {
  /** What an action answers: the registrant after it, and the webhook Zoom sends for it. */
  const acted = (registrant: Registrant | null, event: ZoomWebhookBody) => {
    const delivery = emulator.deliveries.find((d) => d.event_ts === event.event_ts && d.duplicate_of === null);
    return {
      registrant: registrant && publicRegistrant(registrant),
      webhook: {
        event: event.event,
        event_ts: event.event_ts,
        operator: event.payload.operator ?? null,
        operator_id: event.payload.operator_id ?? null,
        delivery: delivery ? { id: delivery.id, state: delivery.state, to: emulator.settings.webhookUrl } : null,
      },
      // Without a subscription, the body to deliver by hand.
      ...(delivery ? {} : { body: event }),
    };
  };

  void app.register(
    (control, _opts, done) => {
      control.setErrorHandler((err: Error & { statusCode?: number }, _req, reply: FastifyReply) => {
        if (err instanceof SandboxError) {
          return reply.code(err.status).send({ error: { code: err.code, message: err.message } });
        }
        const status = err.statusCode ?? 500;
        return reply
          .code(status)
          .send({ error: { code: status === 400 ? 'invalid_json' : 'error', message: err.message } });
      });

      // Webinars and meetings alike, each under its kind's path; a registrant is acted on by its event's id.
      for (const kind of ZOOM_EVENT_KINDS) {
        const path = `/${kind}s`;
        control.get(path, () =>
          emulator
            .hostedEvents()
            .filter((w) => w.kind === kind)
            .map((w) => ({
              id: w.id,
              topic: w.topic,
              host_email: w.hostEmail,
              registrants: [...w.registrants.values()].map(publicRegistrant),
            })),
        );

        control.post(path, (req, reply) => {
          const body = parse(newWebinarSchema, req.body, 'body');
          const hosted = emulator.addHostedEvent(kind, { topic: body.topic, hostEmail: body.host_email });
          return reply.code(201).send({ id: hosted.id, topic: hosted.topic, host_email: hosted.hostEmail });
        });

        control.post(`${path}/:webinarId/registrants`, (req, reply) => {
          const { webinarId } = req.params as { webinarId: string };
          const body = parse(newRegistrantSchema, req.body, 'body');
          const { registrant, event } = emulator.register(webinarId, body);
          return reply.code(201).send(acted(registrant, event));
        });

        control.post(`${path}/:webinarId/registrants/:registrant/:action`, (req) => {
          const { webinarId, registrant: who, action } = parse(actionParams, req.params, 'path');
          // People are easier to name by email; Zoom's id works too.
          const hosted = emulator.hostedEvents().find((w) => w.id === webinarId && w.kind === kind);
          const target =
            hosted?.registrants.get(who) ??
            [...(hosted?.registrants.values() ?? [])].find((r) => r.email.toLowerCase() === who.toLowerCase());
          if (!hosted) throw new SandboxError(404, `${kind}_not_found`, `no ${kind} ${webinarId}`);
          if (!target)
            throw new SandboxError(404, 'registrant_not_found', `no registrant ${who} in ${kind} ${webinarId}`);
          const event = {
            approve: () => emulator.approve(webinarId, target.id),
            deny: () => emulator.deny(webinarId, target.id),
            'cancel-as-admin': () => emulator.cancelAsAdmin(webinarId, target.id),
            'cancel-as-registrant': () => emulator.cancelAsRegistrant(webinarId, target.id),
          }[action]();
          return acted(emulator.registrant(webinarId, target.id) ?? null, event);
        });
      }

      control.get('/deliveries', (req) => {
        const query = parse(deliveriesQuery, req.query, 'query');
        return emulator.deliveries.filter(
          (d) =>
            (!query.webinar || d.webinar_id === query.webinar) &&
            (!query.registrant || d.registrant_id === query.registrant),
        );
      });

      // Zoom gives up on an endpoint after its retries, or cuts a subscription off: the webhooks are lost.
      control.post('/webhooks/drop', (req) => {
        const drop = parse(dropSchema, req.body, 'body');
        const { dropNext, dropUntil } = emulator.dropWebhooks({ next: drop.next, forMs: drop.for });
        return { dropNext, dropUntil };
      });

      // A lost webhook arrives after all.
      control.post('/deliveries/:id/redeliver', (req, reply) => {
        const { id } = parse(deliveryParams, req.params, 'path');
        if (!emulator.redeliver(id)) throw new SandboxError(404, 'not_dropped', `delivery ${id} was not dropped`);
        return reply.code(202).send(emulator.deliveries.find((d) => d.id === id));
      });

      // Zoom revalidates the endpoint every 72 h and disables the subscription after repeated failures.
      control.get('/webhooks/subscription', () => emulator.webhookSubscription);
      // As on Zoom's app page: re-enabled only once the endpoint validates again.
      control.post('/webhooks/reenable', async () => {
        if (!emulator.settings.webhookUrl) throw new SandboxError(409, 'no_webhook_url', 'no webhookUrl is set');
        const { ok, detail } = await emulator.reenableWebhooks();
        if (!ok)
          throw new SandboxError(422, 'endpoint_validation_failed', `${emulator.settings.webhookUrl}: ${detail}`);
        return emulator.webhookSubscription;
      });

      control.get('/settings', () => emulator.settings);
      control.patch('/settings', (req) => emulator.configure(req.body ?? {}));
      done();
    },
    { prefix: '/_sandbox' },
  );
}
