// The emulator's Zoom account: webinars and meetings and their registrants, kept in memory.
import { randomBytes, randomInt } from 'node:crypto';
import type { ZoomEventKind } from '../../src/domain/zoom-event';

export type RegistrantStatus = 'approved' | 'pending' | 'denied';

export interface Registrant {
  id: string;
  email: string;
  first_name: string;
  last_name?: string;
  status: RegistrantStatus;
  create_time: string;
  join_url: string;
  /** The occurrences of a recurring webinar they registered for; absent: all of them. */
  occurrence_ids?: string[];
}

export interface Occurrence {
  occurrence_id: string;
  start_time: string;
  status: 'available' | 'deleted';
}

/** A webinar or a meeting with registration, as the host scheduled it. */
export interface HostedEvent {
  kind: ZoomEventKind;
  id: string;
  uuid: string;
  hostId: string;
  hostEmail: string;
  topic: string;
  startTime: string;
  /** The IANA zone its times are shown in (Zoom's `timezone`). */
  timezone: string;
  /** Where people register (Zoom's `registration_url`). */
  registrationUrl: string;
  /** A recurring one's occurrences (Zoom's type 9 or 8); none for a one-off (type 5 or 2). Each lasts an hour. */
  occurrences: Occurrence[];
  /** A recurring one's `settings.registration_type`: 1 once for all (Zoom's default), 2 each, 3 chosen ones. */
  registrationType: 1 | 2 | 3;
  /** Zoom's `settings.approval_type`: 0 registrants approved at once, 1 by the host (they register pending). */
  approvalType: 0 | 1;
  registrants: Map<string, Registrant>;
}

export interface NewRegistrant {
  email: string;
  first_name: string;
  last_name?: string;
  status?: RegistrantStatus;
  id?: string;
  occurrenceIds?: string[];
  /** When they registered (ISO); now by default. */
  createTime?: string;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const WEEK_MS = 7 * 24 * 3600 * 1000;
/** Every session the emulator schedules lasts an hour. */
export const SESSION_MINUTES = 60;

/** Whether a session that began at `startTime` is over at `now`. */
export const sessionEnded = (startTime: string, now = Date.now()) =>
  Date.parse(startTime) + SESSION_MINUTES * 60_000 < now;

/** Zoom-like ids: webinar ids are 11 digits, registrant ids 22 base64url characters. */
export const newWebinarId = () => String(randomInt(10_000_000_000, 99_999_999_999));
export const newRegistrantId = () => randomBytes(16).toString('base64url').slice(0, 22);

/**
 * A registrant of `webinar` as Zoom records one, not added to it: the bench's webhooks are about people Zoom has
 * never heard of, so that each starts a new workflow.
 */
export function registrantOf(webinar: HostedEvent, r: NewRegistrant): Registrant {
  return {
    id: r.id ?? newRegistrantId(),
    email: r.email,
    first_name: r.first_name,
    ...(r.last_name === undefined ? {} : { last_name: r.last_name }),
    status: r.status ?? (webinar.approvalType === 1 ? 'pending' : 'approved'),
    create_time: r.createTime ?? isoSeconds(Date.now()),
    join_url: `https://zoom.us/w/${webinar.id}?tk=${randomBytes(8).toString('hex')}`,
    ...(r.occurrenceIds ? { occurrence_ids: r.occurrenceIds } : {}),
  };
}

export interface NewHostedEvent {
  id?: string;
  hostId?: string;
  hostEmail?: string;
  topic?: string;
  timezone?: string;
  /** Weekly occurrences: a recurring webinar or meeting. */
  occurrences?: number;
  registrationType?: 1 | 2 | 3;
  approvalType?: 0 | 1;
  /** When it (its first occurrence) starts, epoch ms: a week from now by default; earlier ones have passed. */
  startsAt?: number;
}

export class ZoomWorld {
  /** By id: Zoom's meeting and webinar ids share one number space. */
  readonly events = new Map<string, HostedEvent>();

  add(kind: ZoomEventKind, w: NewHostedEvent = {}): HostedEvent {
    const start = w.startsAt ?? Date.now() + WEEK_MS;
    const webinar: HostedEvent = {
      kind,
      id: w.id ?? newWebinarId(),
      uuid: randomBytes(12).toString('base64'),
      hostId: w.hostId ?? randomBytes(11).toString('base64url').slice(0, 22),
      hostEmail: w.hostEmail ?? 'host@example.com',
      topic: w.topic ?? `Sandbox ${kind}`,
      startTime: isoSeconds(start),
      timezone: w.timezone ?? 'UTC',
      registrationUrl: `https://example.zoom.us/${kind}/register/${kind === 'webinar' ? 'WN' : 'MT'}_${randomBytes(9).toString('base64url')}`,
      // Weekly, with Zoom's epoch-ms occurrence ids.
      occurrences: Array.from({ length: w.occurrences ?? 0 }, (_, i) => ({
        occurrence_id: String(start + i * WEEK_MS),
        start_time: isoSeconds(start + i * WEEK_MS),
        status: 'available' as const,
      })),
      registrationType: w.registrationType ?? 1,
      approvalType: w.approvalType ?? 0,
      registrants: new Map(),
    };
    this.events.set(webinar.id, webinar);
    return webinar;
  }

  addRegistrant(webinar: HostedEvent, r: NewRegistrant): Registrant {
    const registrant = registrantOf(webinar, r);
    webinar.registrants.set(registrant.id, registrant);
    return registrant;
  }

  findByEmail(webinar: HostedEvent, email: string): Registrant | undefined {
    return [...webinar.registrants.values()].find((r) => r.email.toLowerCase() === email.toLowerCase());
  }
}
