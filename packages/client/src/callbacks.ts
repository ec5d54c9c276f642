// The app's side of the callbacks: a Standard Webhooks signature over the raw body, its timestamp, then the shape,
// read by the very schemas the worker builds callbacks with.
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import {
  appCallbackSchema,
  testCallbackSchema,
  type AppCallback,
  type TestCallback,
} from '../../../src/domain/callbacks';

export type { AppCallback, TestCallback };
/** Every callback the worker sends: a registrant's outcome, or the doctor's test (answer it 2xx, do nothing). */
export type Callback = AppCallback | TestCallback;
export type CallbackType = Callback['type'];

// One union by `type`, so that a rejection names the field that is wrong rather than "Invalid input".
const callbackSchema = z.discriminatedUnion('type', [...appCallbackSchema.options, testCallbackSchema]);

/** Why a callback was refused: answer 401 for `signature` and `timestamp`, 400 for `shape`. */
export type CallbackProblem = 'signature' | 'timestamp' | 'shape';

export class CallbackVerificationError extends Error {
  override name = 'CallbackVerificationError';
  constructor(
    readonly problem: CallbackProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifiedCallback {
  /** The same on every retry of one callback: apply each once. */
  webhookId: string;
  callback: Callback;
}

type HeaderValue = string | string[] | undefined;

/**
 * Verifies a callback as it arrived: `rawBody` exactly as received (re-serialised JSON would not match the
 * signature), the request's headers (a plain object, Node's or a Fetch `Headers`), and APP_CALLBACK_SECRET
 * (`whsec_…`). Throws a CallbackVerificationError that says what was wrong.
 */
export function verifyCallback(
  rawBody: string | Uint8Array,
  headers: Record<string, HeaderValue> | Headers,
  secret: string,
): VerifiedCallback {
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  const header = (name: string): string => {
    const value = headers instanceof Headers ? headers.get(name) : lowerCased(headers)[name];
    return (Array.isArray(value) ? value[0] : value) ?? '';
  };
  const signed = {
    'webhook-id': header('webhook-id'),
    'webhook-timestamp': header('webhook-timestamp'),
    'webhook-signature': header('webhook-signature'),
  };
  try {
    new Webhook(secret).verify(body, signed);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CallbackVerificationError(/timestamp/i.test(message) ? 'timestamp' : 'signature', message);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new CallbackVerificationError('shape', 'the body is not JSON');
  }
  const parsed = callbackSchema.safeParse(json);
  if (!parsed.success) {
    const { path, message } = closestIssue(parsed.error.issues[0]);
    throw new CallbackVerificationError('shape', `${path.map(String).join('.') || 'body'}: ${message}`);
  }
  return { webhookId: signed['webhook-id'], callback: parsed.data };
}

function lowerCased(headers: Record<string, HeaderValue>): Record<string, HeaderValue> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * What is wrong, said of the field: within a union (a webinar's data or a meeting's), the alternative that came
 * closest, with the fewest problems.
 */
function closestIssue(issue: z.core.$ZodIssue | undefined): { path: PropertyKey[]; message: string } {
  if (!issue) return { path: [], message: 'is invalid' };
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { path: issue.path, message: issue.message };
  const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
  const inner = closestIssue(closest[0]);
  return { path: [...issue.path, ...inner.path], message: inner.message };
}
