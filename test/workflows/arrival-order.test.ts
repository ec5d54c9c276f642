// Property tests (fast-check) of the registrant's state machine, without Temporal: whatever order Zoom's events
// arrive in, however often each is redelivered, and whenever the workflow gets round to applying what has arrived,
// the registrant ends in the same state and a cancellation is decided the same way. Each run draws a cancellation,
// a few other events around it, the redeliveries, one arrival order and the moments the workflow applies its inbox.
import fc from 'fast-check';
import { decideCancellation } from '../../src/domain/decision';
import { lookupEvidenceSchema, type LookupEvidence } from '../../src/domain/evidence';
import {
  CANCELLED_BY,
  type CancelledBy,
  type RegistrationEvent,
  type RegistrationKind,
} from '../../src/domain/registration';
import { applyAll, event, fresh } from '../helpers/registrant-events';

/** The cancellation at 1,000 and up to five other events, each at its own event_ts (Zoom's are milliseconds). */
const scenario = fc.record({
  cancelTs: fc.constant(1_000),
  others: fc.uniqueArray(
    fc.record({
      kind: fc.constantFrom<RegistrationKind>('created', 'approved', 'denied'),
      eventTs: fc.integer({ min: 1, max: 2_000 }),
    }),
    { maxLength: 5, selector: (e) => e.eventTs },
  ),
  lookup: fc.constantFrom<LookupEvidence>(...lookupEvidenceSchema.unwrap().options),
  operator: fc.constantFrom<CancelledBy>(...CANCELLED_BY),
});

/** One arrival: which event (by index), and whether the workflow applies its inbox right after it. */
const arrivals = (count: number) =>
  fc.array(fc.record({ index: fc.nat({ max: count - 1 }), applyAfter: fc.boolean() }), { maxLength: 3 * count });

interface Outcome {
  state: string | null;
  followUps: string[];
  decision: unknown;
  duplicates: number;
}

/** Feeds the arrivals, applying as the workflow does (earliest waiting event first), and reads the outcome. */
function play(
  events: RegistrationEvent[],
  order: Array<{ index: number; applyAfter: boolean }>,
  lookup: LookupEvidence,
  operator: CancelledBy,
): Outcome {
  const state = fresh();
  // Every event arrives at least once: first in the drawn order (with its redeliveries), then any not yet seen.
  const seen = new Set<number>();
  for (const { index, applyAfter } of order) {
    state.receive(events[index]);
    seen.add(index);
    if (applyAfter) applyAll(state);
  }
  events.forEach((e, i) => seen.has(i) || state.receive(e));
  applyAll(state);
  const cancel = events[0] as RegistrationEvent;
  const followUps = state.events.followUpsOf(cancel);
  return {
    state: state.view.state,
    followUps: followUps.map((f) => `${f.event}@${f.event_ts}`).sort(),
    decision: decideCancellation(
      { source: 'webhook', lookup, operator, follow_ups: followUps },
      { lookupFinished: true, followUpWindowOver: true },
    ),
    duplicates: state.view.duplicates_ignored,
  };
}

test('the outcome does not depend on arrival order, redeliveries or when the inbox is applied', () => {
  fc.assert(
    fc.property(
      scenario.chain((s) => {
        const events = [
          event('cancelled', s.cancelTs),
          ...s.others.filter((o) => o.eventTs !== s.cancelTs).map((o) => event(o.kind, o.eventTs)),
        ];
        return fc.tuple(fc.constant(s), fc.constant(events), arrivals(events.length));
      }),
      ([s, events, order]) => {
        const inOrder = play(
          events,
          events.map((_, index) => ({ index, applyAfter: false })),
          s.lookup,
          s.operator,
        );
        const drawn = play(events, order, s.lookup, s.operator);
        expect({ ...drawn, duplicates: 0 }).toEqual({ ...inOrder, duplicates: 0 });
        // Each redelivery is counted once as a duplicate, never applied twice.
        const distinct = new Set(order.map((o) => o.index)).size;
        expect(drawn.duplicates).toBe(order.length - distinct);
      },
    ),
    { numRuns: 2_000 },
  );
});
