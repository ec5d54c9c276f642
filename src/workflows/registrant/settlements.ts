// Where the registrant's cancellations stand while they are settled, one at a time (design.md 5): queued, then
// deciding, perhaps awaiting an operator's verdict, then telling the app. Pure: RegistrantRun moves it along.
import type { Resolution } from '../../domain/decision';

/** The phase of the settlement whose turn it is. */
export type SettlementPhase = 'deciding' | 'awaiting_verdict' | 'telling';

export class Settlements {
  private phase: SettlementPhase | null = null;
  /** Settlements waiting behind the current one. */
  private queued = 0;
  /** An operator's verdict on the case awaiting one, until the case takes it. */
  private verdictGiven: Resolution | null = null;

  queue(): void {
    this.queued += 1;
  }

  /** The settlement at the head of the queue takes its turn: its outcome is undecided. */
  start(): void {
    this.queued -= 1;
    this.phase = 'deciding';
  }

  /** Opens the case to an operator; a verdict from before does not count. */
  awaitVerdict(): void {
    this.verdictGiven = null;
    this.phase = 'awaiting_verdict';
  }

  giveVerdict(verdict: Resolution): void {
    this.verdictGiven = verdict;
  }

  /** Decided: what is left is telling the app. */
  decided(): void {
    this.phase = 'telling';
  }

  end(): void {
    this.phase = null;
  }

  get verdict(): Resolution | null {
    return this.verdictGiven;
  }

  get awaitsVerdict(): boolean {
    return this.phase === 'awaiting_verdict';
  }

  /** Any cancellation being settled or waiting for its turn. */
  get any(): boolean {
    return this.phase !== null || this.queued > 0;
  }

  /** Cancellations whose outcome is not decided yet: the one whose turn it is, and those behind it. */
  get undecided(): number {
    return this.queued + (this.phase === 'deciding' || this.phase === 'awaiting_verdict' ? 1 : 0);
  }
}
