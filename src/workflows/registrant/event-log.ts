// Zoom's events for one registrant as the workflow keeps them: waiting in an inbox, taken in event_ts order whatever
// order they arrived in, each once (Zoom redelivers), then recorded as applied. Pure: RegistrantState holds one.
import { redundancy, type AppliedEvent } from '../../domain/reconciliation';
import type { ListedState, RegistrationEvent, RegistrationKind } from '../../domain/registration';

/** What a run hands on at continue-as-new. */
export interface CarriedEvents {
  applied: AppliedEvent[];
  inbox: RegistrationEvent[];
  duplicatesIgnored: number;
}

const dedupKey = (kind: RegistrationKind, eventTs: number) => `${kind}:${eventTs}`;

export class EventLog {
  private readonly applied: AppliedEvent[];
  private readonly inbox: RegistrationEvent[];
  private readonly seen: Set<string>;
  private duplicates: number;

  constructor(carried?: CarriedEvents) {
    this.applied = [...(carried?.applied ?? [])];
    this.inbox = [...(carried?.inbox ?? [])];
    this.duplicates = carried?.duplicatesIgnored ?? 0;
    this.seen = new Set([...this.applied, ...this.inbox].map((e) => dedupKey(e.kind, e.eventTs)));
  }

  carry(): CarriedEvents {
    return { applied: [...this.applied], inbox: [...this.inbox], duplicatesIgnored: this.duplicates };
  }

  /** Redeliveries, and events passed over as adding nothing. */
  get duplicatesIgnored(): number {
    return this.duplicates;
  }

  /** Queued once per event name and event_ts; a redelivery is counted and dropped. */
  receive(event: RegistrationEvent): 'queued' | 'duplicate' {
    const key = dedupKey(event.kind, event.eventTs);
    if (this.seen.has(key)) {
      this.duplicates += 1;
      return 'duplicate';
    }
    this.seen.add(key);
    this.inbox.push(event);
    return 'queued';
  }

  get waiting(): boolean {
    return this.inbox.length > 0;
  }

  /** The earliest event by event_ts among those waiting. */
  next(): RegistrationEvent | undefined {
    this.inbox.sort((a, b) => a.eventTs - b.eventTs);
    return this.inbox.shift();
  }

  /** Why the event adds nothing to what was applied, given what we hold (see `redundancy`), or null to apply it. */
  passOver(event: RegistrationEvent, held: ListedState | null): string | null {
    const reason = redundancy(event, this.applied, held);
    if (reason) this.duplicates += 1;
    return reason;
  }

  /** Recorded once its callback went out, so that a reinstatement is always told after the approval. */
  markApplied(event: RegistrationEvent): void {
    const { kind, eventTs, observed } = event;
    this.applied.push({ kind, eventTs, ...(observed ? { observedAt: observed.at } : {}) });
  }

  /** Counts applied events: a settlement waits for it to change. */
  get appliedCount(): number {
    return this.applied.length;
  }

  get latestAppliedTs(): number {
    return Math.max(...this.applied.map((e) => e.eventTs));
  }

  /** Applied events later than the cancel, by event_ts: what can still change its outcome. */
  followUpsOf(cancel: RegistrationEvent): Array<{ event: 'created' | 'approved' | 'denied'; event_ts: number }> {
    return this.applied
      .filter((e) => e.kind !== 'cancelled' && e.eventTs > cancel.eventTs)
      .map((e) => ({ event: e.kind as Exclude<RegistrationKind, 'cancelled'>, event_ts: e.eventTs }));
  }
}
