// What the `RegistrationState` search attribute lists: the gateway's guess for a new run's first event, and the rule
// the run itself follows from then on.
import { listedStateOf, stateListedAfter } from '../../src/domain/registration';
import { event } from '../helpers/registrant-events';

test.each([
  ['created, approved in the payload', 'approved', event('created', 1, { registrantStatus: 'approved' })],
  ['created, pending in the payload', 'pending', event('created', 1, { registrantStatus: 'pending' })],
  ['created, without a status', 'registered', event('created', 1, { registrantStatus: null })],
  ['approved', 'approved', event('approved', 1)],
  ['denied', 'denied', event('denied', 1)],
  ['cancelled', 'settling', event('cancelled', 1)],
])('a new run whose first event is %s lists %s', (_what, listed, first) => {
  expect(stateListedAfter(first)).toBe(listed);
});

test.each([
  [null, false, null],
  [null, true, 'settling'],
  ['approved', false, 'approved'],
  ['approved', true, 'settling'],
  ['needs_review', true, 'needs_review'],
  ['admin_cancelled', false, 'admin_cancelled'],
  ['admin_cancelled', true, 'settling'],
] as const)('state %s, a cancellation undecided %s: listed as %s', (state, undecided, listed) => {
  expect(listedStateOf(state, undecided)).toBe(listed);
});
