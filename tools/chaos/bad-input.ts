// Bad input for the webhook route: any mutation of a valid Zoom body (a field removed, or replaced by any JSON value),
// bodies changed after signing, unsigned ones, and bytes that are not JSON at all. The property tests feed these to
// the gateway through inject; the chaos run sends a hundred thousand to a running gateway.
import { fork } from 'node:child_process';
import fc from 'fast-check';
import autocannon from 'autocannon';
import { REGISTRATION_EVENT_NAMES } from '../../src/zoom/webhook';
import { signedRequest } from '../sandbox/webhooks';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface BodyIds {
  webinarId: number;
  registrantId: string;
}

/** A valid body of a registration event as Zoom sends it. */
export function validWebhookBody(
  event: string,
  { webinarId, registrantId }: BodyIds = { webinarId: 81234567890, registrantId: 'reg1' },
): Json {
  return {
    event,
    event_ts: 1_764_000_000_000,
    payload: {
      account_id: 'acct',
      operator: 'host@example.com',
      operator_id: 'host-id',
      object: {
        id: webinarId,
        uuid: 'Wnk6y4ZlRUyNOJkMgFy3Ig==',
        topic: 'A webinar',
        occurrences: [{ occurrence_id: '1764000000000', start_time: '2026-12-01T10:00:00Z' }],
        registrant: {
          id: registrantId,
          email: 'ada@example.com',
          first_name: 'Ada',
          last_name: 'L',
          status: 'approved',
        },
      },
    },
  };
}

/** Every path into a JSON value, the root's children first. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [];
  const keys: Array<string | number> = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => {
    const child = (value as Record<string | number, Json>)[key] as Json;
    return [[...prefix, key], ...paths(child, [...prefix, key])];
  });
}

/** A copy of `value` with the thing at `path` removed, or replaced by `replacement`. */
function mutate(value: Json, path: Array<string | number>, replacement: Json | undefined): Json {
  const copy = structuredClone(value) as Record<string | number, Json>;
  const parent = path.slice(0, -1).reduce<Record<string | number, Json>>((at, key) => at[key] as never, copy);
  const last = path.at(-1) as string | number;
  if (replacement === undefined) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else {
    parent[last] = replacement;
  }
  return copy;
}

/** A valid body of any registration event with one thing removed or replaced by any JSON value. */
export function mutatedWebhookBody(ids?: BodyIds): fc.Arbitrary<Json> {
  return fc
    .constantFrom(...REGISTRATION_EVENT_NAMES)
    .map((event) => validWebhookBody(event, ids))
    .chain((body) =>
      fc.tuple(
        fc.constant(body),
        fc.constantFrom(...paths(body)),
        fc.option(fc.jsonValue() as fc.Arbitrary<Json>, { nil: undefined, freq: 3 }),
      ),
    )
    .map(([body, path, replacement]) => mutate(body, path, replacement));
}

/** How a fuzzed request was made, and so what the gateway must answer. */
export type FuzzKind = 'mutated' | 'tampered' | 'unsigned' | 'not-json';

export interface FuzzFigures {
  sent: number;
  byStatus: Record<string, number>;
  /** Requests that got no answer (a reset connection, a timeout: autocannon counts both as errors). */
  errors: number;
  /** Answers of 500 and above but 503: 503 says Temporal did not answer in time, and Zoom redelivers. */
  serverErrors: number;
  /** 2xx answers to a body whose signature was wrong or missing. */
  acceptedWithoutSignature: number;
}

/**
 * Sends `amount` bad requests to the webhook route at `url`, from `connections` connections: signed mutations of a
 * valid body about `signed` (some still valid: those are handed on, as they should be), and tampered, unsigned and
 * non-JSON bodies about `unsigned`, which must all be refused.
 */
