// Signals and queries of the registrant workflow (design.md 4.5), shared with the gateway and operators' tools.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AppCallbackType, CancelledBy, Evidence } from '../app-callback';
import type { CancellationRecord, CancellationRequest } from '../cancellation';
import type { RegistrationState } from '../shared';
import type { AppRegistrant, RegistrationEvent } from '../zoom/webhook';

/** An operator's verdict on a `needs_review` case. */
export interface Resolution {
  cancelled_by: CancelledBy;
  /** Defaults to what Zoom's record implies: true unless the lookup found the registrant denied. */
  can_reregister?: boolean;
}

/** What the `state` query answers: the registrant's current state and the evidence of its last cancellation. */
export interface RegistrantView {
  webinar_id: string;
  registrant_id: string;
  occurrence_id: string | null;
  registrant: AppRegistrant | null;
  state: RegistrationState | null;
  cancelled_by: CancelledBy | null;
  /** A cancellation is being settled (lookup or follow-up window running, or waiting for an operator). */
  settling: boolean;
  evidence: Evidence | null;
  needs_review_reason: string | null;
  last_event_ts: number | null;
  duplicates_ignored: number;
  callbacks: Array<{ webhook_id: string; type: AppCallbackType; event_ts: number }>;
  /** The last settled cancellation as the app was told it; null when none, or after a reinstatement. */
  outcome: { cancelled_by: CancelledBy; can_reregister: boolean; zoom_status: 'removed' | 'denied' } | null;
  /** Cancellations the app asked for through the API, by Idempotency-Key. */
  cancellations: CancellationRecord[];
  /** `webinar.registration_cancelled` webhooks recognised as Zoom's echo of our own DELETE or PUT cancel. */
  echoes_absorbed: number;
  /** Callbacks the app did not accept within CALLBACK_RETRY_WINDOW: they wait for the `redriveCallbacks` signal. */
  failed_callbacks: Array<{ webhook_id: string; type: AppCallbackType; error: string }>;
}

export const registrationEventSignal = defineSignal<[RegistrationEvent]>('registrationEvent');
export const resolveSignal = defineSignal<[Resolution]>('resolve');
export const requestCancellationSignal = defineSignal<[CancellationRequest]>('requestCancellation');
export const redriveCallbacksSignal = defineSignal('redriveCallbacks');
export const stateQuery = defineQuery<RegistrantView>('state');
