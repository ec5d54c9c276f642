// The registrant workflow's state machine as pure code, without Temporal: arrival orders, duplicates, echoes of our
// own writes, stale verdicts and the app's requests. The workflow only adds I/O around these transitions.
import { decideCancellation } from '../../src/domain/decision';
import type { Evidence } from '../../src/domain/evidence';
import { stateListedAfter, type RegistrationKind } from '../../src/domain/registration';
import { zoomMeeting, zoomWebinar } from '../../src/domain/zoom-event';
import { RegistrantState } from '../../src/workflows/registrant/state';
import { applyAll, event, fresh, R, W } from '../helpers/registrant-events';

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('arrivals', () => {
  test('events are applied in event_ts order, whatever order they arrive in', () => {
    const events = [event('created', 10), event('approved', 20), event('cancelled', 30), event('denied', 40)];
    for (const order of permutations(events)) {
      const state = fresh();
      order.forEach((e) => expect(state.receive(e)).toBe('queued'));
      expect(applyAll(state)).toEqual(['created@10', 'approved@20', 'cancelled@30', 'denied@40']);
      expect(state.view).toMatchObject({ state: 'denied', last_event_ts: 40 });
    }
  });

  test.each([
    ['the same event again', event('created', 10), 'duplicate'],
    ['another kind at the same event_ts', event('approved', 10), 'queued'],
    ['the same kind at another event_ts', event('created', 11), 'queued'],
    ['an event of another registrant', event('created', 12, { zoomEvent: zoomWebinar('1') }), 'foreign'],
    ['a hand-made signal without a registrant', { kind: 'created', eventTs: 13 }, 'malformed'],
    ['an unknown kind', { ...event('created', 14), kind: 'updated' }, 'malformed'],
  ])('after created@10, %s is %s', (_what, second, arrival) => {
    const state = fresh();
    state.receive(event('created', 10));
    expect(state.receive(second)).toBe(arrival);
    expect(state.view.duplicates_ignored).toBe(arrival === 'duplicate' ? 1 : 0);
  });

  test("a meeting converted to a webinar (same id): its events are this registrant's, and the latest names the kind", () => {
    const state = fresh();
    const asMeeting = event('created', 10, { zoomEvent: zoomMeeting(W) });
    const asWebinar = event('cancelled', 20);
    // Zoom delivered the later one first: the older event never turns the kind back.
    expect(state.receive(asWebinar)).toBe('queued');
    expect(state.receive(asMeeting)).toBe('queued');
    applyAll(state);
    expect(state.zoomEvent).toEqual(zoomWebinar(W));
    expect(state.view).toMatchObject({ webinar_id: W });
    expect(state.view).not.toHaveProperty('meeting_id');
    const carried = RegistrantState.start({ zoomEvent: zoomMeeting(W), registrantId: R, carried: state.carry() });
    expect(carried.zoomEvent).toEqual(zoomWebinar(W));
  });

  test('a redelivery is still a duplicate after continue-as-new, applied or still waiting', () => {
    const before = fresh();
    before.receive(event('created', 10));
    applyAll(before);
    before.receive(event('approved', 20));
    const after = RegistrantState.start({ zoomEvent: zoomWebinar(W), registrantId: R, carried: before.carry() });
    expect(after.receive(event('created', 10))).toBe('duplicate');
    expect(after.receive(event('approved', 20))).toBe('duplicate');
    expect(after.events.next()).toMatchObject({ kind: 'approved', eventTs: 20 });
  });

  test('an older event never overwrites the state a later one set; a settled outcome may (force)', () => {
    const state = fresh();
    expect(state.enter('approved', 20)).toBe(true);
    expect(state.enter('pending', 10)).toBe(false);
    expect(state.view.state).toBe('approved');
    expect(state.enter('admin_cancelled', 15, true)).toBe(true);
    expect(state.view).toMatchObject({ state: 'admin_cancelled', cancelled_by: 'admin' });
  });
});

