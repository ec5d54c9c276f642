// What an email says, from what Zoom answered and what the team configured: the start of the registrant's own
// occurrence in the event's time zone, and where to register again (Zoom's link first, then the team's).
import { emailVariables, formatStart, type RegistrationLinks } from '../../src/activities/notify-people';
import type { EmailNotice } from '../../src/domain/notices';
import { zoomMeeting, zoomWebinar } from '../../src/domain/zoom-event';

const NOW = Date.parse('2026-12-04T12:00:00Z');
const notice = (over: Partial<EmailNotice> = {}): EmailNotice => ({
  id: 'zr_1_r_2_self_cancelled',
  kind: 'self_cancelled',
  zoomEvent: zoomWebinar('81234567890'),
  registrant: { id: 'r', email: 'ada@example.com', first_name: 'Ada\r\nBcc: x@example.com', last_name: 'L' },
  occurrenceId: null,
  outcome: { cancelled_by: 'registrant', can_reregister: true, zoom_status: 'removed' },
  ...over,
});
const described = {
  found: true as const,
  scope: 'whole' as const,
  approval: 'automatic' as const,
  topic: 'Analytical engines',
  timezone: 'America/New_York',
  registrationUrl: null as string | null,
  sessions: [
    { occurrenceId: '1', startTime: '2026-11-27T15:00:00Z', durationMinutes: 60, deleted: false },
    { occurrenceId: '2', startTime: '2026-12-11T15:00:00Z', durationMinutes: 60, deleted: false },
    { occurrenceId: '3', startTime: '2026-12-18T15:00:00Z', durationMinutes: 60, deleted: false },
  ],
};
const noLinks: RegistrationLinks = { byEvent: new Map(), pattern: null };
const vars = (n: EmailNotice, event: typeof described | null, links = noLinks) =>
  emailVariables(n, event, null, { links, replyTo: 'help@example.com' }, NOW);

test("the registrant's own occurrence, else the next one, in the event's time zone", () => {
  expect(vars(notice({ occurrenceId: '3' }), described).starts_at).toBe('Friday, 18 December 2026 at 10:00 GMT-5');
  expect(vars(notice(), described).starts_at).toBe('Friday, 11 December 2026 at 10:00 GMT-5');
  expect(vars(notice(), null)).toMatchObject({ starts_at: null, timezone: null, topic: 'webinar 81234567890' });
});

test('a name is one line', () => {
  expect(vars(notice(), described).first_name).toBe('Ada Bcc: x@example.com');
});

test("where to register again: Zoom's registration_url, else the event's own link, else the pattern, else none", () => {
  const links: RegistrationLinks = {
    byEvent: new Map([['85746065000', 'https://example.com/our-meeting']]),
    pattern: 'https://example.com/{kind}s/{id}/register',
  };
  const fromZoom = { ...described, registrationUrl: 'https://example.zoom.us/webinar/register/WN_a' };
  expect(vars(notice(), fromZoom, links).registration_url).toBe('https://example.zoom.us/webinar/register/WN_a');
  const meeting = notice({ zoomEvent: zoomMeeting('85746065000') });
  expect(vars(meeting, described, links).registration_url).toBe('https://example.com/our-meeting');
  expect(vars(notice(), described, links).registration_url).toBe('https://example.com/webinars/81234567890/register');
  expect(vars(notice(), described).registration_url).toBeNull();
});

test('a time zone Zoom names that is not known here is shown in UTC', () => {
  expect(formatStart('2026-12-08T14:00:00Z', 'Europe/Berlin')).toBe('Tuesday, 8 December 2026 at 15:00 CET');
  expect(formatStart('2026-12-08T14:00:00Z', 'Mars/Olympus_Mons')).toBe('Tuesday, 8 December 2026 at 14:00 UTC');
  expect(formatStart('not a time', 'UTC')).toBeNull();
});
