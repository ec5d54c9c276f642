// `--phase budget`: a burst of cancellations against a worker whose Zoom budget is 10 calls a second: the Light calls
// it makes, at their peak and on average, beside that budget.
import { registrationEventSchema } from '../../src/zoom/webhook';
import { peakPerSecond } from '../../tools/sandbox/rate-limits';
import { ingestUntilAccepted } from '../ingest';
import { ratePerSecond, until, withZoomAndWorker, type Bench } from '../world';

const BUDGET_LIMIT = 10;

export async function benchBudget(bench: Bench) {
  const { client, app, plan, progress, record } = bench;
  const taskQueue = 'bench-budget';
  const limits = { ZOOM_LIGHT_RATE_LIMIT: String(BUDGET_LIMIT), ZOOM_MEDIUM_RATE_LIMIT: String(BUDGET_LIMIT) };
  await withZoomAndWorker(bench, taskQueue, limits, async (zoom, worker) => {
    const webinar = zoom.addWebinar();
    const people = Array.from({ length: plan.budgetBurst }, (_, i) =>
      zoom.addRegistrant(webinar.id, { email: `budget${i}@example.com`, first_name: 'Bench' }),
    );
    const settled = new Set<string>();
    app.onCallback = ({ callback }) => {
      if (callback.type === 'registrant.cancelled' && callback.data.webinar_id === webinar.id) {
        settled.add(callback.data.registrant.id);
      }
    };
    // The host cancels them all at once; this emulator has no subscriber, so the events are handed over here, the
    // gateway's way, all together.
    const events = people.map((p) => registrationEventSchema.parse(zoom.cancelAsAdmin(webinar.id, p.id)));
    const started = Date.now();
    await Promise.all(events.map((event) => ingestUntilAccepted(client, taskQueue, event)));
    await until(
      progress,
      `burst of ${people.length} under a budget of ${BUDGET_LIMIT}/s`,
      people.length,
      () => settled.size,
      () => worker.assertAlive(),
    );
    const light = zoom.requests
      .filter((r) => r.at >= started && r.path.includes('/registrants/') && ['GET', 'DELETE'].includes(r.method))
      .map((r) => r.at);
    record('Zoom Light calls, peak in any second', peakPerSecond(light), '/s', 'budget', BUDGET_LIMIT);
    record('Zoom Light calls, mean over the burst', ratePerSecond(light), '/s', 'budget', BUDGET_LIMIT);
  });
}
