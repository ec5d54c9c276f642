// The reconciliation sweep (design.md 2), run by a Temporal Schedule every RECONCILE_INTERVAL: Zoom delivers
// webhooks at least once but gives up after about 85 minutes, so a cancellation made during an outage may never
// arrive. For each watched webinar, read Zoom's registrant listings page by page, hand every registrant whose state
// we missed to their workflow as an observed event, then find those we hold as registered whom no listing showed:
// gone, that is, cancelled by themselves.
import {
  ActivityFailure,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
  type RetryPolicy,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { errorMessage } from '../../errors';
import { ZOOM_FAILURES, zoomApiTaskQueue } from '../topology';
import { progressQuery, type ReconciliationInput, type SweepReport } from './messages';
import { describeSweep } from './details';
import { countFindings, countSweep } from './metrics';
import { Sweep, type ZoomEventSweep } from './sweep';

// Each page's result is in the history: start afresh well before it grows long (a webinar of 10,000 registrants
// is about 40 pages).
const PAGES_PER_RUN = 25;

// Zoom calls wait their turn in the sweep's share of the budget (heartbeating); 429s and 5xx retry the same page
// with backoff, for half an hour, after which the webinar is reported as not swept and the next sweep tries again.
const retryZoomWithBackoff: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '1 minute',
  nonRetryableErrorTypes: [ZOOM_FAILURES.rejected, ZOOM_FAILURES.auth],
};
const onTheZoomQueue = () =>
  proxyActivities<Activities>({
    taskQueue: zoomApiTaskQueue(workflowInfo().taskQueue),
    scheduleToCloseTimeout: '30 minutes',
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: '30 seconds',
    retry: retryZoomWithBackoff,
  });

export async function reconciliationWorkflow({ zoomEvents, progress }: ReconciliationInput = {}): Promise<SweepReport> {
  const { planSweep, zoomEventSchedule, reconcileListingPage, heldRegistrantsPage, deliverMissedCancellations } =
    onTheZoomQueue();
  const sweep = progress
    ? Sweep.resume(progress)
    : Sweep.begin(await planSweep(zoomEvents ?? null), new Date().toISOString());
  setHandler(progressQuery, () => sweep.report, { description: 'What the sweep has found so far, per webinar.' });
  let pages = 0;

  /** Reads one webinar to its end; false when this run should hand over to the next first. */
  async function sweepTarget(target: ZoomEventSweep): Promise<boolean> {
    if (!target.known) {
      const found = await zoomEventSchedule(target.zoomEvent);
      if (!found.found) {
        sweep.fail(target, found.reason);
        return true;
      }
      sweep.scheduleKnown(target, found.schedule, found.approval);
    }
    for (let page = sweep.nextPage(target); target.phase === 'listings' && page; page = sweep.nextPage(target)) {
      if (pages >= PAGES_PER_RUN || workflowInfo().continueAsNewSuggested) return false;
      pages += 1;
      sweep.pageRead(target, await reconcileListingPage(page));
      setCurrentDetails(describeSweep(sweep.report, target));
    }
    while (target.phase === 'held') {
      const held = await heldRegistrantsPage({ zoomEvent: target.zoomEvent, cursor: target.heldCursor });
      const gone = sweep.unseen(held.registrantIds);
      const { zoomEvent, observedAt, known } = target;
      const schedule = known?.schedule ?? null;
      const found =
        gone.length > 0
          ? await deliverMissedCancellations({ zoomEvent, registrantIds: gone, observedAt, schedule })
          : [];
      sweep.heldRead(target, held.nextCursor, found);
    }
    return true;
  }

  for (let target = sweep.current(Date.now()); target; target = sweep.current(Date.now())) {
    setCurrentDetails(describeSweep(sweep.report, target));
    try {
      if (!(await sweepTarget(target))) {
        await continueAsNew<typeof reconciliationWorkflow>({ progress: sweep.carry() });
      }
    } catch (err) {
      // Zoom refused, or stayed unavailable past the retries: this webinar is reported, the others still swept.
      if (!(err instanceof ActivityFailure)) throw err;
      sweep.fail(target, errorMessage(err));
    }
    countFindings(target.findings);
    sweep.finishCurrent();
  }
  sweep.finish(new Date().toISOString());
  countSweep();
  setCurrentDetails(describeSweep(sweep.report, null));
  return sweep.report;
}
