// `npm run simulate -- <action>`: act as Zoom users against a running sandbox (`npm run dev` or `npm run sandbox`)
// through its control API. Each action produces the webhooks Zoom would send.
import axios, { type AxiosResponse } from 'axios';
import { z } from 'zod';
import { argumentProblem, describeIssue } from '../../src/errors';
import { loadConfigOrExit } from '../../src/config';
import { zoomEventArgSchema } from '../../src/domain/ids';
import { zoomEventPath } from '../../src/domain/zoom-event';
import { PEOPLE_ACTIONS } from './control-api';
import type { DeliveryRecord, SubscriptionStatus } from './delivery';
import { settingsPatchSchema, sandboxSettingsSchema } from './settings';

const USAGE = `usage: npm run simulate -- <action>

  register <webinarId> <email> [first_name] [last_name]   someone registers (again, after a cancel)
  approve <webinarId> <registrantId|email>                the host approves
  deny <webinarId> <registrantId|email>                   the host denies
  cancel-as-admin <webinarId> <registrantId|email>        the host cancels the registration
  cancel-as-registrant <webinarId> <registrantId|email>   the registrant uses the cancel link in their email
  webinars | meetings                                     webinars (or meetings) and their registrants
  deliveries [registrantId]                               webhooks sent, with every attempt
  drop next <N> | drop for <duration>                     lose the next N webhooks, or all of them for a while
                                                          (as when Zoom gives up on an endpoint), e.g. drop for 10m
  redeliver <deliveryId>                                  a lost webhook arrives after all
  subscription [reenable]                                 Zoom's revalidations of the endpoint (every 72 h); re-enable
                                                          a subscription that failed revalidations disabled
  settings [key=value ...]                                show or change settings, e.g. selfCancelMode=deny
                                                          duplicateRate=0.5 plan=free consistencyDelayMs=2000

A meeting goes where a webinarId does, as meeting:<meetingId>.

Talks to SANDBOX_URL (default http://127.0.0.1:9090).`;

const envSchema = z.object({
  SANDBOX_URL: z.url({ error: 'must be an http(s) URL' }).default('http://127.0.0.1:9090'),
});

// A webinar by its id; a meeting as meeting:<id>. Acted on under the control API's path of its kind.
const webinarId = zoomEventArgSchema.transform(zoomEventPath);
const actionSchema = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('register'),
    args: z.tuple([webinarId, z.string().includes('@', { message: 'email must be an email address' })], z.string()),
  }),
  ...PEOPLE_ACTIONS.map((action) =>
    z.object({ action: z.literal(action), args: z.tuple([webinarId, z.string().min(1)]) }),
  ),
  z.object({ action: z.literal('webinars'), args: z.tuple([]) }),
  z.object({ action: z.literal('meetings'), args: z.tuple([]) }),
  z.object({ action: z.literal('deliveries'), args: z.array(z.string()).max(1, 'at most one registrant id') }),
  z.object({
    action: z.literal('drop'),
    args: z.tuple([z.enum(['next', 'for'], { error: 'drop takes next <N> or for <duration>' }), z.string().min(1)]),
  }),
  z.object({ action: z.literal('redeliver'), args: z.tuple([z.string().regex(/^\d+$/, 'deliveryId must be digits')]) }),
  z.object({ action: z.literal('settings'), args: z.array(z.string().regex(/^\w+=.*$/, 'settings are key=value')) }),
  z.object({
    action: z.literal('subscription'),
    args: z.tuple([z.literal('reenable', { error: 'subscription takes nothing, or reenable' }).optional()]),
  }),
]);
type Action = z.infer<typeof actionSchema>;

class UsageError extends Error {}

const say = (line: string) => process.stdout.write(`${line}\n`);

interface Acted {
  registrant: { id: string; email: string; status: string } | null;
  webhook: {
    event: string;
    operator: string | null;
    operator_id: string | null;
    delivery: { id: number; state: string; to: string } | null;
  };
}

function parseAction(argv: string[]): Action {
  const [action, ...args] = argv;
  if (!action || action === 'help' || action === '--help' || action === '-h') throw new UsageError('');
  const parsed = actionSchema.safeParse({ action, args });
  if (parsed.success) return parsed.data;
  const known = actionSchema.options.map((o) => o.shape.action.value as string);
  if (!known.includes(action)) throw new UsageError(`unknown action "${action}"`);
  throw new UsageError(argumentProblem(parsed.error, action));
}

/** `key=value` pairs typed by the settings schema: numbers, booleans and `null` where it expects them. */
function settingsPatch(pairs: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const pair of pairs) {
    const [key = '', ...rest] = pair.split('=');
    const text = rest.join('=');
    const field = sandboxSettingsSchema.shape[key as keyof typeof sandboxSettingsSchema.shape];
    if (!field)
      throw new UsageError(`unknown setting "${key}" (one of ${Object.keys(sandboxSettingsSchema.shape).join(', ')})`);
    const asNumber = Number(text);
    patch[key] =
      text === 'null'
        ? null
        : text === 'true'
          ? true
          : text === 'false'
            ? false
            : text !== '' && !Number.isNaN(asNumber)
              ? asNumber
              : text;
  }
  const checked = settingsPatchSchema.safeParse(patch);
  if (!checked.success) {
    throw new UsageError(describeIssue(checked.error, '', 'settings'));
  }
  return checked.data;
}

