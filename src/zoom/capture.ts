// Capture mode (ZOOM_CAPTURE_DIR, off by default): what a real Zoom account sends and answers, written down so that
// the questions Zoom's documents leave open (docs/zoom-unconfirmed.md) can be settled, and the emulator can replay the
// behaviour (`npm run capture`). The gateway records the webhooks it receives, the worker the answers to its calls,
// as JSON Lines, one file per process kind and day. Personal data never reaches the files: names, emails, join links
// and the like are replaced by a placeholder that is the same for the same value in one capture folder (its `salt`),
// so that "the operator is the registrant's own email" still shows.
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface CapturedWebhook {
  kind: 'webhook';
  at: string;
  /** Zoom's headers (x-zm-*) and its user agent; never our secret. */
  headers: Record<string, string>;
  signature_valid: boolean;
  /** What the gateway answered. */
  status: number;
  /** The body, redacted; the raw text (redacted too) when it is not JSON. */
  body: unknown;
}

export interface CapturedZoomAnswer {
  kind: 'zoom_answer';
  at: string;
  method: string;
  /** Zoom's path: ids are not personal data. */
  path: string;
  query: Record<string, string>;
  status: number;
  headers: Record<string, string>;
  body: unknown;
  /** What our write sent (PUT status: the action and registrant ids), redacted: it names whom an echo is about. */
  request?: unknown;
}

export type CaptureRecord = CapturedWebhook | CapturedZoomAnswer;

// Fields that name or reach a person, wherever they appear in Zoom's bodies (registrant, operator, webinar contact);
// and those that let one in as the host or a guest: GET /webinars/{id} answers with the host's start link and the
// passcodes.
const REDACTED_KEYS = new Set(
  [
    'email operator first_name last_name name display_name user_name phone address city state zip country org',
    'job_title industry comments join_url custom_questions purchasing_time_frame role_in_purchase_process',
    'no_of_employees participant_pin_code user_email host_email contact_name contact_email',
    'start_url password encrypted_passwd encrypted_password h323_password h323_passcode pstn_password',
  ].flatMap((line) => line.split(' ')),
);
const EMAIL = /[^\s@"]+@[^\s@"]+\.[^\s@"]+/g;

/** The same placeholder for the same value under one salt: `redacted:` and 12 hex digits. */
export function placeholder(salt: string, value: unknown): string {
  return `redacted:${createHash('sha256').update(salt).update(JSON.stringify(value)).digest('hex').slice(0, 12)}`;
}

/** A copy of `value` with every personal field, and every email address anywhere in a string, replaced. */
export function redact(value: unknown, salt: string): unknown {
  if (Array.isArray(value)) return value.map((item) => redact(item, salt));
  if (typeof value === 'string') return value.replace(EMAIL, (email) => placeholder(salt, email.toLowerCase()));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      REDACTED_KEYS.has(key.toLowerCase()) && field !== null && field !== ''
        ? typeof field === 'string' && field.includes('@')
          ? placeholder(salt, field.toLowerCase())
          : placeholder(salt, field)
        : redact(field, salt),
    ]),
  );
}

/**
 * The headers worth keeping: Zoom's own and the rate-limit ones, the user agent; no authorization, no cookies.
 * `x-zm-signature` stays: an HMAC under the team's secret, which never leaves them, it reveals nothing, and two
 * deliveries with the same one were signed with the same timestamp over the same bytes.
 */
export function zoomHeaders(headers: Record<string, unknown>): Record<string, string> {
  const kept = Object.entries(headers).filter(([name]) =>
    /^x-zm-|^x-ratelimit-|^retry-after$|^user-agent$/i.test(name),
  );
  return Object.fromEntries(kept.map(([name, value]) => [name.toLowerCase(), String(value)]));
}

/** Appends records to `<dir>/<process>-<day>.jsonl`; a failure to write is logged once and never stops a request. */
export class ZoomCapture {
  private warned = false;

  private constructor(
    private readonly dir: string,
    private readonly process: 'gateway' | 'worker',
    readonly salt: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** Opens the folder (created if need be) and its salt (made once, shared by every process writing there). */
  static async open(dir: string, process: 'gateway' | 'worker', warn: (message: string) => void): Promise<ZoomCapture> {
    await mkdir(dir, { recursive: true });
    const saltFile = path.join(dir, 'salt');
    const salt = await readFile(saltFile, 'utf8').catch(async () => {
      const fresh = randomBytes(16).toString('hex');
      await writeFile(saltFile, fresh, { flag: 'wx' }).catch(() => undefined);
      return readFile(saltFile, 'utf8');
    });
    return new ZoomCapture(dir, process, salt.trim(), warn);
  }

  webhook(record: Omit<CapturedWebhook, 'kind' | 'at' | 'body'> & { rawBody: string }): void {
    const { rawBody, ...rest } = record;
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
    this.write({ kind: 'webhook', at: new Date().toISOString(), ...rest, body: redact(body, this.salt) });
  }

  zoomAnswer(record: Omit<CapturedZoomAnswer, 'kind' | 'at'>): void {
    const { request, ...rest } = record;
    this.write({
      kind: 'zoom_answer',
      at: new Date().toISOString(),
      ...rest,
      body: redact(record.body, this.salt),
      ...(request === undefined ? {} : { request: redact(request, this.salt) }),
    });
  }

  private write(record: CaptureRecord): void {
    const file = path.join(this.dir, `${this.process}-${record.at.slice(0, 10)}.jsonl`);
    appendFile(file, `${JSON.stringify(record)}\n`).catch((err: unknown) => {
      if (this.warned) return;
      this.warned = true;
      this.warn(`ZOOM_CAPTURE_DIR: could not write ${file} (${String(err)}); capturing goes on, without it`);
    });
  }
}
