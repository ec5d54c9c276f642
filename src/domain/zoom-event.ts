// The Zoom event a registrant registers for: a webinar today, a meeting next (and one day the Zoom account it
// belongs to). One value carried through every boundary (the workflow, its activities, the Zoom client, the gateway,
// the sweep, ops), so that a new kind is a change here and in the few places that switch on `kind`. Plain values
// only: workflow code imports it.

export const ZOOM_EVENT_KINDS = ['webinar'] as const;
export type ZoomEventKind = (typeof ZOOM_EVENT_KINDS)[number];

export interface ZoomEvent {
  readonly kind: ZoomEventKind;
  /** Zoom's id: int64 digits (ZOOM_EVENT_ID_PATTERN). */
  readonly id: string;
}

export function zoomWebinar(id: string): ZoomEvent {
  return { kind: 'webinar', id };
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

/** Its path in Zoom's REST API, which is its path under our /api/v1 too: `/webinars/{id}`. */
export function zoomEventPath(e: ZoomEvent): string {
  return `/${e.kind}s/${encodeURIComponent(e.id)}`;
}

/** How our own ids spell it (workflow ids, callbacks' webhook-ids): a webinar by its id alone. */
export function zoomEventKey(e: ZoomEvent): string {
  return e.id;
}

/** The field the app reads it by in callbacks, registrant views and listings: `webinar_id`. */
export function zoomEventIdField(e: ZoomEvent): { webinar_id: string } {
  return { webinar_id: e.id };
}

/** For people (logs, the Web UI, ops): "webinar 81234567890". */
export function describeZoomEvent(e: ZoomEvent): string {
  return `${e.kind} ${e.id}`;
}

/** The Zoom event a callback, view, listing or report row names by its id field (zoomEventIdField's reverse). */
export function zoomEventOfIdField(row: { webinar_id: string }): ZoomEvent {
  return zoomWebinar(row.webinar_id);
}
