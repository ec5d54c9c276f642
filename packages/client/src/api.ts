// The gateway's /api/v1 for the app: cancel on a registrant's behalf (and wait for the settled outcome), read one
// registrant, list a webinar's or meeting's registrants in a state. Answers are the gateway's own JSON, typed by the
// worker's own types; every error answer is an ApiError.
import type { CancelledOutcome } from '../../../src/domain/callbacks';
import type { CancelledBy, ListedState } from '../../../src/domain/registration';
import type { ListedRegistrant, RegistrantPage } from '../../../src/temporal/registrant-reads';
import type { RegistrantView } from '../../../src/workflows/registrant/messages';

export type { CancelledBy, CancelledOutcome, ListedRegistrant, ListedState, RegistrantView };

/** The webinar or meeting a registrant belongs to. */
export interface ZoomEventRef {
  kind: 'webinar' | 'meeting';
  id: string;
}

export interface CancellationRequest {
  /** `registrant`: Zoom deletes the record and they may register again; `admin`: Zoom's cancel (they end denied). */
  by: CancelledBy;
  reason?: string;
  /**
   * Makes a retry the same request (one cancellation, one outcome). Give your own, stored with your retry, for
   * retries across processes; by default each call is a new request.
   */
  idempotencyKey?: string;
  /** How long the gateway waits for the settled outcome before answering `pending` (at most 60). */
  waitSeconds?: number;
}

/** The outcome, as the gateway answers it (with `status` added: its 200 says so by its code). */
export type SettledCancellation = { status: 'settled'; cancellation_id: string } & CancelledOutcome;
/** Not settled yet: read it again at `location` (cancellation()). */
export interface PendingCancellation {
  status: 'pending';
  cancellation_id: string;
  location: string;
}
export type CancellationAnswer = SettledCancellation | PendingCancellation;

/** A registrant as their workflow knows them: state, evidence, callbacks; and the workflow itself. */
export type RegistrantRecord = RegistrantView & { workflow: { id: string; status: string } };

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    /** The gateway's code: `already_cancelled`, `registrant_not_found`, `unauthorized`, `temporal_unavailable`, … */
    readonly code: string,
    message: string,
    /** Zoom's own error code, when Zoom refused. */
    readonly zoomCode: number | null = null,
    /** The cancellation a refusal belongs to. */
    readonly cancellationId: string | null = null,
  ) {
    super(message);
  }
}

export interface RegistrationsApiOptions {
  /** The gateway's origin, e.g. https://registrations.example.com. */
  baseUrl: string;
  /** The gateway's API_TOKEN. */
  token: string;
  /** A fetch of your own (a proxy, a test double); the global one by default. */
  fetch?: typeof fetch;
}

interface ErrorBody {
  error?: { code?: string; message?: string; zoom_code?: number | null };
  cancellation_id?: string;
}

export class RegistrationsApi {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RegistrationsApiOptions) {
    this.base = `${options.baseUrl.replace(/\/+$/, '')}/api/v1`;
    this.fetch = options.fetch ?? fetch;
  }

  /** Cancels on the registrant's behalf: settled within `waitSeconds` (10 by default), or pending. */
  async cancel(event: ZoomEventRef, registrantId: string, request: CancellationRequest): Promise<CancellationAnswer> {
    const { by, reason, idempotencyKey = crypto.randomUUID(), waitSeconds } = request;
    const response = await this.call('POST', `${registrantPath(event, registrantId)}/cancellations`, {
      headers: {
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
        ...(waitSeconds === undefined ? {} : { prefer: `wait=${waitSeconds}` }),
      },
      body: JSON.stringify(reason === undefined ? { by } : { by, reason }),
    });
    return cancellationAnswer(response);
  }

  /**
   * Cancels and reads a pending answer again once a second (the gateway's Retry-After) until the outcome is settled,
   * or `timeoutMs` passes (an Error; the cancellation goes on, and `cancellation()` reads it later).
   */
  async cancelAndSettle(
    event: ZoomEventRef,
    registrantId: string,
    request: CancellationRequest,
    { timeoutMs = 120_000 }: { timeoutMs?: number } = {},
  ): Promise<SettledCancellation> {
    const deadline = Date.now() + timeoutMs;
    let answer = await this.cancel(event, registrantId, request);
    while (answer.status === 'pending') {
      if (Date.now() >= deadline) {
        throw new Error(`cancellation ${answer.cancellation_id} not settled within ${timeoutMs} ms; it goes on`);
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      answer = await this.cancellation(event, registrantId, answer.cancellation_id);
    }
    return answer;
  }

  /** A cancellation requested through the API: settled, pending, or (an ApiError) refused. */
  async cancellation(event: ZoomEventRef, registrantId: string, cancellationId: string): Promise<CancellationAnswer> {
    const path = `${registrantPath(event, registrantId)}/cancellations/${encodeURIComponent(cancellationId)}`;
    return cancellationAnswer(await this.call('GET', path));
  }

  /** One registrant: an ApiError `registrant_not_found` (404) when no event of theirs was received. */
  async get(event: ZoomEventRef, registrantId: string): Promise<RegistrantRecord> {
    return (await (await this.call('GET', registrantPath(event, registrantId))).json()) as RegistrantRecord;
  }

  /** Every registrant of the webinar or meeting in `state`, page after page as the iteration asks. */
  async *list(
    event: ZoomEventRef,
    state: ListedState,
    { pageSize = 50 }: { pageSize?: number } = {},
  ): AsyncGenerator<ListedRegistrant> {
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ state, limit: String(pageSize), ...(cursor ? { cursor } : {}) });
      const page = (await (
        await this.call('GET', `${eventPath(event)}/registrants?${query.toString()}`)
      ).json()) as RegistrantPage;
      yield* page.registrants;
      cursor = page.next_cursor;
    } while (cursor);
  }

  private async call(
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ): Promise<Response> {
    const response = await this.fetch(`${this.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.options.token}`, ...init.headers },
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    if (response.ok) return response;
    const body = (await response.json().catch(() => ({}))) as ErrorBody;
    throw new ApiError(
      response.status,
      body.error?.code ?? 'http_error',
      body.error?.message ?? `HTTP ${response.status}`,
      body.error?.zoom_code ?? null,
      body.cancellation_id ?? null,
    );
  }
}

function eventPath({ kind, id }: ZoomEventRef): string {
  return `/${kind}s/${encodeURIComponent(id)}`;
}

function registrantPath(event: ZoomEventRef, registrantId: string): string {
  return `${eventPath(event)}/registrants/${encodeURIComponent(registrantId)}`;
}

async function cancellationAnswer(response: Response): Promise<CancellationAnswer> {
  if (response.status === 202) {
    const { cancellation_id, location } = (await response.json()) as PendingCancellation;
    return { status: 'pending', cancellation_id, location };
  }
  const outcome = (await response.json()) as Record<string, unknown>;
  return { ...outcome, status: 'settled' } as SettledCancellation;
}
