// The app's own record of registrants and seats, in an embedded Postgres (PGlite: Postgres compiled to WebAssembly,
// installed from npm with nothing to download or compile). Every change comes with the webhook-id that caused it, in
// the same transaction: a callback is applied once however often it is delivered, and a crash between applying it
// and answering the worker leaves nothing half done (the worker sends it again; the id says it is done).
import { randomUUID } from 'node:crypto';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { AppCallback, CancelledBy, CancelledOutcome } from '@zoom-registrations/client';

export type ZoomEventKind = 'webinar' | 'meeting';
/** What the app last heard of a registrant. `registered`: Zoom's registration_created (approved or pending). */
export type SeatState = 'registered' | 'approved' | 'denied' | 'reinstated' | 'cancelled' | 'needs_review';

export interface ZoomEventRow {
  zoom_id: string;
  kind: ZoomEventKind;
  /** Its seats, as configured now. */
  capacity: number;
  /** Registrants holding a seat. */
  held: number;
}

export interface RegistrantRow {
  zoom_id: string;
  registrant_id: string;
  email: string;
  first_name: string;
  last_name: string;
  state: SeatState;
  holds_seat: boolean;
  /** Set by a settled cancellation. */
  cancelled_by: CancelledBy | null;
  /** Whether the person may register again with the same email: false after a host's cancellation or a denial. */
  can_reregister: boolean | null;
  /** The Zoom event's time that put the registrant in this state: an older one never moves them back. */
  event_ts: number;
  updated_at: Date;
}

export type CancellationStatus = 'requested' | 'settled' | 'refused' | 'pending';

/** A "cancel for them" asked for on the page, under the idempotency key the API was called with. */
export interface CancellationRequestRow {
  idempotency_key: string;
  zoom_id: string;
  registrant_id: string;
  by: CancelledBy;
  status: CancellationStatus;
  cancelled_by: CancelledBy | null;
  can_reregister: boolean | null;
  /** Why it was refused, or why it is not settled yet. */
  message: string | null;
  requested_at: Date;
}

export interface AppliedCallbackRow {
  webhook_id: string;
  type: string;
  /** False: it was older (by event_ts) than what the app already had, so it changed nothing. */
  applied: boolean;
}

/** What a delivery did: `duplicate` when its webhook-id was applied before (nothing changed this time). */
export type ApplyResult = 'applied' | 'stale' | 'duplicate';

type CallbackData = AppCallback['data'];

interface Change {
  state: SeatState;
  holdsSeat: boolean;
  cancelledBy: CancelledBy | null;
  canReregister: boolean | null;
}

const SCHEMA = `
  create table if not exists zoom_events (
    zoom_id text primary key,
    kind text not null check (kind in ('webinar', 'meeting'))
  );
  create table if not exists registrants (
    zoom_id text not null references zoom_events,
    registrant_id text not null,
    email text not null,
    first_name text not null,
    last_name text not null,
    state text not null,
    holds_seat boolean not null,
    cancelled_by text,
    can_reregister boolean,
    event_ts bigint not null,
    updated_at timestamptz not null default now(),
    primary key (zoom_id, registrant_id)
  );
  create table if not exists applied_callbacks (
    webhook_id text primary key,
    type text not null,
    zoom_id text,
    registrant_id text,
    applied boolean not null default false,
    received_at timestamptz not null default now()
  );
  create index if not exists applied_callbacks_registrant on applied_callbacks (zoom_id, registrant_id);
  create table if not exists cancellation_requests (
    idempotency_key text primary key,
    zoom_id text not null,
    registrant_id text not null,
    by text not null,
    status text not null check (status in ('requested', 'settled', 'refused', 'pending')),
    cancelled_by text,
    can_reregister boolean,
    message text,
    requested_at timestamptz not null default now()
  );
  create index if not exists cancellation_requests_registrant on cancellation_requests (zoom_id, registrant_id);
`;

export class SeatStore {
  private constructor(
    private readonly db: PGlite,
    private readonly capacityOf: (zoomId: string) => number,
  ) {}

