// The registrant's notices: each id queued once, whatever happens to it; on its way until sent or failed; handed on
// at continue-as-new.
import { NoticeLedger } from '../../src/workflows/registrant/notices';

test('an email is queued once per id, and the run waits while one is on its way', () => {
  const ledger = new NoticeLedger();
  expect(ledger.queueEmail('a', 'self_cancelled')).toBe(true);
  expect(ledger.queueEmail('a', 'self_cancelled')).toBe(false);
  expect(ledger.pending).toBe(true);
  ledger.sent('a');
  expect(ledger.pending).toBe(false);
  expect(ledger.queueEmail('a', 'self_cancelled')).toBe(false);
  expect(ledger.view().emails).toEqual([{ id: 'a', kind: 'self_cancelled', status: 'sent', error: null }]);
});

test('a failed email is kept with why, for the Web UI; alerts are their own list', () => {
  const ledger = new NoticeLedger();
  ledger.queueEmail('a', 'admin_cancelled');
  ledger.queueAlert('b', 'needs_review');
  ledger.failed('a', 'the mail server refused it for good: 550');
  expect(ledger.pending).toBe(true);
  ledger.sent('b');
  expect(ledger.pending).toBe(false);
  expect(ledger.failedEmails).toEqual([
    { id: 'a', kind: 'admin_cancelled', status: 'failed', error: 'the mail server refused it for good: 550' },
  ]);
  expect(ledger.view().alerts).toEqual([{ id: 'b', kind: 'needs_review', status: 'sent', error: null }]);
});

test('the next run knows what was sent, and sends none of it again', () => {
  const first = new NoticeLedger();
  first.queueEmail('a', 'reinstated');
  first.sent('a');
  const next = new NoticeLedger(first.carry());
  expect(next.queueEmail('a', 'reinstated')).toBe(false);
  // A copy: the first run's records do not change with the next's.
  next.queueAlert('b', 'callback_waiting');
  expect(first.view().alerts).toEqual([]);
});
