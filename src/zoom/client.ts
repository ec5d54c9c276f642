// Zoom REST client: Server-to-Server OAuth and the registrant calls. It never retries by itself (retries belong to
// Temporal); it classifies every failure so that the activity can tell Temporal what to do.
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import type { z } from 'zod';
import {
  ZOOM_CODES,
  zoomErrorBodySchema,
  zoomRegistrantPageSchema,
  zoomRegistrantSchema,
  zoomTokenResponseSchema,
  zoomEventDetailsSchema,
  type ZoomListedRegistrant,
  type ZoomRegistrant,
} from './rest';
import { zoomEventKey, zoomEventPath, type ZoomEvent, type ZoomEventKind } from '../domain/zoom-event';
import {
  occurrenceParam,
  registrationScope,
  type RegistrationScope,
  type ScheduledSession,
} from '../domain/occurrences';
import { unreachableDetail } from '../http';
import { approvalOf, type Approval } from '../domain/reconciliation';
import type { ZoomBudget, ZoomRateCategory } from './budget';
import { zoomHeaders, type CapturedZoomAnswer } from './capture';

export interface ZoomClientOptions {
  apiBaseUrl: string;
  tokenUrl: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
  /** Asked for a turn before every API call (not the token request); none: calls go out at once. */
  budget?: ZoomBudget;
  /** Told of every 429 an API call gets (the worker counts them in its metrics). */
  onRateLimited?: (category: ZoomRateCategory) => void;
  /** Told of every answer Zoom gives an API call (capture mode: src/zoom/capture.ts). */
  onAnswer?: (answer: Omit<CapturedZoomAnswer, 'kind' | 'at'>) => void;
}

/** How a failure should be treated: `rate_limited`, `unavailable` and `network` are worth retrying. */
export type ZoomFailureKind = 'rate_limited' | 'unavailable' | 'network' | 'rejected' | 'auth';

export class ZoomApiError extends Error {
  override name = 'ZoomApiError';
  constructor(
    readonly kind: ZoomFailureKind,
    message: string,
    readonly status: number | null = null,
    readonly code: number | null = null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'rate_limited' || this.kind === 'unavailable' || this.kind === 'network';
  }
}

/** Zoom's answer when the registrant, or the webinar or meeting itself, it was asked about does not exist. */
export interface ZoomMissing {
  found: false;
  missing: 'registrant' | ZoomEventKind;
  status: number;
  code: number | null;
  message: string;
}

export type RegistrantLookup = { found: true; registrant: ZoomRegistrant } | ZoomMissing;

/** A write on one registrant: done, or Zoom does not know the registrant or its webinar or meeting. */
export type RegistrantWrite = { found: true } | ZoomMissing;

/** The statuses Zoom lists registrants by, one listing each. */
export type ListedStatus = 'approved' | 'pending' | 'denied';

export interface RegistrantPageQuery {
  status: ListedStatus;
  /** At most 300 (zoom-platform.md 1.1). */
  pageSize: number;
  /** From the previous page; Zoom lets it expire after 15 minutes. */
  pageToken: string | null;
  occurrenceId: string | null;
}

/** One page of a listing, or Zoom does not know the webinar or meeting. */
export type RegistrantPage =
  { found: true; registrants: ZoomListedRegistrant[]; nextPageToken: string | null } | ZoomMissing;

/** What people know a webinar or meeting by: the emails to its registrants say it. */
export interface ZoomEventDescription {
  topic: string | null;
  /** The IANA zone its times are given in, when Zoom names one. */
  timezone: string | null;
  registrationUrl: string | null;
}

/** When a webinar or meeting takes place (its occurrences when it recurs) and how one registers, or Zoom knows none. */
export type ZoomEventLookup =
  | ({ found: true; scope: RegistrationScope; approval: Approval; sessions: ScheduledSession[] } & ZoomEventDescription)
  | ZoomMissing;