describe('the decision does not depend on the arrival order', () => {
  const deniedLookup = (followUps: Evidence['follow_ups']): Evidence => ({
    lookup: 'denied',
    operator: 'admin',
    follow_ups: followUps,
  });

  test.each([
    ['approved@40', [event('approved', 40)], 'reinstated'],
    ['denied@40', [event('denied', 40)], 'cancelled'],
    ['approved@40, denied@50', [event('approved', 40), event('denied', 50)], 'cancelled'],
    ['denied@40, approved@50', [event('denied', 40), event('approved', 50)], 'reinstated'],
    ['approved@20 (before the cancel)', [event('approved', 20)], 'wait'],
  ])('created@10, cancelled@30 and %s, in any arrival order: %s', (_label, others, kind) => {
    const cancel = event('cancelled', 30);
    const outcomes = permutations([event('created', 10), cancel, ...others]).map((order) => {
      const state = fresh();
      order.forEach((e) => state.receive(e));
      applyAll(state);
      const evidence = deniedLookup(state.events.followUpsOf(cancel));
      return decideCancellation(evidence, { lookupFinished: true, followUpWindowOver: false }).kind;
    });
    expect(new Set(outcomes)).toEqual(new Set([kind]));
  });
});

describe('echoes of our own writes', () => {
  function cancelledByUs(succeeded: boolean) {
    const state = fresh();
    state.receive(event('created', 10));
    applyAll(state);
    state.echoes.begin(100);
    const echo = event('cancelled', 101);
    state.receive(echo);
    applyAll(state);
    expect(state.echoes.absorb(echo)).toBe('held');
    return { state, echo, released: state.echoes.end(succeeded) };
  }

  test('a cancellation arriving while our write is in flight is its echo once the write succeeded', () => {
    const { state, released } = cancelledByUs(true);
    expect(released).toEqual([]);
    expect(state.view.echoes_absorbed).toBe(1);
    // A redelivery of Zoom's webhook for our write, at another event_ts: still ours.
    expect(state.echoes.absorb(event('cancelled', 102))).toBe('echo');
    expect(state.view.echoes_absorbed).toBe(2);
  });

  test('when our write failed, what arrived meanwhile is a real cancellation to settle', () => {
    const { state, echo, released } = cancelledByUs(false);
    expect(released).toEqual([echo]);
    expect(state.view.echoes_absorbed).toBe(0);
    expect(state.echoes.absorb(event('cancelled', 102))).toBe('settle');
  });

  test('a deny after our own cancel confirms it; a registration after it starts anew', () => {
    const { state } = cancelledByUs(true);
    state.enter('admin_cancelled', 100, true);
    expect(state.take(event('denied', 103))).toBeNull();
    expect(state.take(event('created', 104))).toBe('approved');
    // The registrant came back: a later cancellation is theirs, not our echo.
    expect(state.echoes.absorb(event('cancelled', 105))).toBe('settle');
  });

  test('without a write of ours, every cancellation is a case to settle', () => {
    expect(fresh().echoes.absorb(event('cancelled', 30))).toBe('settle');
  });
});