function printActed(what: string, acted: Acted): void {
  const r = acted.registrant;
  say(`${what}${r ? `: ${r.email} (${r.id}) is now ${r.status}` : ': the registration is gone'}`);
  const { webhook } = acted;
  const operator = webhook.operator ? ` operator=${webhook.operator}` : '';
  const operatorId = webhook.operator_id ? ` operator_id=${webhook.operator_id}` : ' (no operator_id)';
  const where = webhook.delivery ? `queued for ${webhook.delivery.to}` : 'not sent: no webhook URL is set';
  say(`→ ${webhook.event}${operator}${webhook.event.endsWith('created') ? '' : operatorId} ${where}`);
}

function printDelivery(d: DeliveryRecord): void {
  const attempts = d.attempts.map((a) => String(a.outcome)).join(', ') || 'no attempt yet';
  const copy = d.duplicate_of ? ` (duplicate of #${d.duplicate_of})` : '';
  say(`#${d.id} ${d.event} registrant ${d.registrant_id} event_ts ${d.event_ts}: ${d.state} [${attempts}]${copy}`);
}

async function run(base: string, action: Action): Promise<void> {
  const http = axios.create({ baseURL: `${base}/_sandbox`, validateStatus: () => true, timeout: 10_000 });
  const ok = <T>(response: AxiosResponse<T>): T => {
    if (response.status >= 400) {
      const error = (response.data as { error?: { message?: string } }).error;
      throw new Error(`${response.status}: ${error?.message ?? JSON.stringify(response.data)}`);
    }
    return response.data;
  };
  switch (action.action) {
    case 'register': {
      const [w, email, first = email.split('@')[0] ?? 'Someone', last] = action.args;
      const acted = ok(await http.post<Acted>(`${w}/registrants`, { email, first_name: first, last_name: last }));
      printActed('registered', acted);
      return;
    }
    case 'webinars':
    case 'meetings': {
      const kind = action.action === 'meetings' ? 'meeting' : 'webinar';
      const hosted = ok(
        await http.get<
          Array<{ id: string; topic: string; registrants: Array<{ id: string; email: string; status: string }> }>
        >(`/${action.action}`),
      );
      for (const w of hosted) {
        say(`${kind} ${w.id} "${w.topic}"`);
        for (const r of w.registrants) say(`  ${r.id}  ${r.email}  ${r.status}`);
      }
      return;
    }
    case 'deliveries': {
      const query = action.args[0] ? { registrant: action.args[0] } : {};
      const deliveries = ok(await http.get<DeliveryRecord[]>('/deliveries', { params: query }));
      deliveries.forEach(printDelivery);
      say(`${deliveries.length} deliveries`);
      return;
    }
    case 'drop': {
      const [how, amount] = action.args;
      const body = how === 'next' ? { next: Number(amount) } : { for: amount };
      const { dropNext, dropUntil } = ok(
        await http.post<{ dropNext: number; dropUntil: string | null }>('/webhooks/drop', body),
      );
      say(`losing the next ${dropNext} webhook(s)${dropUntil ? `, and every one until ${dropUntil}` : ''}`);
      return;
    }
    case 'redeliver': {
      printDelivery(ok(await http.post<DeliveryRecord>(`/deliveries/${action.args[0]}/redeliver`)));
      return;
    }
    case 'subscription': {
      const status = ok(
        action.args[0]
          ? await http.post<SubscriptionStatus>('/webhooks/reenable')
          : await http.get<SubscriptionStatus>('/webhooks/subscription'),
      );
      for (const r of status.revalidations) say(`${r.at}  ${r.ok ? 'validated' : `failed: ${r.detail}`}`);
      const next = status.next_revalidation_at ? `; next revalidation at ${status.next_revalidation_at}` : '';
      say(`subscription ${status.state} (${status.consecutive_failures} failure(s) in a row)${next}`);
      return;
    }
    case 'settings': {
      const settings = action.args.length
        ? ok(await http.patch<Record<string, unknown>>('/settings', settingsPatch(action.args)))
        : ok(await http.get<Record<string, unknown>>('/settings'));
      for (const [key, value] of Object.entries(settings)) say(`${key}=${JSON.stringify(value)}`);
      return;
    }
    default: {
      const [w, who] = action.args;
      printActed(
        action.action,
        ok(await http.post<Acted>(`${w}/registrants/${encodeURIComponent(who)}/${action.action}`)),
      );
    }
  }
}

async function main(): Promise<void> {
  const { SANDBOX_URL } = loadConfigOrExit(envSchema);
  let action: Action;
  try {
    action = parseAction(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    if (err.message) process.stderr.write(`simulate: ${err.message}\n\n`);
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  try {
    await run(SANDBOX_URL.replace(/\/$/, ''), action);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`simulate: ${err.message}\n`);
      process.exit(2);
    }
    const detail = axios.isAxiosError(err)
      ? `the sandbox at ${SANDBOX_URL} is not reachable (${err.code}); is npm run dev running?`
      : (err as Error).message;
    process.stderr.write(`simulate: ${detail}\n`);
    process.exit(1);
  }
}

void main();