/** `Retry-After` is seconds for per-second limits and an ISO date for daily ones (zoom-platform.md section 6). */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | null {
  if (!header) return null;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/**
 * The rate-limit category each of this client's API calls counts against (zoom-platform.md 6): the one place that
 * says it, for the budget's turns and for the calls booked ahead.
 */
const ZOOM_CALL_CATEGORIES = {
  getRegistrant: 'light',
  listRegistrants: 'medium',
  getZoomEvent: 'light',
  deleteRegistrant: 'light',
  updateRegistrantStatus: 'medium',
} as const satisfies Record<string, ZoomRateCategory>;
export type ZoomClientCall = keyof typeof ZOOM_CALL_CATEGORIES;

const DESCRIPTION_KEPT_MS = 60 * 60_000;

// Renew this long before expiry, as Zoom's own SDK does.
const TOKEN_RENEWAL_MARGIN_MS = 60_000;

export class ZoomClient {
  private readonly http: AxiosInstance;
  /** `scopes`: what Zoom said the token allows, or null when its answer did not say. */
  private token: { value: string; expiresAt: number; scopes: string[] | null } | null = null;
  private tokenInFlight: Promise<string> | null = null;
  /** Each webinar's or meeting's last read, by zoomEventKey: its scope (occurrenceFor) and description share it. */
  private readonly reads = new Map<string, { at: number; lookup: ZoomEventLookup }>();

  constructor(private readonly options: ZoomClientOptions) {
    this.http = axios.create({ timeout: options.timeoutMs ?? 10_000, validateStatus: () => true });
  }

  /** The budget's turns for the calls the running activity is about to make, in one booking (ZoomBudget.bookAhead). */
  async bookAhead(calls: ZoomClientCall[]): Promise<void> {
    await this.options.budget?.bookAhead(calls.map((call) => ZOOM_CALL_CATEGORIES[call]));
  }

  /**
   * `GET .../registrants/{id}`. A registrant's calls are given the registrant's occurrence and pass it on
   * only where registration is per occurrence (occurrenceFor).
   */
  async getRegistrant(
    zoomEvent: ZoomEvent,
    registrantId: string,
    occurrenceId: string | null = null,
  ): Promise<RegistrantLookup> {
    const response = await this.call('getRegistrant', {
      method: 'GET',
      url: `${zoomEventPath(zoomEvent)}/registrants/${encodeURIComponent(registrantId)}`,
      // A meeting's GET of one registrant takes no occurrence_id (zoom-meetings.md M5): its record is the series'.
      params: zoomEvent.kind === 'meeting' ? undefined : await this.occurrenceQuery(zoomEvent, occurrenceId),
    });
    if (response.status !== 200) return missingOrThrow(zoomEvent, response);
    return { found: true, registrant: readable(zoomRegistrantSchema, response.data, 'a registrant') };
  }

  /** `GET /webinars/{id}/registrants` (or `/meetings/…`): one page of the registrants in one status. */
  async listRegistrants(zoomEvent: ZoomEvent, query: RegistrantPageQuery): Promise<RegistrantPage> {
    const response = await this.call('listRegistrants', {
      method: 'GET',
      url: `${zoomEventPath(zoomEvent)}/registrants`,
      params: {
        status: query.status,
        page_size: query.pageSize,
        ...(query.pageToken ? { next_page_token: query.pageToken } : {}),
        ...(query.occurrenceId ? { occurrence_id: query.occurrenceId } : {}),
      },
    });
    if (response.status !== 200) return missingOrThrow(zoomEvent, response);
    const page = readable(zoomRegistrantPageSchema, response.data, 'a registrant page');
    return { found: true, registrants: page.registrants, nextPageToken: page.next_page_token || null };
  }

  /**
   * `GET /webinars/{id}` or `/meetings/{id}`: its sessions, past occurrences included (Zoom leaves them out unless asked), and
   * whether registration is per occurrence.
   */
  async getZoomEvent(zoomEvent: ZoomEvent): Promise<ZoomEventLookup> {
    const response = await this.call('getZoomEvent', {
      method: 'GET',
      url: zoomEventPath(zoomEvent),
      params: { show_previous_occurrences: true },
    });
    if (response.status !== 200) return missingOrThrow(zoomEvent, response);
    const details = readable(zoomEventDetailsSchema, response.data, `a ${zoomEvent.kind}`);
    const duration = details.duration ?? 0;
    const sessions: ScheduledSession[] = details.occurrences?.length
      ? details.occurrences.map((o) => ({
          occurrenceId: o.occurrence_id,
          startTime: o.start_time,
          durationMinutes: o.duration ?? duration,
          deleted: o.status === 'deleted',
        }))
      : details.start_time
        ? [{ occurrenceId: null, startTime: details.start_time, durationMinutes: duration, deleted: false }]
        : [];
    return {
      found: true,
      scope: registrationScope(details.settings?.registration_type),
      approval: approvalOf(details.settings?.approval_type),
      sessions,
      topic: details.topic || null,
      timezone: details.timezone || null,
      registrationUrl: details.registration_url || null,
    };
  }

  /**
   * The webinar or meeting as its registrants' emails describe it: read once and kept for DESCRIPTION_KEPT_MS, so
   * that a season of emails costs one call per event, and a renamed topic shows within the hour.
   */
  describeZoomEvent(zoomEvent: ZoomEvent): Promise<ZoomEventLookup> {
    return this.keptRead(zoomEvent, DESCRIPTION_KEPT_MS);
  }

  /**
   * The `occurrence_id` a registrant's calls take (occurrenceParam): read once per webinar or meeting and kept,
   * since `registration_type` is set when it is scheduled. One Zoom does not know takes none, and the call
   * itself then says so.
   */
  async occurrenceFor(zoomEvent: ZoomEvent, occurrenceId: string | null): Promise<string | null> {
    if (!occurrenceId) return null;
    const read = await this.keptRead(zoomEvent, Infinity);
    return read.found ? occurrenceParam(read.scope, occurrenceId) : null;
  }

  /** The webinar's or meeting's last read when younger than `maxAgeMs`, else a new one (kept when Zoom knows it). */
  private async keptRead(zoomEvent: ZoomEvent, maxAgeMs: number): Promise<ZoomEventLookup> {
    const key = zoomEventKey(zoomEvent);
    const kept = this.reads.get(key);
    if (kept && Date.now() - kept.at < maxAgeMs) return kept.lookup;
    const lookup = await this.getZoomEvent(zoomEvent);
    if (lookup.found) this.reads.set(key, { at: Date.now(), lookup });
    return lookup;
  }

  private async occurrenceQuery(zoomEvent: ZoomEvent, occurrenceId: string | null) {
    const occurrence = await this.occurrenceFor(zoomEvent, occurrenceId);
    return occurrence ? { occurrence_id: occurrence } : undefined;
  }

  /** `DELETE .../registrants/{id}`: the one API call that frees the registrant to register again. */
  async deleteRegistrant(
    zoomEvent: ZoomEvent,
    registrantId: string,
    occurrenceId: string | null = null,
  ): Promise<RegistrantWrite> {
    return this.write(zoomEvent, 'deleteRegistrant', {
      method: 'DELETE',
      url: `${zoomEventPath(zoomEvent)}/registrants/${encodeURIComponent(registrantId)}`,
      params: await this.occurrenceQuery(zoomEvent, occurrenceId),
    });
  }

  /** `PUT .../registrants/status` for one registrant; Zoom leaves a cancelled one `denied`. */
  async updateRegistrantStatus(
    zoomEvent: ZoomEvent,
    registrantId: string,
    action: 'approve' | 'deny' | 'cancel',
    occurrenceId: string | null = null,
  ): Promise<RegistrantWrite> {
    return this.write(zoomEvent, 'updateRegistrantStatus', {
      method: 'PUT',
      url: `${zoomEventPath(zoomEvent)}/registrants/status`,
      params: await this.occurrenceQuery(zoomEvent, occurrenceId),
      data: { action, registrants: [{ id: registrantId }] },
    });
  }

  private async write(
    zoomEvent: ZoomEvent,
    call: 'deleteRegistrant' | 'updateRegistrantStatus',
    config: AxiosRequestConfig,
  ): Promise<RegistrantWrite> {
    const response = await this.call(call, config);
    return response.status >= 200 && response.status < 300 ? { found: true } : missingOrThrow(zoomEvent, response);
  }

  /** Sends an API request (see authorised), following a meeting that became a webinar. */
  private async call(call: ZoomClientCall, config: AxiosRequestConfig): Promise<AxiosResponse> {
    const category = ZOOM_CALL_CATEGORIES[call];
    const response = await this.authorised(category, config);
    // A meeting the host converted to a webinar keeps its id, and Zoom's meeting routes then answer 400/3000
    // "Cannot access meeting info" (zoom-meetings.md, "What differs" 3): ask where it is now, before any event says so.
    const asWebinar = config.url?.replace(/^\/meetings\//, '/webinars/');
    if (asWebinar !== config.url && response.status === 400 && isMeetingInaccessible(response)) {
      return this.authorised(category, { ...config, url: asWebinar });
    }
    return response;
  }

  /** Sends with the cached token; a 401 drops the token and tries once more with a new one. */
  private async authorised(category: ZoomRateCategory, config: AxiosRequestConfig): Promise<AxiosResponse> {
    let response = await this.send(category, config, await this.accessToken());
    if (response.status === 429) this.options.onRateLimited?.(category);
    if (response.status === 401) {
      this.token = null;
      response = await this.send(category, config, await this.accessToken());
      if (response.status === 401) throw failureFrom(response, 'auth');
    }
    return response;
  }

  private async send(category: ZoomRateCategory, config: AxiosRequestConfig, token: string): Promise<AxiosResponse> {
    await this.options.budget?.take(category);
    let response: AxiosResponse;
    try {
      response = await this.http.request({
        ...config,
        baseURL: this.options.apiBaseUrl,
        headers: { ...config.headers, Authorization: `Bearer ${token}` },
      });
    } catch (err) {
      throw networkFailure(err);
    }
    this.options.onAnswer?.({
      method: (config.method ?? 'GET').toUpperCase(),
      path: config.url ?? '',
      query: Object.fromEntries(
        Object.entries((config.params ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
      ),
      status: response.status,
      headers: zoomHeaders(response.headers),
      body: response.data,
      request: config.data,
    });
    return response;
  }

  /** The scopes of the app's token (requested now if none is held), or null when Zoom's answer did not say. */
  async grantedScopes(): Promise<string[] | null> {
    await this.accessToken();
    return this.token?.scopes ?? null;
  }

  /** One token request in flight at a time; the token is reused until 60 s before it expires. */
  private accessToken(): Promise<string> {
    if (this.token && Date.now() < this.token.expiresAt - TOKEN_RENEWAL_MARGIN_MS) {
      return Promise.resolve(this.token.value);
    }
    this.tokenInFlight ??= this.fetchToken().finally(() => {
      this.tokenInFlight = null;
    });
    return this.tokenInFlight;
  }

  private async fetchToken(): Promise<string> {
    let response: AxiosResponse;
    try {
      response = await this.http.post(
        this.options.tokenUrl,
        new URLSearchParams({ grant_type: 'account_credentials', account_id: this.options.accountId }).toString(),
        {
          auth: { username: this.options.clientId, password: this.options.clientSecret },
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        },
      );
    } catch (err) {
      throw networkFailure(err);
    }
    if (response.status !== 200) {
      throw failureFrom(response, response.status === 429 || response.status >= 500 ? undefined : 'auth');
    }
    const parsed = zoomTokenResponseSchema.safeParse(response.data);
    if (!parsed.success) throw new ZoomApiError('auth', `Zoom's OAuth answer is not a token: ${parsed.error.message}`);
    this.token = {
      value: parsed.data.access_token,
      expiresAt: Date.now() + parsed.data.expires_in * 1000,
      scopes: parsed.data.scope?.split(' ').filter(Boolean) ?? null,
    };
    return this.token.value;
  }
}

/** Zoom's answer as the schema reads it; one this service cannot read is a permanent failure. */
function readable<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ZoomApiError('rejected', `Zoom answered ${what} this service cannot read: ${parsed.error.message}`);
}

/**
 * Only the answers that mean it: 3001 is the webinar or meeting gone, and 3000 "Registrant {id} was not found"
 * (the webinar DELETE's documented answer, zoom-platform.md 1.4) the registrant. Any other 404 says nothing of the
 * registrant: 1001 is the host user gone, a 404 without Zoom's code a wrong ZOOM_API_BASE_URL, 3000 without
 * "registrant" another refusal (a meeting endpoint's "Cannot access meeting info" for a webinar's id, say). Those
 * are failures, for an operator to see, never the registrant's own cancellation.
 */
function missingOrThrow(zoomEvent: ZoomEvent, response: AxiosResponse): ZoomMissing {
  const { code, message } = errorBody(response);
  const { status } = response;
  if ((status === 404 || status === 400) && code === ZOOM_CODES.webinarNotFound) {
    return { found: false, missing: zoomEvent.kind, status, code, message };
  }
  if ((status === 404 || status === 400) && code === ZOOM_CODES.registrantNotFound && /registrant/i.test(message)) {
    return { found: false, missing: 'registrant', status, code, message };
  }
  throw failureFrom(response);
}

/** Zoom's answer on a meeting route for an id that is not a meeting's (a webinar's, say). */
function isMeetingInaccessible(response: AxiosResponse): boolean {
  const { code, message } = errorBody(response);
  return code === ZOOM_CODES.registrantNotFound && /cannot access meeting/i.test(message);
}

function errorBody(response: AxiosResponse): { code: number | null; message: string } {
  const parsed = zoomErrorBodySchema.safeParse(response.data);
  if (parsed.success) return parsed.data;
  // The OAuth endpoint answers {reason, error} instead of {code, message}.
  const data: unknown = response.data;
  const reason = typeof data === 'object' && data !== null && 'reason' in data ? String(data.reason) : null;
  return { code: null, message: reason ?? `HTTP ${response.status}` };
}

function failureFrom(response: AxiosResponse, forcedKind?: ZoomFailureKind): ZoomApiError {
  const { code, message } = errorBody(response);
  const kind: ZoomFailureKind =
    forcedKind ?? (response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'unavailable' : 'rejected');
  const retryAfterHeader = response.headers['retry-after'] as string | undefined;
  return new ZoomApiError(
    kind,
    `Zoom answered ${response.status}${code === null ? '' : ` (code ${code})`}: ${message}`,
    response.status,
    code,
    kind === 'rate_limited' ? parseRetryAfter(retryAfterHeader, Date.now()) : null,
  );
}

function networkFailure(err: unknown): ZoomApiError {
  const detail = unreachableDetail(err);
  return new ZoomApiError('network', `Zoom could not be reached: ${detail}`);
}
