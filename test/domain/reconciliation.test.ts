// The reconciliation sweep's rule, table by table: what Zoom's listing against what we hold says we missed, what
// the sweep counts, and when an inferred event or a late webhook adds nothing.
import {
  approvalOf,
  couldHaveKnown,
  eventsMissed,
  missedEvent,
  observedCanceller,
  reconcile,
  redundancy,
  type AppliedEvent,
} from '../../src/domain/reconciliation';
import {
  LISTED_STATES,
  ZOOM_LISTINGS,
  type ListedState,
  type RegistrationEvent,
  type RegistrationKind,
  type ZoomListing,
} from '../../src/domain/registration';
import { zoomWebinar } from '../../src/domain/zoom-event';

// Rows: what we hold; columns: approved, pending, denied, absent in Zoom's listings.
const TABLE: Array<[ListedState | null, Array<RegistrationKind | null>]> = [
  [null, ['created', 'created', null, null]],
  ['registered', [null, null, 'cancelled', 'cancelled']],
  ['approved', [null, null, 'cancelled', 'cancelled']],
  ['pending', ['approved', null, 'denied', 'cancelled']],
  ['denied', ['approved', null, null, null]],
  ['self_cancelled', ['approved', null, null, null]],
  ['admin_cancelled', ['approved', null, null, null]],
  ['settling', [null, null, null, null]],
  ['needs_review', [null, null, null, null]],
];

// What the sweep hands over for each missed event, by Zoom's listing and how the host approves registrants.
test.each([
  ['created', 'approved', 'automatic', [{ kind: 'created', registrantStatus: 'approved' }]],
  ['created', 'pending', 'automatic', [{ kind: 'created', registrantStatus: 'pending' }]],
  ['created', 'pending', 'manual', [{ kind: 'created', registrantStatus: 'pending' }]],
  [
    'created',
    'approved',
    'manual',
    [
      { kind: 'created', registrantStatus: 'pending' },
      { kind: 'approved', registrantStatus: null },
    ],
  ],
  ['approved', 'approved', 'manual', [{ kind: 'approved', registrantStatus: null }]],
  ['denied', 'denied', 'manual', [{ kind: 'denied', registrantStatus: null }]],
  ['cancelled', 'absent', 'automatic', [{ kind: 'cancelled', registrantStatus: null }]],
] as const)('missed %s, Zoom lists %s, approval %s: handed over as %j', (missed, zoom, approval, events) => {
  expect(eventsMissed(missed, zoom, approval)).toEqual(events);
});

test("Zoom's approval_type: 1 is the host's approval; 0, 2 or none approve at once", () => {
  expect([1, 0, 2, undefined, null].map(approvalOf)).toEqual([
    'manual',
    'automatic',
    'automatic',
    'automatic',
    'automatic',
  ]);
});

test('the table covers every state we hold', () => {
  expect(TABLE.map(([held]) => held).sort()).toEqual([null, ...LISTED_STATES].sort());
});

test.each(TABLE.flatMap(([held, row]) => ZOOM_LISTINGS.map((zoom, i) => [held, zoom, row[i] ?? null] as const)))(
  'we hold %s, Zoom lists %s: missed %s',
  (held, zoom, missed) => {
    expect(missedEvent(zoom, held)).toBe(missed);
  },
);

test.each<[ZoomListing, ListedState | null, boolean, ReturnType<typeof reconcile>]>([
  ['approved', 'approved', true, { finding: 'agreeing', missed: null }],
  ['absent', 'approved', true, { finding: 'missed_cancellation', missed: 'cancelled' }],
  ['denied', 'approved', true, { finding: 'missed_cancellation', missed: 'cancelled' }],
  ['denied', 'pending', true, { finding: 'missed_denial', missed: 'denied' }],
  ['approved', 'pending', true, { finding: 'missed_approval', missed: 'approved' }],
  ['pending', null, true, { finding: 'missed_registration', missed: 'created' }],
  ['approved', null, false, { finding: 'untracked', missed: null }],
  ['denied', null, true, { finding: 'untracked', missed: null }],
  ['absent', 'settling', true, { finding: 'open_case', missed: null }],
  ['denied', 'needs_review', true, { finding: 'open_case', missed: null }],
  ['absent', 'self_cancelled', true, { finding: 'agreeing', missed: null }],
])('Zoom %s, we hold %s (knowable: %s): %j', (zoom, held, knowable, expected) => {
  expect(reconcile(zoom, held, knowable)).toEqual(expected);
});

