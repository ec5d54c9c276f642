// Zoom events for one registrant, and the registrant state machine driven as the workflow drives it: for the tests
// of the state machine without Temporal.
import type { RegistrationEvent, RegistrationKind } from '../../src/domain/registration';
import { zoomWebinar } from '../../src/domain/zoom-event';
import { RegistrantState } from '../../src/workflows/registrant/state';

export const W = '81234567890';
export const R = 'reg1';

export function event(
  kind: RegistrationKind,
  eventTs: number,
  extra: Partial<RegistrationEvent> = {},
): RegistrationEvent {
  return {
    kind,
    eventTs,
    zoomEvent: zoomWebinar(W),
    occurrenceId: null,
    registrant: { id: R, email: 'ada@example.com', first_name: 'Ada', last_name: 'L' },
    registrantStatus: kind === 'created' ? 'approved' : null,
    operator: kind === 'created' ? null : 'host@example.com',
    operatorId: kind === 'created' ? null : 'host-id',
    ...extra,
  };
}

export const fresh = () => RegistrantState.start({ zoomEvent: zoomWebinar(W), registrantId: R });

/** Applies every waiting event as the workflow does: earliest event_ts first, state moved, then marked applied. */
export function applyAll(state: RegistrantState): string[] {
  const applied: string[] = [];
  for (let next = state.events.next(); next; next = state.events.next()) {
    const to = state.take(next);
    if (to) state.enter(to, next.eventTs);
    state.events.markApplied(next);
    applied.push(`${next.kind}@${next.eventTs}`);
  }
  return applied;
}