export async function fuzzWebhookRoute(
  url: string,
  secret: string,
  {
    amount,
    connections,
    signed,
    unsigned,
    seed,
  }: {
    amount: number;
    connections: number;
    signed: BodyIds;
    unsigned: BodyIds;
    seed: number;
  },
): Promise<FuzzFigures> {
  // Spread over 200 registrants, so that the mutations that are still valid do not all signal one workflow.
  const pool = fc.sample(
    fc.nat(199).chain((k) => mutatedWebhookBody({ ...signed, registrantId: `${signed.registrantId}${k}` })),
    { numRuns: 2_000, seed },
  );
  const kinds: FuzzKind[] = ['mutated', 'tampered', 'unsigned', 'not-json'];
  const byStatus: Record<string, number> = {};
  let n = 0;
  let acceptedWithoutSignature = 0;
  let serverErrors = 0;
  const result = await autocannon({
    url,
    connections,
    amount,
    requests: [
      {
        method: 'POST',
        setupRequest: (request, context: { kind?: FuzzKind }) => {
          const i = n++;
          const kind = kinds[i % kinds.length] as FuzzKind;
          context.kind = kind;
          const valid = validWebhookBody(REGISTRATION_EVENT_NAMES[i % REGISTRATION_EVENT_NAMES.length] as string, {
            ...unsigned,
            registrantId: `${unsigned.registrantId}${i % 50}`,
          });
          if (kind === 'mutated') {
            const body = pool[i % pool.length] as Json;
            const { rawBody, headers } = signedRequest(body, secret);
            return { ...request, body: rawBody, headers: { ...request.headers, ...headers } };
          }
          const { rawBody, headers } = signedRequest(valid, secret);
          if (kind === 'tampered') {
            const body = rawBody.replace('"approved"', `"approved${i}"`).replace(/"event_ts":\d+/, `"event_ts":${i}`);
            return { ...request, body, headers: { ...request.headers, ...headers } };
          }
          if (kind === 'unsigned') {
            return { ...request, body: rawBody, headers: { ...request.headers, 'content-type': 'application/json' } };
          }
          const bytes = rawBody.slice(0, i % rawBody.length);
          return { ...request, body: `${bytes}\u0000{`, headers: { ...request.headers, ...headers } };
        },
        onResponse: (status, _body, context: { kind?: FuzzKind }) => {
          byStatus[status] = (byStatus[status] ?? 0) + 1;
          if (status >= 500 && status !== 503) serverErrors++;
          if (status < 300 && context.kind !== 'mutated') acceptedWithoutSignature++;
        },
      },
    ],
  });
  return { sent: n, byStatus, errors: result.errors, serverErrors, acceptedWithoutSignature };
}

export interface BadInputPlan {
  url: string;
  secret: string;
  /** Bodies in all, sent in `parts` parts one after the other. */
  amount: number;
  parts: number;
  connections: number;
  signed: BodyIds;
  unsigned: BodyIds;
  seed: number;
}

/**
 * Sends `plan` from a process of its own (bad-input-process.ts), calling `afterPart` when each part is answered
 * (the chaos run reads the gateway's memory then), and adds up the figures.
 */
export function sendBadInput(plan: BadInputPlan, afterPart: () => void): Promise<FuzzFigures> {
  const total: FuzzFigures = { sent: 0, byStatus: {}, errors: 0, serverErrors: 0, acceptedWithoutSignature: 0 };
  let parts = 0;
  return new Promise((resolve, reject) => {
    const child = fork(require.resolve('./bad-input-process'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (part: FuzzFigures) => {
      parts += 1;
      total.sent += part.sent;
      total.errors += part.errors;
      total.serverErrors += part.serverErrors;
      total.acceptedWithoutSignature += part.acceptedWithoutSignature;
      for (const [status, count] of Object.entries(part.byStatus)) {
        total.byStatus[status] = (total.byStatus[status] ?? 0) + count;
      }
      afterPart();
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (parts === plan.parts) resolve(total);
      else
        reject(
          new Error(
            `the bad input's process ended (${signal ?? `exit ${code}`}) after ${parts} of ${plan.parts} parts`,
          ),
        );
    });
    child.send(plan);
  });
}
