// The app's cancellation requests (POST .../cancellations), as the workflow keeps them: each id (the
// Idempotency-Key) once, waiting for its turn, then settled or refused. The records are the API's answers.
import type { CancellationRecord, CancellationRequest, Refusal } from '../../domain/cancellation';
import { isCancellationRequest } from './guards';

/** What a run hands on at continue-as-new (it never continues while a request is pending). */
export interface CarriedRequests {
  records: CancellationRecord[];
  waiting: CancellationRequest[];
}

export class AppRequests {
  private readonly records: CancellationRecord[];
  /** Received and not yet taken up. */
  private readonly waiting: CancellationRequest[];

  constructor(carried?: CarriedRequests) {
    this.records = [...(carried?.records ?? [])];
    this.waiting = [...(carried?.waiting ?? [])];
  }

  carry(): CarriedRequests {
    return { records: this.view(), waiting: [...this.waiting] };
  }

  /** A copy for the query and the result: records change as their requests are settled. */
  view(): CancellationRecord[] {
    return this.records.map((record) => ({ ...record }));
  }

  /** A request arrives; its id makes a repeat the same request. */
  receive(request: unknown): 'queued' | 'repeat' | 'malformed' {
    if (!isCancellationRequest(request)) return 'malformed';
    if (this.find(request.id)) return 'repeat';
    this.records.push({ ...request, status: 'pending', outcome: null, refusal: null });
    this.waiting.push(request);
    return 'queued';
  }

  get pending(): boolean {
    return this.waiting.length > 0;
  }

  next(): CancellationRequest | undefined {
    return this.waiting.shift();
  }

  /** The API's answer about request `id`, as it stands now. */
  find(id: string): CancellationRecord | undefined {
    const record = this.records.find((c) => c.id === id);
    return record && { ...record };
  }

  /** Every request so far was refused (and there was at least one). */
  get allRefused(): boolean {
    return this.records.length > 0 && this.records.every((c) => c.status === 'refused');
  }

  refuse(id: string, refusal: Refusal): void {
    this.update(id, { status: 'refused', refusal });
  }

  settle(id: string, outcome: CancellationRecord['outcome']): void {
    this.update(id, { status: 'settled', outcome });
  }

  private update(id: string, change: Partial<CancellationRecord>): void {
    const at = this.records.findIndex((c) => c.id === id);
    if (at >= 0) this.records[at] = { ...this.records[at]!, ...change };
  }
}
