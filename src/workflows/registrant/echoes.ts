// A write of ours in Zoom (an API cancellation, or deleting a denied record) makes Zoom send a
// `registration_cancelled` webhook: an echo of our act, not a new cancellation. This tells the two apart.
import type { RegistrationEvent } from '../../domain/registration';

export interface OwnWrite {
  startedAt: number;
  inFlight: boolean;
}

/** What a run hands on at continue-as-new. */
export interface CarriedEchoes {
  last: OwnWrite | null;
  absorbed: number;
}

/** What a `registration_cancelled` event is to us: a case to settle, or Zoom's echo of our own write. */
export type CancelKind = 'settle' | 'echo' | 'held';

export class Echoes {
  // Cancellations that arrived while our write was in flight: echoes if it succeeds, real ones if it fails.
  private held: RegistrationEvent[] = [];
  private last: OwnWrite | null;
  /** Cancellation webhooks recognised as echoes so far. */
  private absorbedCount: number;

  constructor(carried?: CarriedEchoes) {
    this.last = carried?.last ?? null;
    this.absorbedCount = carried?.absorbed ?? 0;
  }

  carry(): CarriedEchoes {
    return { last: this.last, absorbed: this.absorbedCount };
  }

  get absorbed(): number {
    return this.absorbedCount;
  }

  begin(now: number): void {
    this.last = { startedAt: now, inFlight: true };
  }

  /** Ends our write: the cancellations held meanwhile were its echoes, or, when it failed, cases to settle. */
  end(succeeded: boolean): RegistrationEvent[] {
    const held = this.held;
    this.held = [];
    if (succeeded && this.last) {
      this.last = { ...this.last, inFlight: false };
      this.absorbedCount += held.length;
      return [];
    }
    this.last = null;
    return held;
  }

  /**
   * Takes a cancellation in: absorbed as the echo of our write once it succeeded, held while it is in flight (we
   * cannot tell yet), or 'settle' when no write of ours stands.
   */
  absorb(cancel: RegistrationEvent): CancelKind {
    if (!this.last) return 'settle';
    if (this.last.inFlight) {
      this.held.push(cancel);
      return 'held';
    }
    this.absorbedCount += 1;
    return 'echo';
  }

  /** The registrant came back after our write: a later cancellation is a new one, not its echo. */
  see(event: RegistrationEvent): void {
    const last = this.last;
    if (last && !last.inFlight && event.kind !== 'denied' && event.eventTs > last.startedAt) this.last = null;
  }

  /** A deny after a write of ours that cancelled them is Zoom confirming it. */
  confirmsOurCancel(event: RegistrationEvent, cancelled: boolean): boolean {
    return event.kind === 'denied' && this.last !== null && cancelled;
  }
}
