// `--phase sweep`: the reconciliation sweep over a webinar of many registrants, of which some cancelled while Zoom
// lost the webhook: its wall time against its paced share of the Medium limit, its Zoom calls, and its peak rate.
import { setTimeout as sleep } from 'node:timers/promises';
import { sweepNow } from '../../src/temporal/reconciliation-schedule';
import { registrationEventSchema } from '../../src/zoom/webhook';
import { peakPerSecond } from '../../tools/sandbox/rate-limits';
import { ingestUntilAccepted } from '../ingest';
import { until, withZoomAndWorker, type Bench } from '../world';
import { zoomWebinar } from '../../src/domain/zoom-event';

/** A Pro account's Medium limit, and the sweep's default share of it (a tenth). */
const SWEEP_MEDIUM_LIMIT = 20;
const SWEEP_SHARE = SWEEP_MEDIUM_LIMIT / 10;
/** Of the registrants we know, this many cancel themselves while Zoom loses the webhook. */
const SWEEP_KNOWN = 100;
const SWEEP_LOST = 10;

export async function benchSweep(bench: Bench) {
  const { client, app, plan, progress, record } = bench;
  const taskQueue = 'bench-sweep';
  const settings = { ZOOM_MEDIUM_RATE_LIMIT: String(SWEEP_MEDIUM_LIMIT), RECONCILE_GRACE: '1s' };
  await withZoomAndWorker(bench, taskQueue, settings, async (zoom, worker) => {
    const webinar = zoom.addWebinar();
    // Most registered long before we could know them (untracked: compared, nothing to do); some we know.
    for (let i = 0; i < plan.sweepRegistrants - SWEEP_KNOWN; i++) {
      zoom.addRegistrant(webinar.id, {
        email: `s${i}@example.com`,
        first_name: 'S',
        createTime: '2020-01-01T00:00:00Z',
      });
    }
    const known = Array.from(
      { length: SWEEP_KNOWN },
      (_, i) => zoom.addRegistrant(webinar.id, { email: `k${i}@example.com`, first_name: 'K' }).id,
    );
    const told = new Map<string, string[]>();
    app.onCallback = ({ callback }) => {
      if (callback.data.webinar_id !== webinar.id) return;
      told.set(callback.data.registrant.id, [...(told.get(callback.data.registrant.id) ?? []), callback.type]);
    };
    const created = known.map((id) => registrationEventSchema.parse(zoom.buildEvent('created', webinar.id, id)));
    await Promise.all(created.map((event) => ingestUntilAccepted(client, taskQueue, event)));
    await until(
      progress,
      'registrations told',
      SWEEP_KNOWN,
      () => told.size,
      () => worker.assertAlive(),
    );
    // Their cancellations never reach us: nothing is subscribed, and we hand them to nobody.
    const lost = known.slice(0, SWEEP_LOST);
    lost.forEach((id) => zoom.cancelAsRegistrant(webinar.id, id));
    await sleep(1_500);

    const started = Date.now();
    const handle = await sweepNow(client, taskQueue, [zoomWebinar(webinar.id)]);
    const bar = progress.bar(`sweep of ${plan.sweepRegistrants.toLocaleString('en')} registrants`, 1);
    const report = await handle.result();
    const seconds = (Date.now() - started) / 1000;
    bar.update(1);
    bar.stop();
    await until(
      progress,
      'missed cancellations told',
      SWEEP_LOST,
      () => lost.filter((id) => told.get(id)?.includes('registrant.cancelled')).length,
      () => worker.assertAlive(),
    );
    const findings = report.webinars[0];
    if (
      !findings ||
      findings.missed_cancellation !== SWEEP_LOST ||
      findings.listed !== plan.sweepRegistrants - SWEEP_LOST
    ) {
      throw new Error(`the sweep found ${JSON.stringify(findings)}`);
    }
    const medium = zoom.requests.filter((r) => r.at >= started && r.path.endsWith('/registrants')).map((r) => r.at);
    // Zoom's listing: ⌈n/300⌉ approved pages, one pending, one denied; and the webinar itself.
    const pages = Math.ceil((plan.sweepRegistrants - SWEEP_LOST) / 300) + 2;
    const paced = (pages - 1) / (SWEEP_SHARE * 0.9);
    const n = plan.sweepRegistrants.toLocaleString('en');
    record(`sweep of ${n} registrants, wall time`, seconds, 's', "the sweep's share of Medium, paced", paced);
    record(`Zoom calls per sweep of ${n}`, findings.zoom_calls, '', 'pages + the webinar', pages + 1);
    record('Zoom list calls, peak in any second', peakPerSecond(medium), '/s', "the sweep's share", SWEEP_SHARE);
  });
}
