// Recurring Zoom events by the book (zoom-meetings.md M5, emulator-fidelity.md #6/#7): whether registration is per
// occurrence decides whether Zoom's calls take an `occurrence_id`, and an occurrence that has ended says nothing of
// whether its registrants cancelled.

/**
 * Zoom's `settings.registration_type` of a recurring event: 1 register once for every occurrence (Zoom's default),
 * 2 register for each occurrence, 3 register once and choose occurrences. A one-off event has none.
 */
export type RegistrationScope = 'whole' | 'per_occurrence';

export function registrationScope(registrationType: number | null | undefined): RegistrationScope {
  return registrationType === 2 || registrationType === 3 ? 'per_occurrence' : 'whole';
}

/** The `occurrence_id` a registrant's calls take: theirs where registration is per occurrence, else none. */
export function occurrenceParam(scope: RegistrationScope, occurrenceId: string | null): string | null {
  return scope === 'per_occurrence' ? occurrenceId : null;
}

/** An occurrence (or a one-off event) as Zoom's GET of the event describes it. */
export interface ScheduledSession {
  /** Null for a one-off event. */
  occurrenceId: string | null;
  startTime: string;
  durationMinutes: number;
  /** Zoom marks a deleted occurrence; it is never listed. */
  deleted: boolean;
}

export interface ZoomEventSchedule {
  scope: RegistrationScope;
  /** The listings a sweep reads: one per occurrence not ended where registration is per occurrence, else the whole. */
  listings: Array<string | null>;
  /** Every session has ended: nobody's absence from a listing says they cancelled. */
  ended: boolean;
}

const endOf = (s: ScheduledSession) => Date.parse(s.startTime) + s.durationMinutes * 60_000;

/** What a sweep makes of an event's sessions at `now`. */
export function scheduleOf(scope: RegistrationScope, sessions: ScheduledSession[], now: number): ZoomEventSchedule {
  const kept = sessions.filter((s) => !s.deleted);
  const hasEnded = (s: ScheduledSession) => endOf(s) < now;
  const ended = kept.length > 0 && kept.every(hasEnded);
  const recurring = kept.some((s) => s.occurrenceId !== null);
  if (scope === 'whole' || !recurring) return { scope, listings: [null], ended };
  return { scope, listings: kept.filter((s) => !hasEnded(s)).map((s) => s.occurrenceId), ended };
}

/**
 * Whether a held registrant missing from every listing may be taken for cancelled: never once the event has ended,
 * nor, where registration is per occurrence, when their occurrence is not one the sweep listed (ended or deleted).
 */
export function absenceMeansCancelled(schedule: ZoomEventSchedule, occurrenceId: string | null): boolean {
  if (schedule.ended) return false;
  return schedule.scope === 'whole' || occurrenceId === null || schedule.listings.includes(occurrenceId);
}
