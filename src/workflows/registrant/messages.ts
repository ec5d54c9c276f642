// How the outside world talks to a registrant workflow (design.md 4.5), defined once and shared with the gateway,
// the worker and the operators' CLI. Events and the app's requests are signals, so they are durable even while no
// worker runs; where a caller waits for an answer it is an update, whose validator refuses with the reason.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AppCallbackType, CancellationOutcome } from '../../domain/callbacks';
import type { CancellationRecord, CancellationRequest } from '../../domain/cancellation';
import type { Resolution } from '../../domain/decision';
import type { Evidence } from '../../domain/evidence';
import type { CancelledBy, Registrant, RegistrationEvent, RegistrationState } from '../../domain/registration';
import type { ZoomEvent, ZoomEventIdField } from '../../domain/zoom-event';
import type { CarriedState } from './facts';
import type { AlertRecord, EmailRecord } from './notices';

export type { Resolution };

export interface RegistrantWorkflowInput {
  zoomEvent: ZoomEvent;
  registrantId: string;
  /** What the previous run handed over at continue-as-new. */
  carried?: CarriedState;
}

/** What the `state` query and the workflow's result answer: where the registrant stands, and why. */
export type RegistrantView = ZoomEventIdField & {
  registrant_id: string;
  occurrence_id: string | null;
  registrant: Registrant | null;
  state: RegistrationState | null;
  cancelled_by: CancelledBy | null;
  /** A cancellation is being settled (lookup or follow-up window running, or waiting for an operator). */
  settling: boolean;
  evidence: Evidence | null;
  needs_review_reason: string | null;
  last_event_ts: number | null;
  duplicates_ignored: number;
  callbacks: Array<{ webhook_id: string; type: AppCallbackType; event_ts: number }>;
  /** Events not told because the app already had a callback about a later one (Zoom delivered them late). */
  not_told: Array<{ type: AppCallbackType; event_ts: number }>;
  /** The last settled cancellation as the app was told it; null when none, or after a reinstatement. */
  outcome: CancellationOutcome | null;
  /** Cancellations the app asked for through the API, by Idempotency-Key. */
  cancellations: CancellationRecord[];
  /** `*.registration_cancelled` webhooks recognised as Zoom's echo of our own DELETE or PUT cancel. */
  echoes_absorbed: number;
  /** Callbacks the app did not accept within CALLBACK_RETRY_WINDOW: they wait for the `redriveCallbacks` update. */
  failed_callbacks: Array<{ webhook_id: string; type: AppCallbackType; error: string }>;
  /** The emails to the registrant (NOTIFY_EMAILS): on their way, sent, or failed and why. */
  emails: EmailRecord[];
  /** The alerts posted to operators (OPS_ALERT_WEBHOOK_URL). */
  alerts: AlertRecord[];
};

/** The answer to `resolve`: where the verdict left the registrant. */
export interface ResolveResult {
  state: RegistrationState | null;
  outcome: CancellationOutcome | null;
}

/** The answer to `redriveCallbacks`: each re-driven callback, delivered or refused again. */
export type RedriveResult = Array<{
  webhook_id: string;
  type: AppCallbackType;
  delivered: boolean;
  error: string | null;
}>;

export const registrationEventSignal = defineSignal<[RegistrationEvent]>('registrationEvent');
export const requestCancellationSignal = defineSignal<[CancellationRequest]>('requestCancellation');
export const stateQuery = defineQuery<RegistrantView>('state');
/** Settles a `needs_review` case; refused when there is nothing to resolve or the verdict is not registrant/admin. */
export const resolveUpdate = defineUpdate<ResolveResult, [Resolution]>('resolve');
/** Sends again what the app did not accept; refused when nothing waits. */
export const redriveCallbacksUpdate = defineUpdate<RedriveResult, []>('redriveCallbacks');
/** Waits until the app's cancellation request (by its id) is settled or refused: the API's answer, pushed. */
export const cancellationOutcomeUpdate = defineUpdate<CancellationRecord, [string]>('cancellationOutcome');

/** What the Web UI shows beside each signal, query and update of a registrant workflow. */
export const HANDLER_DESCRIPTIONS = {
  registrationEvent: 'A Zoom registration webhook, as the gateway received it: applied once, in event_ts order.',
  requestCancellation:
    "The app's cancellation request (POST .../cancellations): cancels in Zoom on the registrant's or an admin's behalf.",
  state: "The registrant's state, the evidence of the last cancellation, the callbacks sent and the API's requests.",
  resolve:
    'Settles a needs_review case: {"cancelled_by": "registrant" | "admin", "can_reregister"?: boolean}. Refused, with the reason, when no case awaits a verdict.',
  redriveCallbacks:
    'Sends again the callbacks the app did not accept within CALLBACK_RETRY_WINDOW; answers which were delivered.',
  cancellationOutcome:
    "Waits until the app's cancellation request (by its id) is settled or refused: what the API answers.",
} as const;