test('a cancellation inferred from a record gone points at the registrant; from a denied one, at an admin', () => {
  expect(observedCanceller('absent')).toBe('registrant');
  expect(observedCanceller('denied')).toBe('admin');
});

test('we could have known a registration made since knownSince; one of unknown age, never', () => {
  expect(couldHaveKnown(1_000, 1_000)).toBe(true);
  expect(couldHaveKnown(999, 1_000)).toBe(false);
  expect(couldHaveKnown(null, 0)).toBe(false);
});

describe('redundancy', () => {
  const ev = (kind: RegistrationKind, eventTs: number, zoom?: ZoomListing, held: ListedState | null = null) =>
    ({
      kind,
      eventTs,
      zoomEvent: zoomWebinar('1'),
      occurrenceId: null,
      registrant: { id: 'r', email: 'a@example.com', first_name: 'A', last_name: '' },
      registrantStatus: null,
      operator: null,
      operatorId: null,
      ...(zoom ? { observed: { source: 'reconciliation', zoom, held, at: eventTs } } : {}),
    }) satisfies RegistrationEvent;
  /** Applied events: kind, event_ts and, for an inferred one, when its sweep looked. */
  const applied = (...events: Array<[RegistrationKind, number, number?]>): AppliedEvent[] =>
    events.map(([kind, eventTs, observedAt]) => ({
      kind,
      eventTs,
      ...(observedAt === undefined ? {} : { observedAt }),
    }));

  test.each<[string, RegistrationEvent, AppliedEvent[], ListedState | null, string | null]>([
    [
      'an inferred cancel of someone registered',
      ev('cancelled', 50, 'absent'),
      applied(['created', 10]),
      'approved',
      null,
    ],
    [
      'an inferred cancel after an event from after the sweep looked',
      ev('cancelled', 50, 'absent'),
      applied(['created', 10], ['approved', 60]),
      'approved',
      'the sweep looked before an event applied since',
    ],
    [
      'an inferred cancel of someone cancelled meanwhile',
      ev('cancelled', 50, 'absent'),
      applied(['created', 10], ['cancelled', 40]),
      'self_cancelled',
      'what we hold agrees with Zoom by now',
    ],
    [
      'an inferred cancel while a case is open',
      ev('cancelled', 50, 'absent'),
      applied(['created', 10]),
      'settling',
      'what we hold agrees with Zoom by now',
    ],
    [
      'the late webhook of a cancel the sweep applied',
      ev('cancelled', 30),
      applied(['created', 10], ['cancelled', 50, 50]),
      'self_cancelled',
      'the sweep applied it already',
    ],
    [
      'the late webhook of a registration the sweep applied',
      ev('created', 5),
      applied(['created', 50, 50]),
      'approved',
      'the sweep applied it already',
    ],
    [
      'a cancel with an approval between it and the inferred one: a cancel of its own',
      ev('cancelled', 30),
      applied(['created', 10], ['approved', 40], ['cancelled', 50, 50]),
      'self_cancelled',
      null,
    ],
    [
      'the late webhook of an approval the sweep found with its registration, in one look',
      ev('approved', 20),
      applied(['created', 49, 50], ['approved', 50, 50]),
      'approved',
      'the sweep applied it already',
    ],
    [
      'the late webhook of a registration made after the look that found it approved',
      ev('created', 70),
      applied(['created', 49, 50], ['approved', 50, 50]),
      'approved',
      'the sweep applied it already',
    ],
    [
      'a registration with a cancellation another look found between it and the inferred one: a registration of its own',
      ev('created', 90),
      applied(['created', 10, 10], ['cancelled', 50, 50]),
      'self_cancelled',
      null,
    ],
    ['a webhook like any other', ev('cancelled', 30), applied(['created', 10], ['cancelled', 20]), 'approved', null],
  ])('%s', (_what, event, before, held, reason) => {
    expect(redundancy(event, before, held)).toBe(reason);
  });
});
