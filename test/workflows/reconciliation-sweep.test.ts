// The sweep's progress as pure code, without Temporal: listings in order (occurrence by status), pages to their
// end, a token that expired, a webinar Zoom lost, each registrant counted once, and a resume after continue-as-new.
import type { Finding } from '../../src/domain/reconciliation';
import type { ListingPage } from '../../src/activities/reconcile';
import { describeSweep, summariseFindings } from '../../src/workflows/reconciliation/details';
import { zoomWebinar } from '../../src/domain/zoom-event';
import type { ZoomEventSchedule } from '../../src/domain/occurrences';
import { Sweep, type SweepProgress, type ZoomEventSweep } from '../../src/workflows/reconciliation/sweep';

const plan = { zoomEvents: [zoomWebinar('111'), zoomWebinar('222')], knownSince: 1_000, graceMs: 60_000 };
const NOW = 10_000_000;

const page = (findings: Array<[string, Finding]>, nextPageToken: string | null = null): ListingPage => ({
  outcome: 'page',
  findings,
  nextPageToken,
});

/** A schedule read with these listings, whose sessions have not ended. */
const listed = (...listings: Array<string | null>): ZoomEventSchedule => ({
  scope: listings.some((l) => l !== null) ? 'per_occurrence' : 'whole',
  listings,
  ended: false,
});

function begin(): { sweep: Sweep; webinar: ZoomEventSweep } {
  const sweep = Sweep.begin(plan, '2026-12-01T00:00:00.000Z');
  const webinar = sweep.current(NOW);
  if (!webinar) throw new Error('no webinar');
  return { sweep, webinar };
}

test('each listing is read in the three statuses, page by page, then the held registrants', () => {
  const { sweep, webinar } = begin();
  expect(webinar).toMatchObject({ zoomEvent: zoomWebinar('111'), observedAt: NOW - 60_000, phase: 'listings' });
  sweep.scheduleKnown(webinar, listed('occ1', 'occ2'), 'automatic');
  const read: string[] = [];
  for (let next = sweep.nextPage(webinar); next && webinar.phase === 'listings'; next = sweep.nextPage(webinar)) {
    read.push(`${next.occurrenceId}/${next.status}/${next.pageToken ?? 'first'}`);
    // The approved listing of occ1 has a second page.
    const more = next.occurrenceId === 'occ1' && next.status === 'approved' && !next.pageToken;
    sweep.pageRead(webinar, page([], more ? 'tok' : null));
  }
  expect(read).toEqual([
    'occ1/approved/first',
    'occ1/approved/tok',
    'occ1/pending/first',
    'occ1/denied/first',
    'occ2/approved/first',
    'occ2/pending/first',
    'occ2/denied/first',
  ]);
  expect(webinar.phase).toBe('held');
  expect(webinar.findings.zoom_calls).toBe(1 + 7);
  sweep.heldRead(webinar, 'cursor', []);
  expect(webinar.phase).toBe('held');
  sweep.heldRead(webinar, null, []);
  expect(webinar.phase).toBe('done');
});

test('each registrant counts once, listed or found gone; those listed are not looked for among the held', () => {
  const { sweep, webinar } = begin();
  sweep.scheduleKnown(webinar, listed(null), 'automatic');
  sweep.pageRead(
    webinar,
    page(
      [
        ['a', 'agreeing'],
        ['b', 'missed_approval'],
      ],
      'tok',
    ),
  );
  sweep.pageRead(
    webinar,
    page([
      ['a', 'agreeing'],
      ['c', 'untracked'],
    ]),
  );
  expect(sweep.unseen(['a', 'b', 'd', 'd', 'e'])).toEqual(['d', 'e']);
  sweep.heldRead(webinar, null, [
    ['d', 'missed_cancellation'],
    ['e', 'open_case'],
  ]);
  expect(webinar.findings).toMatchObject({
    listed: 3,
    agreeing: 1,
    missed_approval: 1,
    untracked: 1,
    missed_cancellation: 1,
    open_case: 1,
  });
});

test('an expired page token starts the listing again; counted registrants stay counted once', () => {
  const { sweep, webinar } = begin();
  sweep.scheduleKnown(webinar, listed(null), 'automatic');
  sweep.pageRead(webinar, page([['a', 'agreeing']], 'tok'));
  sweep.pageRead(webinar, { outcome: 'token_expired' });
  expect(sweep.nextPage(webinar)).toMatchObject({ status: 'approved', pageToken: null });
  sweep.pageRead(
    webinar,
    page([
      ['a', 'agreeing'],
      ['b', 'agreeing'],
    ]),
  );
  expect(webinar.findings).toMatchObject({ listed: 2, agreeing: 2 });
});

