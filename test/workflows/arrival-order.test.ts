// Property tests (fast-check) of the registrant's state machine, without Temporal: whatever order Zoom's events
// arrive in, however often each is redelivered, and whenever the workflow gets round to applying what has arrived,
// the registrant ends in the same state and a cancellation is decided the same way. Each run draws a cancellation,
// a few other events around it, the redeliveries, one arrival order and the moments the workflow applies its inbox.
// Then the same for what one look of the sweep found (a registration and its approval) beside their late webhooks.
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

test('a registration and approval one look of the sweep found, and their late webhooks on either side of the look: neither told twice, in any order', () => {
  const look = 1_000;
  const observed = { source: 'reconciliation' as const, zoom: 'approved' as const, held: null, at: look };
  const bySweep = { observed, operator: null, operatorId: null };
  fc.assert(
    fc.property(
      // The webhooks' event_ts, the registration's before the approval's; either may be before or after the look.
      fc
        .uniqueArray(fc.integer({ min: 1, max: 2 * look }), { minLength: 2, maxLength: 2 })
        .filter((ts) => !ts.includes(look) && !ts.includes(look - 1))
        .map((ts) => ts.sort((a, b) => a - b)),
      fc.array(fc.record({ index: fc.nat({ max: 3 }), applyAfter: fc.boolean() }), { maxLength: 12 }),
      ([createdTs, approvedTs], order) => {
        const events = [
          event('created', look - 1, { ...bySweep, registrantStatus: 'pending' }),
          event('approved', look, bySweep),
          event('created', createdTs!, { registrantStatus: 'pending' }),
          event('approved', approvedTs!),
        ];
        const state = fresh();
        // What the app is told, as the workflow tells it: an applied event older than what the app has stays untold.
        const told: Array<{ kind: string; eventTs: number }> = [];
        const applyWaiting = () => {
          for (let next = state.events.next(); next; next = state.events.next()) {
            if (state.passOver(next)) continue;
            const to = state.take(next);
            if (to) state.enter(to, next.eventTs);
            const { kind, eventTs } = next;
            if (!told.some((t) => t.eventTs > eventTs)) told.push({ kind, eventTs });
            state.events.markApplied(next);
          }
        };
        const seen = new Set<number>();
        for (const { index, applyAfter } of order) {
          // The sweep signals its two in order: the approval never arrives before the registration.
          for (const i of index === 1 && !seen.has(0) ? [0, 1] : [index]) {
            state.receive(events[i]);
            seen.add(i);
          }
          if (applyAfter) applyWaiting();
        }
        events.forEach((e, i) => seen.has(i) || state.receive(e));
        applyWaiting();
        const kinds = told.map((t) => t.kind);
        // The created goes untold only where the approval was told first, which carries the registrant.
        expect(kinds.filter((k) => k === 'approved')).toEqual(['approved']);
        expect(kinds.filter((k) => k === 'created').length).toBeLessThanOrEqual(1);
        expect(state.view.state).toBe('approved');
      },
    ),
    { numRuns: 2_000 },
  );
});