describe("an operator's verdict", () => {
  test.each([
    [null, { cancelled_by: 'admin' }, /nothing to resolve: the registrant is without state, not needs_review/],
    ['admin_cancelled', { cancelled_by: 'admin' }, /the registrant is admin_cancelled, not needs_review/],
    ['needs_review', { cancelled_by: 'someone' }, /cancelled_by must be registrant or admin/],
    ['needs_review', { cancelled_by: 'admin', can_reregister: 'no' }, /can_reregister true or false/],
    ['needs_review', null, /cancelled_by must be registrant or admin/],
  ] as const)('in state %s, %j is refused', (current, verdict, reason) => {
    const state = fresh();
    if (current === 'needs_review') state.openReview('the lookup never settled');
    if (current) state.enter(current, 1, true);
    expect(state.resolutionProblem(verdict)).toMatch(reason);
  });

  test.each([{ cancelled_by: 'registrant' }, { cancelled_by: 'admin', can_reregister: false }])(
    'in an open needs_review case, %j is taken',
    (verdict) => {
      const state = fresh();
      state.openReview('the lookup never settled');
      state.enter('needs_review', 1, true);
      expect(state.resolutionProblem(verdict)).toBeNull();
    },
  );

  test('a case settles once: after its outcome, a verdict is stale even if needs_review stayed the state', () => {
    const state = fresh();
    state.openReview('the lookup never settled');
    state.enter('needs_review', 10, true);
    state.settlements.giveVerdict({ cancelled_by: 'admin' });
    expect(state.settlements.awaitsVerdict).toBe(true);
    expect(state.view.needs_review_reason).toBe('the lookup never settled');
    state.settle({ cancelled_by: 'admin', can_reregister: false, zoom_status: 'denied' });
    expect(state.settlements.awaitsVerdict).toBe(false);
    expect(state.resolutionProblem({ cancelled_by: 'registrant' })).toBe(
      'nothing to resolve: no open case awaits a verdict',
    );
  });

  test('opening a case forgets a verdict given to an earlier one', () => {
    const state = fresh();
    state.settlements.giveVerdict({ cancelled_by: 'admin' });
    state.openReview('the lookup never settled');
    expect(state.settlements.verdict).toBeNull();
  });
});

describe("the app's cancellation requests", () => {
  test('a repeated id is the same request; a malformed one is dropped', () => {
    const state = fresh();
    expect(state.requests.receive({ id: 'k1', by: 'registrant', reason: null })).toBe('queued');
    expect(state.requests.receive({ id: 'k1', by: 'admin', reason: null })).toBe('repeat');
    expect(state.requests.receive({ id: 'k2', by: 'nobody', reason: null })).toBe('malformed');
    expect(state.view.cancellations).toEqual([
      { id: 'k1', by: 'registrant', reason: null, status: 'pending', outcome: null, refusal: null },
    ]);
    expect(state.requests.next()).toEqual({ id: 'k1', by: 'registrant', reason: null });
    expect(state.hasWork).toBe(false);
  });

  test.each([
    ['registered', false, null],
    ['self_cancelled', false, 'the registrant has already cancelled'],
    ['admin_cancelled', false, 'an admin has already cancelled this registrant'],
    ['needs_review', true, 'a cancellation of this registrant awaits an operator (needs_review)'],
    ['approved', true, 'a cancellation of this registrant is being settled'],
  ] as const)('in state %s (settling: %s) a request is refused with %j', (current, settling, message) => {
    const state = fresh();
    state.enter(current, 1);
    if (settling) state.settlements.queue();
    const refusal = state.refusalNow();
    expect(refusal && refusal.message).toBe(message);
    if (refusal) expect(refusal).toMatchObject({ status: 409, code: 'already_cancelled' });
  });
});

