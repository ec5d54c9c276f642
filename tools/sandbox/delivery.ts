// Webhook delivery as Zoom does it (zoom-platform.md 3 and 4): signed, at least once, a success is a 2xx within 3 s;
// a 5xx, no answer or no connection is retried three times 5, 20 and 60 minutes apart (divided by the time scale),
// then given up, and a 3xx or 4xx is never retried (Zoom's webhooks page). Duplicates, out-of-order deliveries and
// lost ones can be switched on. While a URL is subscribed Zoom revalidates it every 72 hours (scaled too); after
// repeated failures in a row it stops sending and disables the subscription until someone re-enables it (its webhooks
// page, "Revalidation").
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
  /** `subscription_disabled`: never sent, or its retries stopped, because failed revalidations disabled it. */
  state: 'pending' | 'delivered' | 'failed' | 'dropped' | 'subscription_disabled';
  /** Set on the extra copy of a duplicated delivery. */
  duplicate_of: number | null;
  held_out_of_order: boolean;
  attempts: DeliveryAttempt[];
}

/** One of Zoom's periodic revalidations of the subscribed endpoint. */
export interface Revalidation {
  at: string;
  url: string;
  ok: boolean;
  detail: string;
  /** Failed revalidations in a row, this one included: what Zoom counts towards disabling the subscription. */
  consecutive_failures: number;
}

export interface SubscriptionStatus {
  /** `none`: no webhookUrl is set; `disabled`: failed revalidations stopped every event until re-enabled. */
  state: 'none' | 'enabled' | 'disabled';
  consecutive_failures: number;
  disabled_at: string | null;
  /** Null when none is due: revalidation off, the subscription disabled or gone, or one under way right now. */
  next_revalidation_at: string | null;
  revalidations: readonly Revalidation[];
}

type DeliverySettings = Pick<
  SandboxSettings,
  | 'webhookUrl'
  | 'webhookSecret'
  | 'retryTimestamp'
  | 'timeScale'
  | 'duplicateRate'
  | 'outOfOrderRate'
  | 'revalidateEveryMs'
  | 'disableAfterFailedRevalidations'
>;

