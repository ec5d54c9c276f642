// What the parts of the registrant workflow share: its state, its settings and activities, and the two effects
// every part needs (moving to a state, telling the app).
import type { Outbound } from '../../domain/callbacks';
import type { Registrant, RegistrationEvent, RegistrationState } from '../../domain/registration';
import type { RegistrantActivities } from './proxies';
import type { CallbackSubject } from './callbacks';
import type { WorkflowSettings } from '../topology';
import type { RegistrantState } from './state';

export interface RegistrantContext {
  readonly registrant: RegistrantState;
  readonly settings: WorkflowSettings;
  readonly activities: RegistrantActivities;
  /** Moves to a state (see RegistrantState.enter) and shows it in the search attributes. */
  enter(state: RegistrationState, eventTs: number, force?: boolean): void;
  /** Delivers a callback; one the app did not take within CALLBACK_RETRY_WINDOW waits for a re-drive. */
  tell(outbound: Outbound): Promise<void>;
  /** Queues a Zoom cancellation to be settled after the ones before it. */
  settleInTurn(cancel: RegistrationEvent): void;
  /** A callback about the event (or our own act) at `eventTs`. */
  subject(eventTs: number, occurrenceId: string | null, fallback?: Registrant): CallbackSubject;
}
