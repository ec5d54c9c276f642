// The activities that tell people besides the app: the registrant's email about a settled outcome, and the
// operators' alert about a case that needs them. The workflow builds each notice; these read what the message says
// (the webinar's or meeting's topic and start, the person's join link), render it and send it.
import { Context, heartbeat, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AlertNotice, EmailNotice } from '../domain/notices';
import { describeZoomEvent, zoomEventKey, type ZoomEvent } from '../domain/zoom-event';
import type { EmailVariables } from '../notifications/email-templates';
import type { RegistrantMailer } from '../notifications/mailer';
import type { OperatorAlerts } from '../notifications/operator-alerts';
import type { ZoomClient, ZoomEventLookup } from '../zoom/client';
import { countNotice } from './metrics';
import { withZoomRefusals } from './zoom-failure';

/** Where a registrant may register again when Zoom names no registration_url (NOTIFY_REGISTRATION_URLS). */
export interface RegistrationLinks {
  /** By zoomEventKey. */
  byEvent: ReadonlyMap<string, string>;
  /** With `{kind}` and `{id}` in it: https://example.com/events/{kind}/{id}/register. */
  pattern: string | null;
}

export interface NotifyDeps {
  zoom: ZoomClient;
  /** Null without SMTP_URL: the workflow then queues no email (WorkflowSettings.notify). */
  mailer: RegistrantMailer | null;
  alerts: OperatorAlerts | null;
  replyTo: string | null;
  links: RegistrationLinks;
}

/**
 * Heartbeats while `work` runs: a worker that dies mid-send is noticed by its silence within the heartbeat timeout,
 * and the email is tried again by another, instead of after the whole start-to-close timeout.
 */
async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  const beat = setInterval(() => heartbeat(), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

export function emailRegistrant(deps: NotifyDeps, notice: EmailNotice): Promise<void> {
  return heartbeating(() => sendEmail(deps, notice));
}

async function sendEmail(deps: NotifyDeps, notice: EmailNotice): Promise<void> {
  // Queued while SMTP_URL was set, taken by a worker started without it: said once, not retried for a day.
  if (!deps.mailer) throw ApplicationFailure.nonRetryable('SMTP_URL is not set on the worker that took this email');
  // Zoom busy: tried again. Zoom refusing the read for good: the email goes out without what it would have said.
  const withoutIt = () => null;
  const read = await withZoomRefusals(() => deps.zoom.describeZoomEvent(notice.zoomEvent), withoutIt);
  const event = read?.found ? read : null;
  const joinUrl =
    notice.kind === 'reinstated' ? await withZoomRefusals(() => joinUrlOf(deps.zoom, notice), withoutIt) : null;
  const { mailer } = deps;
  await counted(
    () => mailer.send(notice, emailVariables(notice, event, joinUrl, deps)),
    (err) => countNotice('email', notice.kind, err),
  );
  log.info('registrant emailed', { id: notice.id, kind: notice.kind });
}

export async function alertOperators(deps: NotifyDeps, alert: AlertNotice): Promise<void> {
  if (!deps.alerts) {
    throw ApplicationFailure.nonRetryable('OPS_ALERT_WEBHOOK_URL is not set on the worker that took this alert');
  }
  const { namespace, workflowExecution } = Context.current().info;
  const { alerts } = deps;
  await counted(
    () => alerts.post(alert, { namespace, workflowId: workflowExecution?.workflowId ?? null }),
    (err) => countNotice('alert', alert.kind, err),
  );
}

/** Runs one try of a notice, counting it as sent (`count(null)`) or by its failure, which it rethrows. */
async function counted(attempt: () => Promise<void>, count: (err: unknown) => void): Promise<void> {
  try {
    await attempt();
  } catch (err) {
    count(err);
    throw err;
  }
  count(null);
}

/** The registrant's own join link, as Zoom has it now: a reinstatement's email gives it. */
async function joinUrlOf(zoom: ZoomClient, notice: EmailNotice): Promise<string | null> {
  const found = await zoom.getRegistrant(notice.zoomEvent, notice.registrant.id, notice.occurrenceId);
  return found.found ? (found.registrant.join_url ?? null) : null;
}

type KnownZoomEvent = Extract<ZoomEventLookup, { found: true }>;

/** What the templates are given; Zoom's word first, the team's configuration where Zoom says nothing. */
export function emailVariables(
  notice: EmailNotice,
  event: KnownZoomEvent | null,
  joinUrl: string | null,
  { links, replyTo }: Pick<NotifyDeps, 'links' | 'replyTo'>,
  now = Date.now(),
): EmailVariables {
  const { zoomEvent, registrant, occurrenceId, outcome } = notice;
  const startTime = event ? startOf(event.sessions, occurrenceId, now) : null;
  return {
    first_name: oneLine(registrant.first_name),
    last_name: oneLine(registrant.last_name),
    email: registrant.email,
    kind: zoomEvent.kind,
    event_id: zoomEvent.id,
    topic: event?.topic ?? describeZoomEvent(zoomEvent),
    starts_at: startTime ? formatStart(startTime, event?.timezone ?? null) : null,
    timezone: event?.timezone ?? null,
    registration_url: event?.registrationUrl ?? configuredLink(zoomEvent, links),
    join_url: joinUrl,
    reply_to: replyTo,
    cancelled_by: outcome?.cancelled_by ?? null,
    can_reregister: outcome?.can_reregister ?? null,
  };
}

/** A name is one line, whatever Zoom was given: a line break in it would start a line of the email's own. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function configuredLink(zoomEvent: ZoomEvent, { byEvent, pattern }: RegistrationLinks): string | null {
  const own = byEvent.get(zoomEventKey(zoomEvent));
  if (own) return own;
  return pattern ? pattern.replaceAll('{kind}', zoomEvent.kind).replaceAll('{id}', zoomEvent.id) : null;
}

type Session = KnownZoomEvent['sessions'][number];

/** The registrant's occurrence when they registered for one, else the next session to start (else the first). */
function startOf(sessions: Session[], occurrenceId: string | null, now: number): string | null {
  const own = occurrenceId ? sessions.find((s) => s.occurrenceId === occurrenceId) : undefined;
  const next = sessions.find((s) => !s.deleted && Date.parse(s.startTime) >= now);
  return (own ?? next ?? sessions[0])?.startTime ?? null;
}

/** "Tuesday, 8 December 2026 at 15:00 CET": in the event's own zone (UTC when Zoom names none we know). */
export function formatStart(startTime: string, timezone: string | null): string | null {
  const at = new Date(startTime);
  if (Number.isNaN(at.getTime())) return null;
  const options: Intl.DateTimeFormatOptions = {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: timezone ?? 'UTC' }).format(at);
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' }).format(at);
  }
}