export class WebhookDelivery {
  readonly log: DeliveryRecord[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  /** The bodies of dropped deliveries, by record id, so that one can still arrive later (`redeliver`). */
  private readonly droppedBodies = new Map<number, ZoomWebhookBody>();

  readonly revalidations: Revalidation[] = [];
  private failedRevalidations = 0;
  private disabledAt: string | null = null;
  /** Kept apart from `timers`: it never ends while subscribed, and `idle()` waits for deliveries only. */
  private revalidationTimer: NodeJS.Timeout | null = null;
  private nextRevalidationAt: number | null = null;
  private revalidating: Promise<void> | null = null;
  /** When the schedule last counted from (a validation sent); the next one is due a scaled period later. */
  private lastValidatedAt = Date.now();
  /** The endpoint the revalidation state belongs to; another URL or secret is a fresh subscription. */
  private subscribedTo: { url: string | null; secret: string };
  /** Bumped with each fresh subscription, so that an answer about the one before is not counted against it. */
  private subscriptionGeneration = 0;

  constructor(
    private readonly settings: () => DeliverySettings,
    /** Whether this event is lost (the emulator's drop settings decide). */
    private readonly drops: () => boolean = () => false,
    private readonly random: () => number = Math.random,
    private readonly responseTimeoutMs = RESPONSE_TIMEOUT_MS,
  ) {
    const { webhookUrl, webhookSecret } = settings();
    this.subscribedTo = { url: webhookUrl, secret: webhookSecret };
    this.scheduleRevalidation();
  }

  /** Queues one event for delivery to the subscribed URL; null when there is no subscription. */
  enqueue(body: ZoomWebhookBody): DeliveryRecord | null {
    const settings = this.settings();
    if (!settings.webhookUrl || this.stopped) return null;
    const record = this.record(body, null);
    // Checked before the drop settings, so that a disabled subscription does not use up `dropNext`.
    if (this.disabledAt !== null) {
      record.state = 'subscription_disabled';
      return record;
    }
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

  /**
   * The emulator applied new settings. A new URL or secret was validated by `configure` before it was applied, so it
   * starts a fresh subscription (Zoom validates an edited endpoint afresh), re-enabled if it was disabled; a new
   * period or time scale moves the next revalidation, still counted from the last one.
   */
  settingsChanged(): void {
    const { webhookUrl, webhookSecret } = this.settings();
    if (webhookUrl !== this.subscribedTo.url || webhookSecret !== this.subscribedTo.secret) {
      this.subscribedTo = { url: webhookUrl, secret: webhookSecret };
      this.subscriptionGeneration += 1;
      this.failedRevalidations = 0;
      this.disabledAt = null;
      this.lastValidatedAt = Date.now();
    }
    this.scheduleRevalidation();
  }

  /**
   * Re-enables a subscription that failed revalidation, as on Zoom's app page: only once the endpoint validates
   * again. A failed attempt here does not count as a revalidation.
   */
  async reenableSubscription(): Promise<{ ok: boolean; detail: string }> {
    const { webhookUrl, webhookSecret } = this.settings();
    if (!webhookUrl) return { ok: false, detail: 'no webhookUrl is set' };
    if (this.disabledAt === null) return { ok: true, detail: 'the subscription is enabled already' };
    const generation = this.subscriptionGeneration;
    const validation = await this.validate(webhookUrl, webhookSecret);
    // A new URL set meanwhile re-enabled it already; this answer was about the old one.
    if (!validation.ok || generation !== this.subscriptionGeneration || this.stopped) return validation;
    this.disabledAt = null;
    this.failedRevalidations = 0;
    this.lastValidatedAt = Date.now();
    this.scheduleRevalidation();
    return { ok: true, detail: 're-enabled: the endpoint validated' };
  }

  subscription(): SubscriptionStatus {
    const state = !this.settings().webhookUrl ? 'none' : this.disabledAt !== null ? 'disabled' : 'enabled';
    return {
      state,
      consecutive_failures: this.failedRevalidations,
      disabled_at: this.disabledAt,
      next_revalidation_at: this.nextRevalidationAt === null ? null : new Date(this.nextRevalidationAt).toISOString(),
      revalidations: this.revalidations,
    };
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
    this.scheduleRevalidation();
    await Promise.all([...this.inFlight, this.revalidating]);
  }

  /** (Re)arms the one revalidation timer from the current settings; none while one is under way (it re-arms). */
  private scheduleRevalidation(): void {
    if (this.revalidationTimer) clearTimeout(this.revalidationTimer);
    this.revalidationTimer = null;
    this.nextRevalidationAt = null;
    const { webhookUrl, revalidateEveryMs, timeScale } = this.settings();
    if (this.stopped || !webhookUrl || revalidateEveryMs === null || this.disabledAt !== null || this.revalidating) {
      return;
    }
    const due = this.lastValidatedAt + revalidateEveryMs / timeScale;
    this.nextRevalidationAt = due;
    this.revalidationTimer = setTimeout(
      () => {
        this.revalidationTimer = null;
        this.nextRevalidationAt = null;
        this.revalidating = this.revalidate().finally(() => {
          this.revalidating = null;
          this.scheduleRevalidation();
        });
      },
      Math.max(0, due - Date.now()),
    );
    // An emulator built and never started or stopped must not keep the process alive for days.
    this.revalidationTimer.unref();
  }

  private async revalidate(): Promise<void> {
    const generation = this.subscriptionGeneration;
    const { webhookUrl, webhookSecret } = this.settings();
    if (!webhookUrl) return;
    // Zoom's period runs from one revalidation to the next, however long the endpoint takes to answer.
    this.lastValidatedAt = Date.now();
    const { ok, detail } = await this.validate(webhookUrl, webhookSecret);
    if (this.stopped || generation !== this.subscriptionGeneration) return;
    this.failedRevalidations = ok ? 0 : this.failedRevalidations + 1;
    const at = new Date().toISOString();
    this.revalidations.push({ at, url: webhookUrl, ok, detail, consecutive_failures: this.failedRevalidations });
    if (this.failedRevalidations >= this.settings().disableAfterFailedRevalidations) this.disabledAt = at;
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
    // "Zoom will stop sending webhook events": retries of earlier events included (UNCONFIRMED, the page is silent).
    if (this.disabledAt !== null) {
      record.state = 'subscription_disabled';
      return;
    }
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
