// The callbacks of design.md 4.4, built in one place. The webhook-id depends only on the registrant, the event
// and the callback type, so a retried or re-driven callback carries the same id and the app can de-duplicate.
import type { AppCallback, AppCallbackType, Outbound } from '../../app/callback';
import type { Evidence } from '../../domain/evidence';
import type { Registrant } from '../../domain/registration';
import type { CancellationOutcome } from './messages';

/** What a callback is about: the event (or our own act) that produced it. */
export interface CallbackSubject {
  webinarId: string;
  registrantId: string;
  eventTs: number;
  occurrenceId: string | null;
  registrant: Registrant;
}

type Extra =
  | { type: 'registrant.cancelled'; outcome: CancellationOutcome; evidence: Evidence }
  | { type: 'registrant.needs_review'; evidence: Evidence }
  | { type: Exclude<AppCallbackType, 'registrant.cancelled' | 'registrant.needs_review'> };

export function callbackAbout(subject: CallbackSubject, about: Extra): Outbound {
  const { webinarId, registrantId, eventTs, occurrenceId, registrant } = subject;
  const data = { webinar_id: webinarId, occurrence_id: occurrenceId, registrant, event_ts: eventTs };
  // The callback carries the evidence as it was when the outcome was sent.
  const extra =
    about.type === 'registrant.cancelled'
      ? { ...about.outcome, evidence: snapshot(about.evidence) }
      : about.type === 'registrant.needs_review'
        ? { evidence: snapshot(about.evidence) }
        : {};
  return {
    webhookId: `zr_${webinarId}_${registrantId}_${eventTs}_${about.type.slice('registrant.'.length)}`,
    callback: { type: about.type, timestamp: new Date().toISOString(), data: { ...data, ...extra } } as AppCallback,
  };
}

function snapshot(evidence: Evidence): Evidence {
  return { ...evidence, follow_ups: [...evidence.follow_ups] };
}