describe('what operators list by (RegistrationState)', () => {
  test.each([
    [null, false, null],
    ['approved', false, 'approved'],
    ['approved', true, 'settling'],
    ['needs_review', true, 'needs_review'],
    ['admin_cancelled', false, 'admin_cancelled'],
  ] as const)('state %s, settling %s: listed as %s', (current, settling, listed) => {
    const state = fresh();
    if (current) state.enter(current, 1);
    if (settling) state.settlements.queue();
    expect(state.listedState).toBe(listed);
  });

  test.each([
    ['created', event('created', 1)],
    ['created pending', event('created', 1, { registrantStatus: 'pending' })],
    ['approved', event('approved', 1)],
    ['denied', event('denied', 1)],
    ['cancelled', event('cancelled', 1)],
  ])('a new run lists, after its first event (%s), what the gateway started it with', (_what, first) => {
    const state = fresh();
    const to = state.take(first);
    if (to) state.enter(to, first.eventTs);
    // As RegistrantRun.applyCancellation does: a cancellation that is no echo of ours is queued to be settled.
    if (first.kind === 'cancelled' && state.echoes.absorb(first) === 'settle') state.settlements.queue();
    expect(state.listedState).toBe(stateListedAfter(first));
  });

  test('once the outcome is decided it is listed, even while the app is still being told', () => {
    const state = fresh();
    state.enter('approved', 1);
    state.settlements.queue();
    state.settlements.queue();
    state.settlements.start();
    state.settle({ cancelled_by: 'admin', can_reregister: false, zoom_status: 'denied' });
    state.enter('admin_cancelled', 2);
    // The second cancellation, queued behind the first, is still undecided.
    expect(state.listedState).toBe('settling');
    state.settlements.end();
    state.settlements.start();
    // It ended without an outcome (say, a request refused as already cancelled).
    state.settlements.end();
    expect(state.listedState).toBe('admin_cancelled');
  });

  test('a run that only held refused requests holds nothing; one that knew the registrant, or still works, does', () => {
    const refusedOnly = fresh();
    expect(refusedOnly.heldOnlyRefusals).toBe(false);
    refusedOnly.requests.receive({ id: 'k1', by: 'registrant', reason: null });
    refusedOnly.requests.next();
    refusedOnly.settlements.queue();
    refusedOnly.settlements.start();
    expect(refusedOnly.heldOnlyRefusals).toBe(false);
    refusedOnly.requests.refuse('k1', { status: 404, code: 'registrant_not_found', message: 'gone', zoom_code: 3000 });
    refusedOnly.settlements.end();
    expect(refusedOnly.heldOnlyRefusals).toBe(true);
    // Another request arrives before the run ends: it is not over.
    refusedOnly.requests.receive({ id: 'k2', by: 'admin', reason: null });
    expect(refusedOnly.heldOnlyRefusals).toBe(false);

    const known = fresh();
    known.receive(event('created', 1));
    applyAll(known);
    known.requests.receive({ id: 'k1', by: 'registrant', reason: null });
    known.requests.next();
    known.requests.refuse('k1', { status: 404, code: 'registrant_not_found', message: 'gone', zoom_code: 3000 });
    expect(known.heldOnlyRefusals).toBe(false);
  });
});

describe('callbacks the app refused', () => {
  const outbound = {
    webhookId: 'zr_1_2_3_created',
    callback: {
      type: 'registrant.created' as const,
      timestamp: new Date(0).toISOString(),
      data: {
        webinar_id: W,
        occurrence_id: null,
        registrant: { id: R, email: 'a@example.com', first_name: 'A', last_name: '' },
        event_ts: 3,
      },
    },
  };

  test('wait for a re-drive, count each refusal, and end up delivered once', () => {
    const state = fresh();
    state.callbacks.refused(outbound, 'the app answered HTTP 500');
    expect(state.view.failed_callbacks).toEqual([
      { webhook_id: outbound.webhookId, type: 'registrant.created', error: 'the app answered HTTP 500' },
    ]);
    state.callbacks.redriven(outbound.webhookId);
    state.callbacks.refused(outbound, 'the app could not be reached: ECONNREFUSED');
    expect(state.callbacks.waitingForRedrive()).toEqual([
      { webhook_id: outbound.webhookId, type: 'registrant.created', error: expect.any(String), refusals: 2 },
    ]);
    expect(state.view.failed_callbacks).toHaveLength(1);
    const waiting = state.callbacks.waitingForRedrive();
    state.callbacks.redriven(outbound.webhookId);
    state.callbacks.delivered(outbound);
    expect(state.callbacks.answered(waiting)).toBe(true);
    expect(state.callbacks.report(waiting)).toEqual([
      { webhook_id: outbound.webhookId, type: 'registrant.created', delivered: true, error: null },
    ]);
    expect(state.view).toMatchObject({
      failed_callbacks: [],
      callbacks: [{ webhook_id: outbound.webhookId, type: 'registrant.created', event_ts: 3 }],
    });
  });

  test('an event older than a callback already delivered is told later than it, and recorded as not told', () => {
    const state = fresh();
    const later = {
      ...outbound,
      webhookId: 'later',
      callback: { ...outbound.callback, data: { ...outbound.callback.data, event_ts: 9 } },
    };
    expect(state.callbacks.toldLaterThan(3)).toBe(false);
    state.callbacks.delivered(later);
    expect([state.callbacks.toldLaterThan(3), state.callbacks.toldLaterThan(9)]).toEqual([true, false]);
    state.callbacks.recordNotTold(outbound);
    expect(state.view.not_told).toEqual([{ type: 'registrant.created', event_ts: 3 }]);
  });
});

