// Recurring events by the book: which calls take an occurrence_id, what a sweep lists, and when a registrant's
// absence from every listing may be taken for a cancellation.
import {
  absenceMeansCancelled,
  occurrenceParam,
  registrationScope,
  scheduleOf,
  type ScheduledSession,
} from '../../src/domain/occurrences';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const session = (occurrenceId: string | null, startTime: string, extra: Partial<ScheduledSession> = {}) => ({
  occurrenceId,
  startTime,
  durationMinutes: 60,
  deleted: false,
  ...extra,
});
const past = session('occ-past', '2026-11-27T10:00:00Z');
const running = session('occ-now', '2026-12-04T11:30:00Z');
const future = session('occ-next', '2026-12-11T10:00:00Z');
const deleted = session('occ-deleted', '2026-12-18T10:00:00Z', { deleted: true });

test.each([
  [undefined, 'whole'],
  [null, 'whole'],
  [1, 'whole'],
  [2, 'per_occurrence'],
  [3, 'per_occurrence'],
  [7, 'whole'],
] as const)('registration_type %p: %s', (type, scope) => {
  expect(registrationScope(type)).toBe(scope);
});

test.each([
  ['whole', 'occ1', null],
  ['whole', null, null],
  ['per_occurrence', 'occ1', 'occ1'],
  ['per_occurrence', null, null],
] as const)('a registrant of a %s registration with occurrence %p: Zoom is given %p', (scope, occurrence, param) => {
  expect(occurrenceParam(scope, occurrence)).toBe(param);
});

test.each([
  ['a one-off event to come', 'whole', [session(null, '2026-12-10T10:00:00Z')], [null], false],
  ['a one-off event over', 'whole', [session(null, '2026-12-01T10:00:00Z')], [null], true],
  ['one registration for every occurrence, some past', 'whole', [past, future], [null], false],
  ['one registration for every occurrence, all past', 'whole', [past], [null], true],
  [
    'per occurrence: the past and the deleted are not listed',
    'per_occurrence',
    [past, running, future, deleted],
    ['occ-now', 'occ-next'],
    false,
  ],
  ['per occurrence, all past', 'per_occurrence', [past], [], true],
  ['no sessions known', 'whole', [], [null], false],
] as const)('%s', (_what, scope, sessions, listings, ended) => {
  expect(scheduleOf(scope, [...sessions], NOW)).toEqual({ scope, listings, ended });
});

test.each([
  ['a one-off event to come', 'whole', [session(null, '2026-12-10T10:00:00Z')], null, true],
  ['a one-off event over', 'whole', [session(null, '2026-12-01T10:00:00Z')], null, false],
  ['one registration for all: their first occurrence past, the series not', 'whole', [past, future], 'occ-past', true],
  ['per occurrence: theirs is listed', 'per_occurrence', [past, future], 'occ-next', true],
  ['per occurrence: theirs has ended', 'per_occurrence', [past, future], 'occ-past', false],
  ['per occurrence: theirs was deleted', 'per_occurrence', [past, future, deleted], 'occ-deleted', false],
  ['per occurrence: theirs unknown', 'per_occurrence', [past, future], null, true],
  ['every session over', 'per_occurrence', [past], 'occ-past', false],
] as const)('absent from every listing, %s: cancelled? %p', (_what, scope, sessions, occurrence, cancelled) => {
  expect(absenceMeansCancelled(scheduleOf(scope, [...sessions], NOW), occurrence)).toBe(cancelled);
});
