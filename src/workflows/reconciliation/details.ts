// What operators read about a sweep in the Temporal Web UI's current details: where it is, and what it found so far
// per webinar. Workflow code imports this, so it stays free of I/O.
import type { SweepReport, ZoomEventFindings } from './messages';
import type { ZoomEventSweep } from './sweep';
import { describeZoomEvent, zoomEventOfIdField } from '../../domain/zoom-event';
import { LISTED_STATUSES } from './sweep';

const COLUMNS = [
  ['listed', 'listed', 'listed'],
  ['agreeing', 'agreeing', 'agreeing'],
  ['open_case', 'open case', 'open cases'],
  ['missed_cancellation', 'missed cancellation', 'missed cancellations'],
  ['missed_denial', 'missed denial', 'missed denials'],
  ['missed_approval', 'missed approval', 'missed approvals'],
  ['missed_registration', 'missed registration', 'missed registrations'],
  ['untracked', 'untracked', 'untracked'],
  ['ended', 'unlisted after the end', 'unlisted after the end'],
  ['zoom_calls', 'Zoom call', 'Zoom calls'],
] as const;

const FINDINGS = COLUMNS.filter(([key]) => key !== 'listed' && key !== 'zoom_calls');
const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Sweeping webinar 812…: its denied listing (webinar 2 of this sweep)." and a table of the findings so far. */
export function describeSweep(report: SweepReport, current: ZoomEventSweep | null): string {
  const where = current
    ? `${whereIn(current)} (${current.zoomEvent.kind} ${report.webinars.length} of this sweep).`
    : 'Swept.';
  const rows = report.webinars.map(
    (w) =>
      `| ${describeZoomEvent(zoomEventOfIdField(w))} | ${COLUMNS.map(([key]) => w[key]).join(' | ')} | ${w.errors.join('; ').replace(/\|/g, '/') || '-'} |`,
  );
  return [
    where,
    '',
    `| Zoom event | ${COLUMNS.map(([, , title]) => title).join(' | ')} | errors |`,
    `|${' --- |'.repeat(COLUMNS.length + 2)}`,
    ...rows,
    '',
    "Missed events go to each registrant's workflow with evidence `source: reconciliation`. Run one now with " +
      '`npm run ops -- reconcile <webinarId>`; pause the schedule with `npm run ops -- schedule pause`.',
  ].join('\n');
}

function whereIn(target: ZoomEventSweep): string {
  const name = `${target.zoomEvent.kind} **${target.zoomEvent.id}**`;
  if (target.phase === 'held') return `Sweeping ${name}: looking for registrants no listing showed`;
  if (target.phase === 'done' || !target.known) return `Sweeping ${name}`;
  const status = LISTED_STATUSES[target.listing % LISTED_STATUSES.length];
  const occurrence = target.known.schedule.listings[Math.floor(target.listing / LISTED_STATUSES.length)];
  return `Sweeping ${name}: its ${status} listing${occurrence ? ` of occurrence ${occurrence}` : ''}`;
}

/**
 * One line per webinar, for a terminal: "webinar 812…: 7 registrants, 6 listed by Zoom and 1 in none of its listings;
 * 5 agreeing, 1 open case, 1 missed cancellation (8 Zoom calls)". The findings count each registrant once, those Zoom
 * listed and those we hold as registered whom no listing showed: the line says how many of each, so that it adds up.
 */
export function summariseFindings(report: SweepReport): string[] {
  return report.webinars.map((w) => {
    const found = FINDINGS.filter(([key]) => w[key] > 0).map(([key, one, many]) => counted(w[key], one, many));
    const errors = w.errors.length > 0 ? `; not swept to the end: ${w.errors.join('; ')}` : '';
    const calls = counted(w.zoom_calls, 'Zoom call', 'Zoom calls');
    return `${describeZoomEvent(zoomEventOfIdField(w))}: ${whoWasCounted(w)}; ${found.join(', ') || 'nothing found'} (${calls})${errors}`;
  });
}

function whoWasCounted(w: ZoomEventFindings): string {
  const total = FINDINGS.reduce((n, [key]) => n + w[key], 0);
  if (total === 0) return 'no registrants';
  const registrants = counted(total, 'registrant', 'registrants');
  const unlisted = total - w.listed;
  if (unlisted === 0) return `${registrants}, ${total === 1 ? '' : 'all '}listed by Zoom`;
  if (w.listed === 0)
    return `${registrants}, ${total === 1 ? "in none of Zoom's listings" : "none in Zoom's listings"}`;
  return `${registrants}, ${w.listed} listed by Zoom and ${unlisted} in none of its listings`;
}
