// Webhooks as Zoom builds, signs and sends them (zoom-platform.md sections 2 to 4).
import { randomBytes } from 'node:crypto';
import axios from 'axios';
import { zoomSignatureHeaders } from '../../src/zoom/signature';
import type { RegistrationKind } from '../../src/domain/registration';
import type { ZoomEventKind } from '../../src/domain/zoom-event';
import type { HostedEvent, Registrant } from './world';

export interface ZoomWebhookBody {
  event: `${ZoomEventKind}.registration_${RegistrationKind}`;
  event_ts: number;
  payload: {
    account_id: string;
    operator?: string;
    operator_id?: string;
    object: {
      uuid: string;
      id: number;
      host_id: string;
      topic: string;
      type: number;
      start_time: string;
      duration: number;
      timezone: string;
      registrant: Record<string, unknown>;
      occurrences?: Array<{ occurrence_id: string; start_time: string }>;
    };
  };
}

/** Zoom's name for a registration event of this kind; tests and tools name events through it, never by hand. */
export const registrationEventName = (
  kind: RegistrationKind,
  of: ZoomEventKind = 'webinar',
): ZoomWebhookBody['event'] => `${of}.registration_${kind}`;

/** Zoom's `type` of a webinar (5 one-off, 9 recurring) or a meeting (2 scheduled, 8 recurring with fixed time). */
export const zoomObjectType = (hosted: HostedEvent): number =>
  ({ webinar: [5, 9], meeting: [2, 8] })[hosted.kind][hosted.occurrences.length > 0 ? 1 : 0] as number;

export interface Operator {
  operator?: string | null;
  operatorId?: string | null;
}

// Zoom's event_ts is in ms; successive events of one emulator stay strictly ordered even within a millisecond.
let lastEventTs = 0;
export function nextEventTs(): number {
  lastEventTs = Math.max(Date.now(), lastEventTs + 1);
  return lastEventTs;
}

/** The registrant fields each event carries, per Rivet's types: only `created` has status, only it and approved join_url. */
function registrantFields(kind: RegistrationKind, r: Registrant): Record<string, unknown> {
  const base = {
    id: r.id,
    first_name: r.first_name,
    ...(r.last_name ? { last_name: r.last_name } : {}),
    email: r.email,
  };
  if (kind === 'created') return { ...base, status: r.status, join_url: r.join_url };
  if (kind === 'approved') return { ...base, join_url: r.join_url };
  return base;
}

/** A recurring webinar's or meeting's events name the occurrences the registrant is registered for. */
function occurrencesOf(webinar: HostedEvent, registrant: Registrant) {
  const theirs = webinar.occurrences.filter(
    (o) =>
      o.status === 'available' && (!registrant.occurrence_ids || registrant.occurrence_ids.includes(o.occurrence_id)),
  );
  return theirs.length > 0
    ? { occurrences: theirs.map(({ occurrence_id, start_time }) => ({ occurrence_id, start_time })) }
    : {};
}

export function buildRegistrationEvent(
  kind: RegistrationKind,
  accountId: string,
  webinar: HostedEvent,
  registrant: Registrant,
  operator: Operator,
  eventTs = nextEventTs(),
): ZoomWebhookBody {
  return {
    event: registrationEventName(kind, webinar.kind),
    event_ts: eventTs,
    payload: {
      account_id: accountId,
      ...(operator.operator ? { operator: operator.operator } : {}),
      ...(operator.operatorId ? { operator_id: operator.operatorId } : {}),
      object: {
        uuid: webinar.uuid,
        id: Number(webinar.id),
        host_id: webinar.hostId,
        topic: webinar.topic,
        type: zoomObjectType(webinar),
        start_time: webinar.startTime,
        duration: 60,
        timezone: 'UTC',
        registrant: registrantFields(kind, registrant),
        ...occurrencesOf(webinar, registrant),
      },
    },
  };
}

/** The exact bytes and headers of one delivery. */
export function signedRequest(
  body: unknown,
  secret: string,
  opts: { timestampSeconds?: number } = {},
): { headers: Record<string, string>; rawBody: string } {
  const rawBody = JSON.stringify(body);
  return {
    rawBody,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'user-agent': 'Zoom Marketplace/1.0a',
      ...zoomSignatureHeaders(secret, rawBody, opts.timestampSeconds),
      'x-zm-trackingid': `v=2.0;clid=us06;rid=WEB_${randomBytes(16).toString('hex')}`,
    },
  };
}

/** One delivery attempt; Zoom counts no answer within 3 s as a failure. */
export async function deliverWebhook(
  url: string,
  body: unknown,
  secret: string,
  opts: { timestampSeconds?: number } = {},
): Promise<{ status: number; body: unknown }> {
  const request = signedRequest(body, secret, opts);
  const response = await axios.post(url, request.rawBody, {
    headers: request.headers,
    timeout: 3_000,
    validateStatus: () => true,
    transformRequest: (data: unknown) => data,
  });
  return { status: response.status, body: response.data as unknown };
}
