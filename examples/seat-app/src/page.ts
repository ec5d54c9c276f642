// The pages, rendered on the server. Names and emails are whatever people typed into Zoom's registration form:
// everything interpolated into `html` is escaped unless it is itself `html`, so nothing can slip through unescaped.
import type { CancelledBy } from '@zoom-registrations/client';
import type { CancellationRequestRow, RegistrantRow, SeatState, ZoomEventKind, ZoomEventRow } from './store';

/** Markup that is already safe: made by `html`, never from a plain string. */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

type Part = Html | string | number | boolean | null | undefined | readonly Html[];

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  const rendered = parts.map(render);
  return new Html(strings.reduce((out, s, i) => out + (rendered[i - 1] ?? '') + s, ''));
}

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.markup;
  if (typeof part === 'object') return part.map((p) => p.markup).join('');
  return escapeHtml(String(part));
}

export const eventPath = (kind: ZoomEventKind, zoomId: string) => `/events/${kind}/${encodeURIComponent(zoomId)}`;
export const cancelPath = (kind: ZoomEventKind, zoomId: string, registrantId: string) =>
  `${eventPath(kind, zoomId)}/registrants/${encodeURIComponent(registrantId)}/cancel`;

const STATE: Record<SeatState, string> = {
  registered: 'registered',
  approved: 'approved',
  denied: 'denied by the host',
  reinstated: 'reinstated',
  cancelled: 'cancelled',
  needs_review: 'cancelled, in review',
};
const WHO: Record<CancelledBy, string> = { registrant: 'the registrant', admin: 'the host' };
const WAITING = 'waiting for an operator';

function mayRegisterAgain(canReregister: boolean | null): string {
  if (canReregister === null) return '';
  return canReregister ? 'may register again' : 'may not register again with the same email';
}

const title = (event: Pick<ZoomEventRow, 'kind' | 'zoom_id'>) =>
  `${event.kind === 'webinar' ? 'Webinar' : 'Meeting'} ${event.zoom_id}`;
const fullName = (r: Pick<RegistrantRow, 'first_name' | 'last_name'>) => `${r.first_name} ${r.last_name}`.trim();

function freeSeats(event: ZoomEventRow): Html {
  const free = event.capacity - event.held;
  if (free < 0) {
    return html`<p class="seats" id="free-seats">
      <strong>0</strong> of ${event.capacity} seats free (${-free} over capacity)
    </p>`;
  }
  return html`<p class="seats" id="free-seats"><strong>${free}</strong> of ${event.capacity} seats free</p>`;
}

function registrantRow(event: ZoomEventRow, r: RegistrantRow): Html {
  const reviewing = r.state === 'needs_review';
  const who = reviewing ? WAITING : r.cancelled_by ? WHO[r.cancelled_by] : '';
  const again = reviewing ? WAITING : mayRegisterAgain(r.can_reregister);
  // Only someone holding a seat can be cancelled for; the button calls the gateway's API through the client.
  const action = r.holds_seat
    ? html`<form method="post" action="${cancelPath(event.kind, event.zoom_id, r.registrant_id)}">
        <button type="submit">Cancel for them</button>
      </form>`
    : '';
  return html`<tr id="r-${r.registrant_id}" data-registrant="${r.registrant_id}" class="${r.state}">
    <td class="name">${fullName(r)}</td>
    <td class="email">${r.email}</td>
    <td class="state">${STATE[r.state]}</td>
    <td class="who">${who}</td>
    <td class="again">${again}</td>
    <td class="seat">${r.holds_seat ? 'holds a seat' : 'seat free'}</td>
    <td class="action">${action}</td>
  </tr>`;
}

function requestLine(request: CancellationRequestRow, registrants: RegistrantRow[]): Html {
  const person = registrants.find((r) => r.registrant_id === request.registrant_id);
  const name = person ? fullName(person) : request.registrant_id;
  const outcome =
    request.status === 'settled'
      ? `settled: cancelled by ${request.cancelled_by ? WHO[request.cancelled_by] : '?'}, ` +
        mayRegisterAgain(request.can_reregister)
      : request.status === 'refused'
        ? `refused: ${request.message ?? ''}`
        : request.status === 'pending'
          ? `not settled yet (${request.message ?? 'the gateway is still settling it'}); reload to see it`
          : 'asked for; no answer yet';
  return html`<li class="${request.status}" data-registrant="${request.registrant_id}">
    <strong>${name}</strong>: <span class="outcome">${outcome}</span>
  </li>`;
}