  /**
   * `memory`: a database that goes with the process (development, tests); anything else is a directory, created if
   * need be, that keeps it across restarts.
   */
  static async open(where: string, capacityOf: (zoomId: string) => number): Promise<SeatStore> {
    const db = await PGlite.create(where === 'memory' ? undefined : where);
    await db.exec(SCHEMA);
    return new SeatStore(db, capacityOf);
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /**
   * Applies a registrant callback once: its webhook-id is recorded in the same transaction as the change, so a
   * redelivery finds it and changes nothing. An older event than the registrant's last (by `event_ts`) is recorded
   * but moves nothing back.
   */
  applyCallback(webhookId: string, callback: AppCallback): Promise<ApplyResult> {
    return this.db.transaction(async (tx) => {
      const { zoomId } = eventOf(callback.data);
      const first = await tx.query(
        `insert into applied_callbacks (webhook_id, type, zoom_id, registrant_id) values ($1, $2, $3, $4)
         on conflict (webhook_id) do nothing returning webhook_id`,
        [webhookId, callback.type, zoomId, callback.data.registrant.id],
      );
      if (first.rows.length === 0) return 'duplicate';
      const applied = await this.upsert(tx, callback.data, changeOf(callback));
      await tx.query('update applied_callbacks set applied = $2 where webhook_id = $1', [webhookId, applied]);
      if (callback.type === 'registrant.cancelled' && callback.data.evidence.api_request) {
        // The outcome of a "cancel for them" that was still pending when the page was answered.
        await settleRequest(tx, callback.data.evidence.api_request.cancellation_id, callback.data);
      }
      return applied ? 'applied' : 'stale';
    });
  }

  /** The gateway's answer to a "cancel for them": the same outcome its callback will bring, applied at once. */
  settleCancellation(idempotencyKey: string, outcome: CancelledOutcome): Promise<void> {
    return this.db.transaction(async (tx) => {
      await settleRequest(tx, idempotencyKey, outcome);
      await this.upsert(tx, outcome, cancelled(outcome));
    });
  }

  /**
   * The key a "cancel for them" calls the API with: the one of a request for this registrant that has no answer yet
   * (a second click, or a retry after a crash, is the same cancellation), else a new one.
   */
  startCancellation(zoomId: string, registrantId: string, by: CancelledBy): Promise<string> {
    return this.db.transaction(async (tx) => {
      const open = await tx.query<{ idempotency_key: string }>(
        `select idempotency_key from cancellation_requests
         where zoom_id = $1 and registrant_id = $2 and by = $3 and status in ('requested', 'pending')
         order by requested_at desc limit 1`,
        [zoomId, registrantId, by],
      );
      const existing = open.rows[0]?.idempotency_key;
      if (existing) return existing;
      const key = `seat-app-${randomUUID()}`;
      await tx.query(
        `insert into cancellation_requests (idempotency_key, zoom_id, registrant_id, by, status)
         values ($1, $2, $3, $4, 'requested')`,
        [key, zoomId, registrantId, by],
      );
      return key;
    });
  }

  /** A request the gateway refused (`refused`: it will not happen) or did not settle in time (`pending`). */
  async answerCancellation(idempotencyKey: string, status: 'refused' | 'pending', message: string): Promise<void> {
    await this.db.query(
      `update cancellation_requests set status = $2, message = $3 where idempotency_key = $1 and status <> 'settled'`,
      [idempotencyKey, status, message],
    );
  }

  async events(): Promise<ZoomEventRow[]> {
    const rows = await this.rows<SeatsHeld>(`${EVENTS} group by e.zoom_id order by e.zoom_id`);
    return rows.map((row) => ({ ...row, capacity: this.capacityOf(row.zoom_id) }));
  }

  async event(zoomId: string): Promise<ZoomEventRow | null> {
    const [row] = await this.rows<SeatsHeld>(`${EVENTS} where e.zoom_id = $1 group by e.zoom_id`, zoomId);
    return row ? { ...row, capacity: this.capacityOf(zoomId) } : null;
  }

  registrants(zoomId: string): Promise<RegistrantRow[]> {
    return this.rows(
      'select * from registrants where zoom_id = $1 order by last_name, first_name, registrant_id',
      zoomId,
    );
  }

  async registrant(zoomId: string, registrantId: string): Promise<RegistrantRow | null> {
    const [row] = await this.rows<RegistrantRow>(
      'select * from registrants where zoom_id = $1 and registrant_id = $2',
      zoomId,
      registrantId,
    );
    return row ?? null;
  }

  /** The cancellations asked for on the page, newest first. */
  cancellations(zoomId: string): Promise<CancellationRequestRow[]> {
    return this.rows(
      'select * from cancellation_requests where zoom_id = $1 order by requested_at desc, idempotency_key',
      zoomId,
    );
  }

  /** The callbacks received about a registrant, in the order they arrived. */
  callbacksAbout(zoomId: string, registrantId: string): Promise<AppliedCallbackRow[]> {
    return this.rows(
      `select webhook_id, type, applied from applied_callbacks where zoom_id = $1 and registrant_id = $2
       order by received_at, webhook_id`,
      zoomId,
      registrantId,
    );
  }

  private async rows<Row>(sql: string, ...params: string[]): Promise<Row[]> {
    return (await this.db.query<Row>(sql, params)).rows;
  }

  /** Writes the registrant's new state unless the app already has a later one; says whether it did. */
  private async upsert(tx: Transaction, data: CallbackData, change: Change): Promise<boolean> {
    const { kind, zoomId } = eventOf(data);
    // The latest callback names the kind: a meeting converted to a webinar keeps its id and its registrants.
    await tx.query(
      `insert into zoom_events (zoom_id, kind) values ($1, $2) on conflict (zoom_id) do update set kind = excluded.kind`,
      [zoomId, kind],
    );
    const { id, email, first_name, last_name } = data.registrant;
    // `<=`: an outcome carries its cancellation's event_ts, as does the needs_review before it, and a reinstatement
    // its approval's; a later callback about the same moment is the later word.
    const written = await tx.query(
      `insert into registrants (zoom_id, registrant_id, email, first_name, last_name, state, holds_seat,
                                cancelled_by, can_reregister, event_ts)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (zoom_id, registrant_id) do update set
         email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name,
         state = excluded.state, holds_seat = excluded.holds_seat, cancelled_by = excluded.cancelled_by,
         can_reregister = excluded.can_reregister, event_ts = excluded.event_ts, updated_at = now()
       where registrants.event_ts <= excluded.event_ts
       returning registrant_id`,
      [
        zoomId,
        id,
        email,
        first_name,
        last_name,
        change.state,
        change.holdsSeat,
        change.cancelledBy,
        change.canReregister,
        data.event_ts,
      ],
    );
    return written.rows.length > 0;
  }
}

type SeatsHeld = Omit<ZoomEventRow, 'capacity'>;
const EVENTS = `
  select e.zoom_id, e.kind, count(r.registrant_id) filter (where r.holds_seat)::int as held
  from zoom_events e left join registrants r on r.zoom_id = e.zoom_id`;

async function settleRequest(
  tx: Transaction,
  idempotencyKey: string,
  outcome: Pick<CancelledOutcome, 'cancelled_by' | 'can_reregister'>,
): Promise<void> {
  await tx.query(
    `update cancellation_requests set status = 'settled', cancelled_by = $2, can_reregister = $3, message = null
     where idempotency_key = $1`,
    [idempotencyKey, outcome.cancelled_by, outcome.can_reregister],
  );
}

function eventOf(data: CallbackData): { kind: ZoomEventKind; zoomId: string } {
  return data.webinar_id !== undefined
    ? { kind: 'webinar', zoomId: data.webinar_id }
    : { kind: 'meeting', zoomId: data.meeting_id };
}

/** What a callback makes of the registrant, and whether they then hold a seat. */
function changeOf(callback: AppCallback): Change {
  switch (callback.type) {
    case 'registrant.created':
      return { state: 'registered', holdsSeat: true, cancelledBy: null, canReregister: null };
    case 'registrant.approved':
      return { state: 'approved', holdsSeat: true, cancelledBy: null, canReregister: null };
    case 'registrant.reinstated':
      return { state: 'reinstated', holdsSeat: true, cancelledBy: null, canReregister: null };
    case 'registrant.denied':
      // Zoom refuses a new registration from an email it denied for this webinar or meeting.
      return { state: 'denied', holdsSeat: false, cancelledBy: null, canReregister: false };
    case 'registrant.cancelled':
      return cancelled(callback.data);
    case 'registrant.needs_review':
      // Cancelled in Zoom either way (removed or denied): the seat is free; who cancelled, and so whether they may
      // register again, waits for an operator, whose decision comes as registrant.cancelled.
      return { state: 'needs_review', holdsSeat: false, cancelledBy: null, canReregister: null };
  }
}

function cancelled(outcome: Pick<CancelledOutcome, 'cancelled_by' | 'can_reregister'>): Change {
  return {
    state: 'cancelled',
    holdsSeat: false,
    cancelledBy: outcome.cancelled_by,
    canReregister: outcome.can_reregister,
  };
}
