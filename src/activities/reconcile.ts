// The reconciliation sweep's work outside its workflow: read Zoom's registrant listings page by page, compare each
// registrant with what Temporal's visibility says we hold, and hand what Zoom never announced to the registrant's
// workflow as an observed event (evidence `source: reconciliation`). The workflow applies the same rule again to its
// own state when the event arrives (src/domain/reconciliation.ts), so a webhook that came meanwhile wins.
import { Context, heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import {
  HELD_AS_REGISTERED,
  couldHaveKnown,
  eventsMissed,
  reconcile,
  type Approval,
  type Finding,
  type MissedEvent,
} from '../domain/reconciliation';
import { absenceMeansCancelled, scheduleOf, type ZoomEventSchedule } from '../domain/occurrences';
import type { ListedState, Registrant, RegistrationEvent, ZoomListing } from '../domain/registration';
import { describeZoomEvent, distinctZoomEvents, type ZoomEvent } from '../domain/zoom-event';
import {
  listRegistrants,
  namespaceRetentionMs,
  readRegistrant,
  zoomEventsWithOpenRegistrants,
} from '../temporal/registrant-reads';
import { ingestRegistrationEvent } from '../temporal/registrant-signals';
import { ZOOM_CODES } from '../zoom/rest';
import { ZoomApiError, type ListedStatus, type ZoomClient } from '../zoom/client';
import { zoomCall, zoomFailure } from './zoom-failure';

export interface ReconcileDeps {
  /** A Zoom client whose Medium calls take the sweep's share of the budget. */
  zoom: ZoomClient;
  taskQueue: string;
  /** RECONCILE_WEBINARS and RECONCILE_MEETINGS: watched even with no registrant workflow open. */
  watched: readonly ZoomEvent[];
  dedupWindowMs: number;
  /** RECONCILE_GRACE: Zoom's listings may lag its webhooks by this much. */
  graceMs: number;
}

/** Zoom's largest page (zoom-platform.md 1.1). */
export const LISTING_PAGE_SIZE = 300;
// Visibility queries name the page's registrants; a few hundred ids keep a query short.
const IDS_PER_QUERY = 100;

export interface SweepPlan {
  zoomEvents: ZoomEvent[];
  /** A registration made since (epoch ms) would be known to us had its webhook come (see couldHaveKnown). */
  knownSince: number;
  graceMs: number;
}

/** What to sweep (those asked for; else the open registrants' events, RECONCILE_WEBINARS and _MEETINGS), and when. */
export async function planSweep(deps: ReconcileDeps, requested: ZoomEvent[] | null): Promise<SweepPlan> {
  const client = Context.current().client;
  const open = requested ?? [
    ...(await zoomEventsWithOpenRegistrants(client, deps.taskQueue, heartbeat)),
    ...deps.watched,
  ];
  const zoomEvents = distinctZoomEvents(open);
  const knownSince = Date.now() - deps.dedupWindowMs - (await namespaceRetentionMs(client));
  return { zoomEvents, knownSince, graceMs: deps.graceMs };
}

/** What a webinar is read by (its listings), whether it has ended (scheduleOf), and how it approves registrants. */
export async function zoomEventSchedule(
  deps: ReconcileDeps,
  zoomEvent: ZoomEvent,
): Promise<{ found: true; schedule: ZoomEventSchedule; approval: Approval } | { found: false; reason: string }> {
  const found = await zoomCall(() => deps.zoom.getZoomEvent(zoomEvent));
  if (!found.found)
    return { found: false, reason: `Zoom does not know ${describeZoomEvent(zoomEvent)}: ${found.message}` };
  return { found: true, schedule: scheduleOf(found.scope, found.sessions, Date.now()), approval: found.approval };
}

export interface ListingPageInput {
  zoomEvent: ZoomEvent;
  occurrenceId: string | null;
  status: ListedStatus;
  pageToken: string | null;
  /** What the sweep's events say happened by (epoch ms): when it began reading the webinar, less the grace. */
  observedAt: number;
  knownSince: number;
  approval: Approval;
}

export type ListingPage =
  | { outcome: 'page'; findings: Array<[registrantId: string, finding: Finding]>; nextPageToken: string | null }
  /** Zoom's page token lives 15 minutes (past a long retry, say): the listing starts again from its first page. */
  | { outcome: 'token_expired' }
  | { outcome: 'webinar_not_found'; reason: string };

/** One page of one listing: each registrant on it compared with what we hold, and what we missed handed over. */
export async function reconcileListingPage(deps: ReconcileDeps, input: ListingPageInput): Promise<ListingPage> {
  const { zoomEvent, occurrenceId, status, pageToken, observedAt, knownSince, approval } = input;
  let page;
  try {
    page = await deps.zoom.listRegistrants(zoomEvent, { status, pageSize: LISTING_PAGE_SIZE, pageToken, occurrenceId });
  } catch (err) {
    if (!(err instanceof ZoomApiError)) throw err;
    // How Zoom refuses a token past its 15 minutes is UNCONFIRMED; the emulator answers 400 code 300, as for any
    // invalid field.
    if (pageToken && err.kind === 'rejected' && err.code === ZOOM_CODES.invalidId) return { outcome: 'token_expired' };
    throw zoomFailure(err);
  }
  if (!page.found)
    return { outcome: 'webinar_not_found', reason: `Zoom does not know ${describeZoomEvent(zoomEvent)}` };

  const client = Context.current().client;
  const held = await heldStates(
    client,
    zoomEvent,
    page.registrants.map((r) => r.id),
  );
  const findings: Array<[string, Finding]> = [];
  for (const listed of page.registrants) {
    const ours = held.get(listed.id) ?? null;
    const createdAt = listed.create_time ? Date.parse(listed.create_time) : NaN;
    const { finding, missed } = reconcile(
      status,
      ours,
      couldHaveKnown(Number.isNaN(createdAt) ? null : createdAt, knownSince),
    );
    findings.push([listed.id, finding]);
    if (!missed) continue;
    const registrant = {
      id: listed.id,
      email: listed.email,
      first_name: listed.first_name,
      last_name: listed.last_name ?? '',
    };
    const events = eventsMissed(missed, status, approval);
    for (const [i, event] of events.entries()) {
      // In order, a millisecond apart, the last at observedAt: the same moments on every retry of the page.
      const eventTs = observedAt - (events.length - 1 - i);
      await handOver(client, deps.taskQueue, {
        event,
        eventTs,
        observedAt,
        zoomEvent,
        occurrenceId,
        registrant,
        zoom: status,
        held: ours,
      });
    }
  }
  return { outcome: 'page', findings, nextPageToken: page.nextPageToken };
}

/** A page of the registrants we hold as registered in a webinar (visibility), for the sweep to find who is gone. */
export async function heldRegistrantsPage(input: {
  zoomEvent: ZoomEvent;
  cursor: string | null;
}): Promise<{ registrantIds: string[]; nextCursor: string | null }> {
  const page = await listRegistrants(Context.current().client, {
    zoomEvent: input.zoomEvent,
    state: HELD_AS_REGISTERED,
    pageSize: 1000,
    cursor: input.cursor ?? undefined,
  });
  return { registrantIds: page.registrants.map((r) => r.registrant_id), nextCursor: page.next_cursor };
}

export interface UnseenRegistrants {
  zoomEvent: ZoomEvent;
  registrantIds: string[];
  observedAt: number;
  /** Read before the listings; null only for a sweep that never read it. */
  schedule: ZoomEventSchedule | null;
}

/**
 * Registrants we hold as registered whom no listing showed: each one's latest run is read (visibility may show an
 * older run, or lag) and, if it still holds them, told of the cancellation Zoom never announced; unless their
 * session has ended, after which Zoom's listings say nothing of them (absenceMeansCancelled).
 */
export async function deliverMissedCancellations(
  deps: ReconcileDeps,
  input: UnseenRegistrants,
): Promise<Array<[registrantId: string, finding: Finding]>> {
  const client = Context.current().client;
  const findings: Array<[string, Finding]> = [];
  for (const registrantId of input.registrantIds) {
    heartbeat();
    const view = (await readRegistrant(client, input.zoomEvent, registrantId))?.view;
    const held = !view?.registrant ? null : view.settling ? 'settling' : view.state;
    const { finding, missed } = reconcile('absent', held, true);
    if (missed && input.schedule && !absenceMeansCancelled(input.schedule, view?.occurrence_id ?? null)) {
      findings.push([registrantId, 'ended']);
      continue;
    }
    findings.push([registrantId, finding]);
    if (!missed || !view?.registrant) continue;
    await handOver(client, deps.taskQueue, {
      event: { kind: missed, registrantStatus: null },
      eventTs: input.observedAt,
      observedAt: input.observedAt,
      zoomEvent: input.zoomEvent,
      occurrenceId: view.occurrence_id,
      registrant: view.registrant,
      zoom: 'absent',
      held,
    });
  }
  return findings;
}

interface Handover {
  event: MissedEvent;
  /** The same on every retry of the page, so that a repeat is a duplicate to the workflow. */
  eventTs: number;
  /** When the sweep looked: the events of one look share it. */
  observedAt: number;
  zoomEvent: ZoomEvent;
  occurrenceId: string | null;
  registrant: Registrant;
  zoom: ZoomListing;
  held: ListedState | null;
}

/** Signals the event Zoom never sent to the registrant's workflow (starting one for a missed registration). */
async function handOver(client: Client, taskQueue: string, h: Handover): Promise<void> {
  const event: RegistrationEvent = {
    kind: h.event.kind,
    eventTs: h.eventTs,
    zoomEvent: h.zoomEvent,
    occurrenceId: h.occurrenceId,
    registrant: h.registrant,
    registrantStatus: h.event.registrantStatus,
    operator: null,
    operatorId: null,
    observed: { source: 'reconciliation', zoom: h.zoom, held: h.held, at: h.observedAt },
  };
  await ingestRegistrationEvent(client, taskQueue, event);
  heartbeat();
}

/** What we hold of each registrant: the state of their latest run, by visibility. */
async function heldStates(
  client: Client,
  zoomEvent: ZoomEvent,
  ids: string[],
): Promise<Map<string, ListedState | null>> {
  const latest = new Map<string, { state: ListedState | null; startedAt: string }>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const registrantIds = ids.slice(i, i + IDS_PER_QUERY);
    let cursor: string | undefined;
    do {
      const page = await listRegistrants(client, { zoomEvent, registrantIds, pageSize: 1000, cursor });
      for (const r of page.registrants) {
        const known = latest.get(r.registrant_id);
        const startedAt = r.started_at ?? '';
        if (!known || startedAt > known.startedAt) latest.set(r.registrant_id, { state: r.state, startedAt });
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    heartbeat();
  }
  return new Map([...latest].map(([id, { state }]) => [id, state]));
}
