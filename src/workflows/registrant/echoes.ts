// A write of ours in Zoom (an API cancellation, or deleting a denied record) makes Zoom send a
// `registration_cancelled` webhook: an echo of our act, not a new cancellation. This tells the two apart.
import type { RegistrationEvent } from '../../domain/registration';
import type { RegistrantView } from './messages';

export interface OwnWrite {
  startedAt: number;
  inFlight: boolean;
}

/** What a `registration_cancelled` event is to us: a case to settle, or Zoom's echo of our own write. */
export type CancelKind = 'settle' | 'echo' | 'held';

export class OwnWrites {
  // Cancellations that arrived while our write was in flight: echoes if it succeeds, real ones if it fails.
  private held: RegistrationEvent[] = [];

  constructor(
    private readonly view: RegistrantView,
    private last: OwnWrite | null,
  ) {}

  carry(): OwnWrite | null {
    return this.last;
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
      this.view.echoes_absorbed += held.length;
      return [];
    }
    this.last = null;
    return held;
  }

  /** While our write is in flight we cannot tell yet; once it succeeded, the registrant's cancellation is ours. */
  classify(cancel: RegistrationEvent): CancelKind {
    if (!this.last) return 'settle';
    if (this.last.inFlight) {
      this.held.push(cancel);
      return 'held';
    }
    this.view.echoes_absorbed += 1;
    return 'echo';
  }

  /** The registrant came back after our write: a later cancellation is a new one, not its echo. */
  see(event: RegistrationEvent): void {
    const last = this.last;
    if (last && !last.inFlight && event.kind !== 'denied' && event.eventTs > last.startedAt) this.last = null;
  }

  /** A deny after our own cancel is Zoom confirming it: the settled, more precise state stays. */
  confirmedBy(event: RegistrationEvent): boolean {
    return (
      event.kind === 'denied' &&
      this.last !== null &&
      (this.view.state === 'admin_cancelled' || this.view.state === 'self_cancelled')
    );
  }
}
