// The Zoom event a registrant registers for: a webinar or a meeting (and one day the Zoom account it belongs to).
// One value carried through every boundary (the workflow, its activities, the Zoom client, the gateway, the sweep,
// ops), so that a kind is a change here and in the few places that switch on `kind`. Plain values only: workflow
// code imports it.

export const ZOOM_EVENT_KINDS = ['webinar', 'meeting'] as const;
export type ZoomEventKind = (typeof ZOOM_EVENT_KINDS)[number];

export interface ZoomEvent {
  readonly kind: ZoomEventKind;
  /** Zoom's id: int64 digits (ZOOM_EVENT_ID_PATTERN). */
  readonly id: string;
}

export function zoomWebinar(id: string): ZoomEvent {
  return { kind: 'webinar', id };
}

export function zoomMeeting(id: string): ZoomEvent {
  return { kind: 'meeting', id };
}

export function zoomEventOf(kind: ZoomEventKind, id: string): ZoomEvent {
  return { kind, id };
}

export function isZoomEvent(value: unknown): value is ZoomEvent {
  const e = value as Partial<ZoomEvent> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    ZOOM_EVENT_KINDS.includes(e.kind as ZoomEventKind) &&
    typeof e.id === 'string'
  );
}

export function sameZoomEvent(a: ZoomEvent, b: ZoomEvent): boolean {
  return a.kind === b.kind && a.id === b.id;
}

/** Each Zoom event once, in a stable order (by kind, then id). */
export function distinctZoomEvents(events: Iterable<ZoomEvent>): ZoomEvent[] {
  const byKindAndId = new Map([...events].map((e) => [`${e.kind}:${e.id}`, e]));
  return [...byKindAndId.values()].sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
}

/** Its path in Zoom's REST API, which is its path under our /api/v1 too: `/webinars/{id}`, `/meetings/{id}`. */
export function zoomEventPath(e: ZoomEvent): string {
  return `/${e.kind}s/${encodeURIComponent(e.id)}`;
}

/**
 * How our own ids spell it (workflow ids, callbacks' webhook-ids): by its id alone, whatever its kind. Zoom's
 * meeting and webinar ids share one number space, and a meeting converted to a webinar keeps its id and its
 * registrants: the same key continues the same registrant's story.
 */
export function zoomEventKey(e: ZoomEvent): string {
  return e.id;
}

/** The one field the app reads it by in callbacks, registrant views and listings: `webinar_id` or `meeting_id`. */
export type ZoomEventIdField = { webinar_id: string; meeting_id?: never } | { meeting_id: string; webinar_id?: never };

export function zoomEventIdField(e: ZoomEvent): ZoomEventIdField {
  return e.kind === 'meeting' ? { meeting_id: e.id } : { webinar_id: e.id };
}

/** For people (logs, the Web UI, ops): "webinar 81234567890". */
export function describeZoomEvent(e: ZoomEvent): string {
  return `${e.kind} ${e.id}`;
}

/** The Zoom event a callback, view, listing or report row names by its id field (zoomEventIdField's reverse). */
export function zoomEventOfIdField(row: { webinar_id?: string; meeting_id?: string }): ZoomEvent {
  if (row.meeting_id !== undefined) return zoomMeeting(row.meeting_id);
  if (row.webinar_id !== undefined) return zoomWebinar(row.webinar_id);
  throw new Error('names neither a webinar_id nor a meeting_id');
}
