// What a registrant's run knows, as it hands it to the next run at continue-as-new: the facts beside the ledgers'
// own state. Plain values only: workflow code.
import type { CancellationOutcome } from '../../domain/callbacks';
import type { Evidence } from '../../domain/evidence';
import type { Registrant, RegistrationState } from '../../domain/registration';
import type { ZoomEvent } from '../../domain/zoom-event';
import type { CarriedRequests } from './app-requests';
import type { CarriedCallbacks } from './callbacks';
import type { CarriedEchoes } from './echoes';
import type { CarriedEvents } from './event-log';
import type { CarriedNotices } from './notices';

/** What is known of the registrant, apart from what the ledgers keep. */
export interface RegistrantFacts {
  /** Its kind as the latest event says: a meeting converted to a webinar keeps its id and its registrants. */
  zoomEvent: ZoomEvent;
  registrant: Registrant | null;
  occurrenceId: string | null;
  lastEventTs: number | null;
  state: RegistrationState | null;
  /** event_ts of whatever set `state`: an older event never overwrites a newer one. */
  stateTs: number;
  /** The evidence of the last case opened; replaced on every change, never changed in place. */
  evidence: Evidence | null;
  needsReviewReason: string | null;
  outcome: CancellationOutcome | null;
}

/** What a run hands to the next one at continue-as-new. */
export interface CarriedState {
  facts: RegistrantFacts;
  events: CarriedEvents;
  callbacks: CarriedCallbacks;
  requests: CarriedRequests;
  echoes: CarriedEchoes;
  notices: CarriedNotices;
}

/** A run's facts before any event: only the webinar or meeting it was started for. */
export function noFactsYet(zoomEvent: ZoomEvent): RegistrantFacts {
  return {
    zoomEvent,
    registrant: null,
    occurrenceId: null,
    lastEventTs: null,
    state: null,
    stateTs: 0,
    evidence: null,
    needsReviewReason: null,
    outcome: null,
  };
}
