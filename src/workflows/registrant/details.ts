// What operators read about a registrant workflow in the Temporal Web UI: the static details set when it starts,
// and the current details that say what it waits for now. Workflow code imports this, so it stays free of I/O.
import humanizeDuration from 'humanize-duration';
import type { CancellationOutcome } from '../../domain/callbacks';
import type { Evidence } from '../../domain/evidence';
import type { CancelledBy, RegistrationState } from '../../domain/registration';
import { zoomEventKey, type ZoomEvent } from '../../domain/zoom-event';
import type { EmailRecord } from './notices';

/** "1 day", "1 minute, 30 seconds": how the Web UI's current details give a window. */
export function describeDuration(ms: number): string {
  return humanizeDuration(ms, { largest: 2, round: true });
}

/** The operators' command line, as they would paste it. */
const ops = (...words: string[]) => `\`npm run ops -- ${words.join(' ')}\``;

/** The Web UI's "Details" of a registrant workflow (Markdown): what it is for and how to act on it. */
export function registrantStaticDetails(zoomEvent: ZoomEvent, registrantId: string): string {
  const [kind, id] = [zoomEvent.kind, zoomEventKey(zoomEvent)];
  return [
    `Keeps the app in sync with Zoom registrant **${registrantId}** of ${kind} **${zoomEvent.id}**, and settles who`,
    `cancelled them (the registrant or an admin) before telling the app exactly once.`,
    '',
    '- **Current details** say what it waits for now; the `state` query gives the state, evidence and callbacks.',
    '- `RegistrationState`: `settling` while a cancellation is settled, `needs_review` when an operator must decide.',
    `- Needs review: ${ops('resolve', id, registrantId, 'admin')} (or \`registrant\`), or the`,
    '  `resolve` update with `{"cancelled_by": "admin"}`.',
    `- A callback the app refused: fix the app, then ${ops('redrive', id, registrantId)}.`,
    "- Stays open for `DEDUP_WINDOW` after its last event to absorb Zoom's redeliveries, then completes.",
  ].join('\n');
}

const WHO: Record<CancelledBy, string> = { registrant: 'the registrant', admin: 'an admin' };
const LOOKUP: Record<NonNullable<Evidence['lookup']>, string> = {
  not_found: 'Zoom no longer has the registrant',
  all: 'Zoom no longer has the registrant for any occurrence',
  denied: 'Zoom shows them denied',
  approved: 'Zoom still showed them approved',
  pending: 'Zoom still showed them pending',
  webinar_not_found: 'Zoom does not know the webinar',
  meeting_not_found: 'Zoom does not know the meeting',
  failed: 'Zoom refused the lookup',
};

/**
 * A settled cancellation as an operator asks of it: who cancelled, what that leaves the person free to do, and what
 * it was settled on (the same evidence the app was told).
 */
export function describeSettled(outcome: CancellationOutcome, evidence: Evidence | null): string {
  const free = outcome.can_reregister ? 'they may register again' : 'they may not register again with the same email';
  const facts: string[] = [];
  if (evidence?.api_request) {
    const { cancellation_id, zoom_call } = evidence.api_request;
    facts.push(`the app's request ${cancellation_id}, which we carried out in Zoom (${zoom_call})`);
  } else if (evidence?.source === 'reconciliation') {
    facts.push("the reconciliation sweep's reading of Zoom's listings (Zoom never delivered the webhook)");
  } else if (evidence) {
    facts.push(`the webhook, whose operator points at ${WHO[evidence.operator]}`);
  }
  if (evidence?.lookup) facts.push(`the lookup: ${LOOKUP[evidence.lookup]}`);
  // A denial waits FOLLOW_UP_WINDOW for an approval that would reinstate them: that none came is evidence too.
  const followUps = evidence?.follow_ups ?? [];
  if (evidence?.lookup === 'denied' && followUps.length === 0) facts.push('no approval within FOLLOW_UP_WINDOW');
  for (const f of followUps) facts.push(`a follow-up ${f.event} event`);
  if (evidence?.resolved_by_operator) facts.push("an operator's verdict");
  if (evidence?.reregistration_restored)
    facts.push('the denied record Zoom left was deleted so they can register again');
  const settledOn = facts.length > 0 ? ` Settled on ${facts.join('; ')}.` : '';
  return `Cancelled by ${WHO[outcome.cancelled_by]}: ${free}.${settledOn}`;
}

const theCancellationOf = (eventTs: number) =>
  `the cancellation of ${new Date(eventTs).toISOString()} (event_ts ${eventTs})`;

/** The Web UI's "current details" of a registrant workflow, one per thing it can be waiting for. */
export const currentDetails = {
  idle: (
    registrant: { state: RegistrationState | null; outcome: CancellationOutcome | null; evidence: Evidence | null },
    dedupWindowMs: number,
    failedEmails: EmailRecord[] = [],
  ) =>
    [
      `State: ${registrant.state ?? 'none yet'}.${registrant.outcome ? ` ${describeSettled(registrant.outcome, registrant.evidence)}` : ''}`,
      `Nothing is being settled: waiting for Zoom's next event or the app's next request; completes after ${describeDuration(dedupWindowMs)} without one (DEDUP_WINDOW, which absorbs Zoom's redeliveries).`,
      ...failedEmails.map((e) => `The ${e.kind} email did not reach the registrant: ${e.error ?? 'unknown'}.`),
    ].join('\n\n'),
  lookingUp: (cancelTs: number, lookupTimeoutMs: number) =>
    `Settling ${theCancellationOf(cancelTs)}: looking the registrant up in Zoom until it has settled them, retried with backoff for up to ${describeDuration(lookupTimeoutMs)} (LOOKUP_TIMEOUT).`,
  awaitingFollowUps: (cancelTs: number, lookup: string | null, windowMs: number, until: number) =>
    `Settling ${theCancellationOf(cancelTs)}: Zoom says ${lookup}; waiting ${describeDuration(windowMs)} (FOLLOW_UP_WINDOW, until ${new Date(until).toISOString()}) for a follow-up event: an approval would reinstate them.`,
  needsReview: (reason: string, zoomEvent: ZoomEvent, registrantId: string) =>
    `Needs review: ${reason}. Waiting for an operator's verdict: ${ops('resolve', zoomEventKey(zoomEvent), registrantId, 'admin')} (or \`registrant\`), or the \`resolve\` update with \`{"cancelled_by": "admin"}\`.`,
  restoringReregistration: () =>
    'Self-cancelled but denied by Zoom: deleting the denied record so the person can register again.',
  cancellingOnBehalf: (requestId: string, by: CancelledBy) =>
    `Cancelling in Zoom on the app's request ${requestId} (by ${by}): ${by === 'registrant' ? 'DELETE' : 'PUT status cancel'}.`,
  callbackRefused: (type: string, webhookId: string, error: string, zoomEvent: ZoomEvent, registrantId: string) =>
    `The app did not accept ${type} (${webhookId}) within CALLBACK_RETRY_WINDOW: ${error}. Waiting for a re-drive: fix the app, then ${ops('redrive', zoomEventKey(zoomEvent), registrantId)}.`,
};
