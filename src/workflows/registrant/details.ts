// What operators read about a registrant workflow in the Temporal Web UI: the static details set when it starts,
// and the current details that say what it waits for now. Workflow code imports this, so it stays free of I/O.
import humanizeDuration from 'humanize-duration';
import type { CancelledBy } from '../../domain/registration';
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

const theCancellationOf = (eventTs: number) =>
  `the cancellation of ${new Date(eventTs).toISOString()} (event_ts ${eventTs})`;

/** The Web UI's "current details" of a registrant workflow, one per thing it can be waiting for. */
export const currentDetails = {
  idle: (state: string | null, dedupWindowMs: number, failedEmails: EmailRecord[] = []) =>
    [
      `State: ${state ?? 'none yet'}. Nothing is being settled: waiting for Zoom's next event or the app's next request; completes after ${describeDuration(dedupWindowMs)} without one (DEDUP_WINDOW, which absorbs Zoom's redeliveries).`,
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