describe("the sweep's inferred events", () => {
  const observed = (kind: RegistrationKind, eventTs: number, zoom: 'absent' | 'denied' | 'approved', held = null) =>
    event(kind, eventTs, {
      operator: null,
      operatorId: null,
      observed: { source: 'reconciliation', zoom, held, at: eventTs },
    });

  /** Takes the next event as the workflow does: passed over, or applied. */
  function next(state: RegistrantState): string {
    const e = state.events.next();
    if (!e) return 'nothing';
    const reason = state.passOver(e);
    if (reason) return `passed over: ${reason}`;
    const to = state.take(e);
    if (to) state.enter(to, e.eventTs);
    state.events.markApplied(e);
    return `applied ${e.kind}@${e.eventTs}`;
  }

  test('an inferred cancel, then the late webhook: one cancellation; the other way round, too', () => {
    const sweepFirst = fresh();
    sweepFirst.receive(event('created', 10));
    next(sweepFirst);
    sweepFirst.receive(observed('cancelled', 50, 'absent'));
    expect(next(sweepFirst)).toBe('applied cancelled@50');
    sweepFirst.receive(event('cancelled', 30));
    expect(next(sweepFirst)).toBe('passed over: the sweep applied it already');
    expect(sweepFirst.view.duplicates_ignored).toBe(1);

    const webhookFirst = fresh();
    webhookFirst.receive(event('created', 10));
    next(webhookFirst);
    webhookFirst.receive(event('cancelled', 30));
    next(webhookFirst);
    webhookFirst.enter('self_cancelled', 30, true);
    webhookFirst.receive(observed('cancelled', 50, 'absent'));
    expect(next(webhookFirst)).toBe('passed over: what we hold agrees with Zoom by now');
  });

  test("a run that knows nothing takes the sweep's word for what the closed run held", () => {
    const state = fresh();
    const cancel = event('cancelled', 50, {
      operator: null,
      operatorId: null,
      observed: { source: 'reconciliation', zoom: 'absent', held: 'approved', at: 50 },
    });
    expect(state.receive(cancel)).toBe('queued');
    expect(next(state)).toBe('applied cancelled@50');
    // Without what the closed run held, an inferred cancel of someone unknown agrees with Zoom: nothing to do.
    const unknown = fresh();
    unknown.receive(observed('cancelled', 50, 'absent'));
    expect(next(unknown)).toBe('passed over: what we hold agrees with Zoom by now');
  });

  test('an inferred event is passed over while a case is being settled', () => {
    const state = fresh();
    state.receive(event('created', 10));
    next(state);
    state.settlements.queue();
    state.receive(observed('cancelled', 50, 'absent'));
    expect(next(state)).toBe('passed over: what we hold agrees with Zoom by now');
  });

  test('a hand-made signal with a malformed observation is dropped', () => {
    const state = fresh();
    expect(state.receive({ ...event('created', 10), observed: { source: 'gossip', zoom: 'absent', held: null } })).toBe(
      'malformed',
    );
  });
});
