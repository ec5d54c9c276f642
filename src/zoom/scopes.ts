// The calls the worker makes on a webinar's or meeting's registrants and the OAuth scopes that allow each
// (zoom-platform.md 5, zoom-meetings.md M2): the one list `npm run doctor` checks a token against and the emulator
// enforces. Zoom documents the classic scopes; the granular names come from public integrations (partly UNCONFIRMED).
import type { ZoomEventKind } from '../domain/zoom-event';

export interface ZoomCall {
  /** Method and path under `/webinars` or `/meetings`, as Fastify writes a route: `GET /:eventId/registrants`. */
  route: string;
  classic: 'read' | 'write';
  /** The granular scope between the kind and `:admin`; `{kind}` is the kind: `read:{kind}` → webinar:read:webinar:admin. */
  granular: string;
  /** What this service does with the call: what stops working without its scope. */
  purpose: string;
}

export const WORKER_ZOOM_CALLS: readonly ZoomCall[] = [
  {
    route: 'GET /:eventId',
    classic: 'read',
    granular: 'read:{kind}',
    purpose: 'reading the event (registration per occurrence; the topic and start the emails give)',
  },
  {
    route: 'GET /:eventId/registrants/:registrantId',
    classic: 'read',
    granular: 'read:registrant',
    purpose: 'the registrant lookup that settles who cancelled',
  },
  {
    route: 'GET /:eventId/registrants',
    classic: 'read',
    granular: 'read:list_registrants',
    purpose: "the reconciliation sweep's listings",
  },
  {
    route: 'PUT /:eventId/registrants/status',
    classic: 'write',
    granular: 'update:registrant_status',
    purpose: "the app's cancellations as an admin, through the API",
  },
  {
    route: 'DELETE /:eventId/registrants/:registrantId',
    classic: 'write',
    granular: 'delete:registrant',
    purpose: "the app's cancellations as the registrant, through the API",
  },
];

/** `webinar:read:admin`: the account-wide classic scope a Server-to-Server OAuth app is given. */
export function classicScope(kind: ZoomEventKind, call: Pick<ZoomCall, 'classic'>): string {
  return `${kind}:${call.classic}:admin`;
}

/** `webinar:read:list_registrants:admin`. */
export function granularScope(kind: ZoomEventKind, call: Pick<ZoomCall, 'granular'>): string {
  return `${kind}:${call.granular.replace('{kind}', kind)}:admin`;
}

/** Whether a token's scopes allow the call: its granular scope, or the classic one (account-wide or a user's). */
export function allowedBy(granted: ReadonlySet<string>, kind: ZoomEventKind, call: ZoomCall): boolean {
  return (
    granted.has(granularScope(kind, call)) ||
    granted.has(classicScope(kind, call)) ||
    granted.has(`${kind}:${call.classic}`)
  );
}
