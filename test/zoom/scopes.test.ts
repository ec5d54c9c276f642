// Which of a token's scopes allow which of the worker's calls: granular names, classic account-wide ones, a user's.
import { allowedBy, classicScope, granularScope, WORKER_ZOOM_CALLS } from '../../src/zoom/scopes';

const call = (route: string) => {
  const found = WORKER_ZOOM_CALLS.find((c) => c.route === route);
  if (!found) throw new Error(`no call ${route}`);
  return found;
};
const listing = call('GET /:eventId/registrants');
const status = call('PUT /:eventId/registrants/status');

test.each([
  { granted: ['webinar:read:list_registrants:admin'], kind: 'webinar', allowed: true },
  { granted: ['webinar:read:admin'], kind: 'webinar', allowed: true },
  { granted: ['webinar:read'], kind: 'webinar', allowed: true },
  // Another kind's scope, or another call's, allows nothing here.
  { granted: ['meeting:read:list_registrants:admin'], kind: 'webinar', allowed: false },
  { granted: ['webinar:read:registrant:admin', 'webinar:write:admin'], kind: 'webinar', allowed: false },
  { granted: [], kind: 'meeting', allowed: false },
] as const)('$granted allows listing a $kind: $allowed', ({ granted, kind, allowed }) => {
  expect(allowedBy(new Set(granted), kind, listing)).toBe(allowed);
});

test('names: granular with the kind in the object where it reads the event itself, classic by read or write', () => {
  expect(granularScope('meeting', call('GET /:eventId'))).toBe('meeting:read:meeting:admin');
  expect(granularScope('webinar', status)).toBe('webinar:update:registrant_status:admin');
  expect(classicScope('meeting', status)).toBe('meeting:write:admin');
  expect(WORKER_ZOOM_CALLS.map((c) => granularScope('webinar', c))).toEqual([
    'webinar:read:webinar:admin',
    'webinar:read:registrant:admin',
    'webinar:read:list_registrants:admin',
    'webinar:update:registrant_status:admin',
    'webinar:delete:registrant:admin',
  ]);
});
