// Webhook delivery as Zoom does it (zoom-platform.md 3 and 4): signed, at least once, a success is a 2xx within 3 s;
// a 5xx, no answer or no connection is retried three times 5, 20 and 60 minutes apart (divided by the time scale),
// then given up, and a 3xx or 4xx is never retried (Zoom's webhooks page). Duplicates, out-of-order deliveries and
// lost ones can be switched on.
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { urlValidationAnswer } from '../../src/zoom/signature';
import type { SandboxSettings } from './settings';
import { signedRequest, type ZoomWebhookBody } from './webhooks';

/** Zoom's retry schedule: each delay counts from the attempt before. */
export const RETRY_DELAYS_MS = [5 * 60_000, 20 * 60_000, 60 * 60_000] as const;
/** Zoom counts no answer within 3 s as a failure. */
export const RESPONSE_TIMEOUT_MS = 3_000;
/** How long an out-of-order delivery is held, so that the next event overtakes it. */
const HOLD_MS = 1_500;

export interface DeliveryAttempt {
  at: string;
  /** The HTTP status, or what went wrong before one came back. */
  outcome: number | 'timeout' | 'network_error';
  /** The delay before the next attempt (after the time scale), when there is one. */
  retry_in_ms: number | null;
}

export interface DeliveryRecord {
  id: number;
  event: string;
  webinar_id: string;
  registrant_id: string;
  event_ts: number;
  state: 'pending' | 'delivered' | 'failed' | 'dropped';
  /** Set on the extra copy of a duplicated delivery. */
  duplicate_of: number | null;
  held_out_of_order: boolean;
  attempts: DeliveryAttempt[];
}

type DeliverySettings = Pick<
  SandboxSettings,
  'webhookUrl' | 'webhookSecret' | 'retryTimestamp' | 'timeScale' | 'duplicateRate' | 'outOfOrderRate'
>;

export class WebhookDelivery {
  readonly log: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  /** The bodies of dropped deliveries, by record id, so that one can still arrive later (`redeliver`). */
  private readonly droppedBodies = new Map<number, ZoomWebhookBody>();

  constructor(
    private readonly settings: () => DeliverySettings,
    /** Whether this event is lost (the emulator's drop settings decide). */
    private readonly drops: () => boolean = () => false,
    private readonly random: () => number = Math.random,
    private readonly responseTimeoutMs = RESPONSE_TIMEOUT_MS,
  ) {}

  /** Queues one event for delivery to the subscribed URL; null when there is no subscription. */
  enqueue(body: ZoomWebhookBody): DeliveryRecord | null {
    const settings = this.settings();
    if (!settings.webhookUrl || this.stopped) return null;
    const record = this.record(body, null);
    if (this.drops()) {
      record.state = 'dropped';
      this.droppedBodies.set(record.id, body);
      return record;
    }
    const held = this.random() < settings.outOfOrderRate;
    record.held_out_of_order = held;
    this.later(held ? HOLD_MS : 0, () => this.attempt(record, body, 0));
    if (this.random() < settings.duplicateRate) {
      const copy = this.record(body, record.id);
      this.later(held ? HOLD_MS : 0, () => this.attempt(copy, body, 0));
    }
    return record;
  }

  /** A dropped delivery arrives after all, late: delivered now, retried as any other. False if it was not dropped. */
  redeliver(id: number): boolean {
    const body = this.droppedBodies.get(id);
    const record = this.log.find((d) => d.id === id);
    if (!body || !record) return false;
    this.droppedBodies.delete(id);
    record.state = 'pending';
    this.later(0, () => this.attempt(record, body, 0));
    return true;
  }

  /** Zoom's endpoint validation: the endpoint must answer the HMAC of a random plain token. */
  async validate(url: string, secret: string): Promise<{ ok: boolean; detail: string }> {
    const plainToken = randomBytes(16).toString('base64url');
    const body = { event: 'endpoint.url_validation', event_ts: Date.now(), payload: { plainToken } };
    try {
      const response = await this.post(url, body, secret);
      const expected = urlValidationAnswer(secret, plainToken);
      const answer = response.data as Partial<typeof expected> | null;
      if (
        response.status === 200 &&
        answer?.plainToken === plainToken &&
        answer.encryptedToken === expected.encryptedToken
      ) {
        return { ok: true, detail: 'validated' };
      }
      return { ok: false, detail: `the endpoint answered ${response.status} without the expected encryptedToken` };
    } catch (err) {
      return {
        ok: false,
        detail: `the endpoint could not be reached: ${axios.isAxiosError(err) ? err.code : String(err)}`,
      };
    }
  }

  /** How many deliveries are waiting for the endpoint's answer right now. */
  get sending(): number {
    return this.inFlight.size;
  }

  /** Resolves once nothing is being sent and nothing is scheduled. */
  async idle(): Promise<void> {
    while (this.timers.size > 0 || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearTimeout);
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }

  private record(body: ZoomWebhookBody, duplicateOf: number | null): DeliveryRecord {
    const record: DeliveryRecord = {
      id: this.log.length + 1,
      event: body.event,
      webinar_id: String(body.payload.object.id),
      registrant_id: String(body.payload.object.registrant.id),
      event_ts: body.event_ts,
      state: 'pending',
      duplicate_of: duplicateOf,
      held_out_of_order: false,
      attempts: [],
    };
    this.log.push(record);
    return record;
  }

  private later(delayMs: number, run: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const sending = run().finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }, delayMs);
    this.timers.add(timer);
  }

  /** One attempt; `signedAt` is the first attempt's timestamp (seconds), kept for retries in `retryTimestamp: first`. */
  private async attempt(record: DeliveryRecord, body: ZoomWebhookBody, retry: number, signedAt?: number) {
    const { webhookUrl, webhookSecret, timeScale, retryTimestamp } = this.settings();
    if (this.stopped || !webhookUrl) return;
    const timestampSeconds = retryTimestamp === 'first' && signedAt ? signedAt : Math.floor(Date.now() / 1000);
    let outcome: DeliveryAttempt['outcome'];
    try {
      outcome = (await this.post(webhookUrl, body, webhookSecret, timestampSeconds)).status;
    } catch (err) {
      outcome = axios.isAxiosError(err) && err.code === 'ECONNABORTED' ? 'timeout' : 'network_error';
    }
    const delivered = typeof outcome === 'number' && outcome >= 200 && outcome < 300;
    const nextDelay = RETRY_DELAYS_MS[retry];
    const retryIn = delivered || !retried(outcome) || nextDelay === undefined ? null : nextDelay / timeScale;
    record.attempts.push({ at: new Date().toISOString(), outcome, retry_in_ms: retryIn });
    if (delivered) record.state = 'delivered';
    else if (retryIn === null) record.state = 'failed';
    else this.later(retryIn, () => this.attempt(record, body, retry + 1, signedAt ?? timestampSeconds));
  }

  private post(url: string, body: unknown, secret: string, timestampSeconds?: number) {
    const request = signedRequest(body, secret, { timestampSeconds });
    return axios.post(url, request.rawBody, {
      headers: request.headers,
      timeout: this.responseTimeoutMs,
      validateStatus: () => true,
      transformRequest: (data: unknown) => data,
    });
  }
}

/** Zoom retries a 5xx and a delivery that got no answer; never a 3xx or a 4xx (its webhooks page). */
function retried(outcome: DeliveryAttempt['outcome']): boolean {
  return typeof outcome !== 'number' || outcome >= 500;
}
