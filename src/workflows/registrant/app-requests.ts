// The app's cancellation requests (POST .../cancellations), as the workflow keeps them: each id (the
// Idempotency-Key) once, waiting for its turn, then settled or refused. The records are the API's answers.
import type { CancellationRecord, CancellationRequest, Refusal } from '../../domain/cancellation';
import { isCancellationRequest } from './guards';
import type { RegistrantView } from './messages';

export class AppRequests {
  constructor(
    private readonly view: RegistrantView,
    /** Received and not yet taken up. */
    private readonly waiting: CancellationRequest[],
  ) {}

  /** What a run hands to the next one at continue-as-new. */
  carry(): CancellationRequest[] {
    return this.waiting;
  }

  /** A request arrives; its id makes a repeat the same request. */
  receive(request: unknown): 'queued' | 'repeat' | 'malformed' {
    if (!isCancellationRequest(request)) return 'malformed';
    if (this.find(request.id)) return 'repeat';
    this.view.cancellations.push({ ...request, status: 'pending', outcome: null, refusal: null });
    this.waiting.push(request);
    return 'queued';
  }

  get pending(): boolean {
    return this.waiting.length > 0;
  }

  next(): CancellationRequest | undefined {
    return this.waiting.shift();
  }

  find(id: string): CancellationRecord | undefined {
    return this.view.cancellations.find((c) => c.id === id);
  }

  /** Every request so far was refused (and there was at least one). */
  get allRefused(): boolean {
    return this.view.cancellations.length > 0 && this.view.cancellations.every((c) => c.status === 'refused');
  }

  refuse(id: string, refusal: Refusal): void {
    const record = this.find(id);
    if (record) Object.assign(record, { status: 'refused', refusal });
  }

  settle(id: string, outcome: CancellationRecord['outcome']): void {
    const record = this.find(id);
    if (record) Object.assign(record, { status: 'settled', outcome });
  }
}
