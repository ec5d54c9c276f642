import type { Evidence } from '../../src/domain/evidence';
import {
  decideByOperator,
  decideCancellation,
  operatorHint,
  type CancellationDecision,
} from '../../src/domain/decision';

const cancelled = (
  cancelledBy: 'registrant' | 'admin',
  canReregister: boolean,
  zoomStatus: 'removed' | 'denied' | 'unknown',
) => ({ kind: 'cancelled', cancelledBy, canReregister, zoomStatus }) as const;

const open = { lookupFinished: false, followUpWindowOver: false };
const looked = { lookupFinished: true, followUpWindowOver: false };
const windowOver = { lookupFinished: true, followUpWindowOver: true };

// design.md section 5, row by row, plus the follow-up rules.
const table: Array<[string, Evidence, typeof open, CancellationDecision['kind'] | CancellationDecision]> = [
  [
    'removed (404), any hint: registrant, at once',
    { lookup: 'not_found', operator: 'admin', follow_ups: [] },
    looked,
    cancelled('registrant', true, 'removed'),
  ],
  [
    'removed (status all): registrant, at once',
    { lookup: 'all', operator: 'registrant', follow_ups: [] },
    looked,
    cancelled('registrant', true, 'removed'),
  ],
  [
    'denied + admin hint: wait for follow-ups',
    { lookup: 'denied', operator: 'admin', follow_ups: [] },
    looked,
    { kind: 'wait', for: 'follow_ups' },
  ],
  [
    'denied + admin hint, window over: admin, no re-registration',
    { lookup: 'denied', operator: 'admin', follow_ups: [] },
    windowOver,
    cancelled('admin', false, 'denied'),
  ],
  [
    'denied + registrant hint, window over: registrant, blocked by Zoom',
    { lookup: 'denied', operator: 'registrant', follow_ups: [] },
    windowOver,
    cancelled('registrant', false, 'denied'),
  ],
  [
    'denied + later denied event: admin at once',
    { lookup: 'denied', operator: 'registrant', follow_ups: [{ event: 'denied', event_ts: 2 }] },
    looked,
    cancelled('admin', false, 'denied'),
  ],
  [
    'approved after the cancel: reinstated',
    { lookup: 'denied', operator: 'admin', follow_ups: [{ event: 'approved', event_ts: 2 }] },
    looked,
    { kind: 'reinstated' },
  ],
  [
    'approved after the cancel, lookup still running: reinstated',
    { lookup: null, operator: 'admin', follow_ups: [{ event: 'approved', event_ts: 2 }] },
    open,
    { kind: 'reinstated' },
  ],
  [
    'denied after an approval: the latest verdict stands',
    {
      lookup: 'denied',
      operator: 'admin',
      follow_ups: [
        { event: 'approved', event_ts: 2 },
        { event: 'denied', event_ts: 3 },
      ],
    },
    looked,
    cancelled('admin', false, 'denied'),
  ],
  [
    'registered again: registrant, free to re-register',
    { lookup: null, operator: 'admin', follow_ups: [{ event: 'created', event_ts: 2 }] },
    open,
    cancelled('registrant', true, 'removed'),
  ],
  [
    'lookup running: wait for it',
    { lookup: null, operator: 'registrant', follow_ups: [] },
    open,
    { kind: 'wait', for: 'lookup' },
  ],
  [
    'still approved at LOOKUP_TIMEOUT: needs review',
    { lookup: 'approved', operator: 'admin', follow_ups: [] },
    looked,
    'needs_review',
  ],
  [
    'still pending at LOOKUP_TIMEOUT: needs review',
    { lookup: 'pending', operator: 'registrant', follow_ups: [] },
    looked,
    'needs_review',
  ],
  [
    'webinar not found: needs review',
    { lookup: 'webinar_not_found', operator: 'admin', follow_ups: [] },
    looked,
    'needs_review',
  ],
  [
    'permanent Zoom error: needs review',
    { lookup: 'failed', operator: 'admin', follow_ups: [] },
    looked,
    'needs_review',
  ],
  [
    // 404 with code 1001: the webinar's host user is gone. It says nothing of the registrant, whatever the hint.
    'a lookup Zoom refused (404/1001): needs review, naming the answer',
    {
      lookup: 'failed',
      zoom_answer: { status: 404, code: 1001, message: 'Zoom answered 404 (code 1001): User does not exist' },
      operator: 'registrant',
      follow_ups: [],
    },
    looked,
    {
      kind: 'needs_review',
      reason:
        'Zoom refused the registrant lookup (Zoom answered 404 (code 1001): User does not exist): an answer about the ' +
        "call, not the registrant; check the app's scopes, ZOOM_API_BASE_URL and the webinar's host",
    },
  ],
];

test.each(table)('%s', (_name, evidence, clock, expected) => {
  const decision = decideCancellation(evidence, clock);
  if (typeof expected === 'string') expect(decision.kind).toBe(expected);
  else expect(decision).toEqual(expected);
});

test.each([
  ['no operator_id: the registrant', 'host@example.com', null, 'registrant'],
  ['operator is the registrant, any case', 'ADA@example.com', 'u1', 'registrant'],
  ['operator is someone else with an id: an admin', 'host@example.com', 'u1', 'admin'],
  ['empty operator_id counts as absent', 'host@example.com', '', 'registrant'],
] as const)('operator hint: %s', (_name, operator, operatorId, expected) => {
  expect(operatorHint(operator, operatorId, 'ada@example.com')).toBe(expected);
});

// An operator's verdict: who cancelled is theirs to say; Zoom's status only what a lookup saw.
test.each([
  ['the lookup saw them denied', 'denied', 'admin', undefined, cancelled('admin', false, 'denied')],
  ['the lookup saw them removed', 'not_found', 'registrant', undefined, cancelled('registrant', true, 'removed')],
  [
    'Zoom had lost the webinar: no status claimed',
    'webinar_not_found',
    'admin',
    false,
    cancelled('admin', false, 'unknown'),
  ],
  [
    'the lookup was refused: no status claimed',
    'failed',
    'registrant',
    undefined,
    cancelled('registrant', true, 'unknown'),
  ],
] as const)('resolved by an operator, %s', (_what, lookup, by, canReregister, expected) => {
  const verdict = { cancelled_by: by, ...(canReregister === undefined ? {} : { can_reregister: canReregister }) };
  expect(decideByOperator(verdict, { lookup, operator: 'admin', follow_ups: [] })).toEqual(expected);
});