test('a webinar Zoom does not know, or a failure, ends that webinar only: nobody is taken for gone', () => {
  const { sweep, webinar } = begin();
  sweep.scheduleKnown(webinar, listed(null), 'automatic');
  sweep.pageRead(webinar, { outcome: 'webinar_not_found', reason: 'Zoom does not know webinar 111' });
  expect(webinar).toMatchObject({ phase: 'done', findings: { errors: ['Zoom does not know webinar 111'] } });
  sweep.finishCurrent();
  const next = sweep.current(NOW + 1);
  expect(next).toMatchObject({ zoomEvent: zoomWebinar('222'), phase: 'listings', seen: [] });
  sweep.fail(next as ZoomEventSweep, 'Zoom answered 400 (code 4711)');
  sweep.finishCurrent();
  expect(sweep.current(NOW + 2)).toBeNull();
  sweep.finish('2026-12-01T00:01:00.000Z');
  expect(sweep.report).toMatchObject({
    finished_at: '2026-12-01T00:01:00.000Z',
    webinars: [
      { webinar_id: '111', errors: ['Zoom does not know webinar 111'] },
      { webinar_id: '222', errors: ['Zoom answered 400 (code 4711)'] },
    ],
  });
});

test('carried across continue-as-new, a sweep resumes at its page with whom it has seen and how the host approves', () => {
  const { sweep, webinar } = begin();
  sweep.scheduleKnown(webinar, listed(null), 'manual');
  sweep.pageRead(webinar, page([['a', 'agreeing']], 'tok'));
  const resumed = Sweep.resume(JSON.parse(JSON.stringify(sweep.carry())) as SweepProgress);
  const same = resumed.current(NOW + 5_000) as ZoomEventSweep;
  expect(resumed.nextPage(same)).toMatchObject({
    zoomEvent: zoomWebinar('111'),
    status: 'approved',
    pageToken: 'tok',
    approval: 'manual',
  });
  expect(same.observedAt).toBe(NOW - 60_000);
  resumed.pageRead(
    same,
    page([
      ['a', 'agreeing'],
      ['b', 'agreeing'],
    ]),
  );
  expect(same.findings).toMatchObject({ listed: 2, agreeing: 2, zoom_calls: 3 });
  expect(resumed.unseen(['a', 'b', 'c'])).toEqual(['c']);
});

test('what a terminal and the Web UI read of a sweep', () => {
  const { sweep, webinar } = begin();
  sweep.scheduleKnown(webinar, listed(null), 'automatic');
  sweep.pageRead(
    webinar,
    page([
      ['a', 'agreeing'],
      ['b', 'missed_cancellation'],
      ['c', 'missed_cancellation'],
    ]),
  );
  expect(summariseFindings(sweep.report)).toEqual([
    'webinar 111: 3 registrants, all listed by Zoom; 1 agreeing, 2 missed cancellations (2 Zoom calls)',
  ]);
  const details = describeSweep(sweep.report, webinar);
  expect(details).toContain('Sweeping webinar **111**: its pending listing (webinar 1 of this sweep).');
  expect(details).toContain('| webinar 111 | 3 | 1 | 0 | 2 | 0 | 0 | 0 | 0 | 0 | 2 | - |');
  sweep.fail(webinar, 'Zoom answered 400 (code 4711)');
  sweep.finishCurrent();
  expect(summariseFindings(sweep.report)[0]).toBe(
    'webinar 111: 3 registrants, all listed by Zoom; 1 agreeing, 2 missed cancellations (2 Zoom calls); not swept to the end: Zoom answered 400 (code 4711)',
  );
});

test("a terminal's line adds up: the registrants no listing showed are counted beside those listed", () => {
  const { sweep, webinar } = begin();
  sweep.scheduleKnown(webinar, listed(null), 'automatic');
  const agreeing = ['a', 'b', 'c', 'd', 'e'].map((id): [string, Finding] => [id, 'agreeing']);
  sweep.pageRead(webinar, page([...agreeing, ['f', 'open_case']]));
  sweep.pageRead(webinar, page([]));
  sweep.pageRead(webinar, page([]));
  // Held as registered, in no listing: Zoom never told us of the cancellation.
  sweep.heldRead(webinar, null, [['g', 'missed_cancellation']]);
  expect(summariseFindings(sweep.report)).toEqual([
    'webinar 111: 7 registrants, 6 listed by Zoom and 1 in none of its listings; 5 agreeing, 1 open case, ' +
      '1 missed cancellation (4 Zoom calls)',
  ]);

  const { sweep: gone, webinar: nobodyListed } = begin();
  gone.scheduleKnown(nobodyListed, listed(null), 'automatic');
  gone.heldRead(nobodyListed, null, [
    ['g', 'missed_cancellation'],
    ['h', 'ended'],
  ]);
  expect(summariseFindings(gone.report)[0]).toBe(
    "webinar 111: 2 registrants, none in Zoom's listings; 1 missed cancellation, 1 unlisted after the end (1 Zoom call)",
  );

  const { sweep: empty, webinar: nobody } = begin();
  empty.scheduleKnown(nobody, listed(null), 'automatic');
  empty.heldRead(nobody, null, []);
  expect(summariseFindings(empty.report)[0]).toBe('webinar 111: no registrants; nothing found (1 Zoom call)');
});

test('a schedule with nothing left to list (every occurrence past) goes straight to the held registrants', () => {
  const { sweep, webinar } = begin();
  sweep.scheduleKnown(webinar, { scope: 'per_occurrence', listings: [], ended: true }, 'automatic');
  expect(sweep.nextPage(webinar)).toBeNull();
  expect(webinar.phase).toBe('held');
  expect(webinar.findings.zoom_calls).toBe(1);
});
