// What operators read about a registrant workflow in the Temporal Web UI: the static details set when it starts, and
// the durations its current details give. Workflow code imports this, so it stays free of I/O.
import humanizeDuration from 'humanize-duration';

/** "1 day", "1 minute, 30 seconds": how the Web UI's current details give a window. */
export function describeDuration(ms: number): string {
  return humanizeDuration(ms, { largest: 2, round: true });
}

/** The Web UI's "Details" of a registrant workflow (Markdown): what it is for and how to act on it. */
export function registrantStaticDetails(webinarId: string, registrantId: string): string {
  return [
    `Keeps the app in sync with Zoom registrant **${registrantId}** of webinar **${webinarId}**, and settles who`,
    `cancelled them (the registrant or an admin) before telling the app exactly once.`,
    '',
    '- **Current details** say what it waits for now; the `state` query gives the state, evidence and callbacks.',
    '- `RegistrationState`: `settling` while a cancellation is settled, `needs_review` when an operator must decide.',
    `- Needs review: \`npm run ops -- resolve ${webinarId} ${registrantId} admin\` (or \`registrant\`), or the`,
    '  `resolve` update with `{"cancelled_by": "admin"}`.',
    `- A callback the app refused: fix the app, then \`npm run ops -- redrive ${webinarId} ${registrantId}\`.`,
    "- Stays open for `DEDUP_WINDOW` after its last event to absorb Zoom's redeliveries, then completes.",
  ].join('\n');
}