export function eventPage(event: ZoomEventRow, registrants: RegistrantRow[], requests: CancellationRequestRow[]): Html {
  const asked = requests.length
    ? html`<section class="requests">
        <h2>Cancelled for them here, on their behalf</h2>
        <ul>
          ${requests.map((request) => requestLine(request, registrants))}
        </ul>
      </section>`
    : '';
  return layout(
    title(event),
    html`<p class="back"><a href="/">All webinars and meetings</a></p>
      <h1>${title(event)}</h1>
      ${freeSeats(event)} ${asked}
      <table>
        <thead>
          <tr>
            <th>Registrant</th>
            <th>Email</th>
            <th>State</th>
            <th>Who cancelled</th>
            <th>Register again?</th>
            <th>Seat</th>
            <th></th>
          </tr>
        </thead>
        <tbody>
          ${registrants.map((r) => registrantRow(event, r))}
        </tbody>
      </table>
      <p class="note">
        “Cancel for them” cancels on the registrant's behalf, as if they had used the link in their confirmation email:
        Zoom removes them, their seat is free, and they may register again.
      </p>`,
  );
}

export function indexPage(events: ZoomEventRow[]): Html {
  const items = events.map(
    (e) =>
      html`<li>
        <a href="${eventPath(e.kind, e.zoom_id)}">${title(e)}</a>: ${e.capacity - e.held} of ${e.capacity} seats free
      </li>`,
  );
  return layout(
    'Seats',
    html`<h1>Webinars and meetings</h1>
      ${
        events.length
          ? html`<ul>
              ${items}
            </ul>`
          : html`<p>No callback received yet.</p>`
      }`,
  );
}

export function notFoundPage(kind: string, zoomId: string): Html {
  return layout(
    'Not found',
    html`<p class="back"><a href="/">All webinars and meetings</a></p>
      <h1>No ${kind} ${zoomId} here</h1>
      <p>No callback about it has been received yet.</p>`,
  );
}

function layout(pageTitle: string, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${pageTitle} · seat app</title>
        <style>
          ${new Html(STYLE)}
        </style>
      </head>
      <body>
        <header>Seat app <span>a reference app for the Zoom registration worker</span></header>
        <main>${body}</main>
      </body>
    </html>`;
}

const STYLE = `
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  header { background: #1d2330; color: #fff; padding: 12px 24px; font-weight: 600; }
  header span { font-weight: 400; opacity: .7; margin-left: 8px; }
  main { padding: 8px 24px 24px; max-width: 1260px; }
  h1 { font-size: 22px; margin: 12px 0 4px; }
  h2 { font-size: 16px; margin: 0 0 6px; }
  .back a { color: #3b5bdb; }
  .seats { font-size: 17px; margin: 4px 0 16px; }
  .seats strong { font-size: 22px; color: #2b8a3e; }
  .requests { background: #fff; border: 1px solid #d0d7e2; border-radius: 6px; padding: 10px 16px; margin-bottom: 16px; }
  .requests ul { margin: 0; padding-left: 18px; }
  .requests .settled .outcome { color: #2b8a3e; font-weight: 600; }
  .requests .refused .outcome { color: #c92a2a; font-weight: 600; }
  table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #d0d7e2; }
  th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid #e6e9ef; vertical-align: middle; }
  th { background: #eef1f6; font-size: 13px; text-transform: uppercase; letter-spacing: .03em; color: #4a5568; }
  tr.cancelled td, tr.denied td { color: #6b7280; }
  tr.needs_review td.who, tr.needs_review td.again { color: #b35c00; font-weight: 600; }
  td.again, td.seat, button { white-space: nowrap; }
  form { margin: 0; }
  button { background: #c92a2a; color: #fff; border: 0; border-radius: 4px; padding: 6px 10px; cursor: pointer; }
  .note { color: #4a5568; font-size: 13px; }
`;
