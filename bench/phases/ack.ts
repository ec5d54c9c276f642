// `--phase ack`: how fast webhooks are acknowledged, at saturation and at offered rates, beside a plain client's
// signalWithStart and the seed's inline handler (which answers Zoom only after its own Zoom call).
import { ingestRegistrationEvent } from '../../src/temporal/registrant-signals';
import { ZoomClient } from '../../src/zoom/client';
import { registrationEventSchema } from '../../src/zoom/webhook';
import { ZoomEmulator } from '../../tools/sandbox/emulator';
import { buildRegistrationEvent, deliverWebhook } from '../../tools/sandbox/webhooks';
import { registrantOf } from '../../tools/sandbox/world';
import { startInlineBaseline } from '../inline-baseline';
import { offerLoad, saturateWithWebhooks, type LoadFigures } from '../load';
import type { AckLatencyPoint } from '../plot';
import { startGateway } from '../processes';
import { CREDENTIALS, SECRET, type Bench } from '../world';

const RATES = [20, 50, 100];
/** In flight at most: enough for the inline baseline's 200 ms answers at 100/s. */
const CONCURRENCY = 64;
const SATURATION_CONNECTIONS = 32;
const INLINE_ZOOM_LATENCY_MS = 200;

/** Records the figures; returns each approach's latency at each offered rate, for the table and the plot. */
export async function benchAcknowledgements(bench: Bench): Promise<AckLatencyPoint[]> {
  const { address, client, app, appUrl, plan, progress, record } = bench;
  const ackPoints: AckLatencyPoint[] = [];
  // A queue no worker polls: the acknowledgement is the gateway's and Temporal's work alone, for both approaches.
  const taskQueue = 'bench-ack';
  const zoom = new ZoomEmulator({ ...CREDENTIALS, settings: { latencyMs: INLINE_ZOOM_LATENCY_MS } });
  await zoom.start();
  const webinar = zoom.addWebinar();
  let serial = 0;
  /** A cancellation by the host, as Zoom sends it, of someone Zoom never listed: a new workflow each time. */
  const cancellationEvent = () => {
    const id = `ack${(serial++).toString(36)}`;
    const stranger = registrantOf(webinar, { id, email: `${id}@example.com`, first_name: 'Bench' });
    const host = { operator: webinar.hostEmail, operatorId: webinar.hostId };
    return buildRegistrationEvent('cancelled', CREDENTIALS.accountId, webinar, stranger, host);
  };
  const webhook = (url: string) => async () => {
    const answer = await deliverWebhook(url, cancellationEvent(), SECRET);
    if (answer.status !== 200) throw new Error(`answered ${answer.status}`);
  };
  // The same cancellation as the gateway hands it to Temporal, read by the gateway's own schema.
  const signalWithStart = () =>
    ingestRegistrationEvent(client, taskQueue, registrationEventSchema.parse(cancellationEvent()));
  const stops: Array<() => Promise<void>> = [() => zoom.stop()];
  try {
    const gateway = await startGateway({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ZOOM_WEBHOOK_SECRET_TOKEN: SECRET,
    });
    stops.push(() => gateway.stop());
    const inline = await startInlineBaseline({
      secret: SECRET,
      zoom: new ZoomClient({ ...CREDENTIALS, apiBaseUrl: zoom.apiBaseUrl, tokenUrl: zoom.tokenUrl }),
      app: { url: appUrl, secret: app.secret },
    });
    stops.push(() => inline.close());

    const saturation = { seconds: plan.saturationSeconds, concurrency: SATURATION_CONNECTIONS };
    const gatewayMax = await progress.during(
      'webhooks at saturation',
      saturation.seconds,
      saturateWithWebhooks(`${gateway.url}/zoom/webhook`, SECRET, cancellationEvent, saturation),
    );
    const clientMax = await progress.during(
      'signalWithStart at saturation',
      saturation.seconds,
      offerLoad(signalWithStart, saturation),
    );
    warnFailures('webhooks at saturation', gatewayMax);
    warnFailures('signalWithStart at saturation', clientMax);
    record(
      'webhooks acknowledged at saturation',
      gatewayMax.perSecond,
      '/s',
      'plain signalWithStart',
      clientMax.perSecond,
    );

    const GATEWAY = 'gateway (webhook)';
    const PLAIN = 'plain signalWithStart';
    const INLINE = `inline, Zoom at ${INLINE_ZOOM_LATENCY_MS} ms`;
    const approaches = [
      { approach: GATEWAY, call: webhook(`${gateway.url}/zoom/webhook`) },
      { approach: PLAIN, call: signalWithStart },
      { approach: INLINE, call: webhook(inline.url) },
    ];
    for (const [turn, rate] of RATES.entries()) {
      const shape = { seconds: plan.rateSeconds, rate, concurrency: CONCURRENCY };
      // Each rate starts with another approach: the server's backlog grows through the phase.
      const order = [...approaches.slice(turn % 3), ...approaches.slice(0, turn % 3)];
      const loads = new Map<string, LoadFigures>();
      for (const { approach, call } of order) {
        const load = await progress.during(`${approach} at ${rate}/s`, shape.seconds, offerLoad(call, shape));
        warnFailures(`${approach} at ${rate}/s`, load);
        ackPoints.push({ approach, offeredRate: rate, p50Ms: load.p50Ms, p99Ms: load.p99Ms });
        loads.set(approach, load);
      }
      const figure = (approach: string, p: 'p50Ms' | 'p99Ms') => loads.get(approach)?.[p] ?? NaN;
      record(`ack p50 at ${rate}/s`, figure(GATEWAY, 'p50Ms'), 'ms', PLAIN, figure(PLAIN, 'p50Ms'));
      record(`ack p99 at ${rate}/s`, figure(GATEWAY, 'p99Ms'), 'ms', PLAIN, figure(PLAIN, 'p99Ms'));
      record(`ack p99 at ${rate}/s`, figure(GATEWAY, 'p99Ms'), 'ms', INLINE, figure(INLINE, 'p99Ms'));
    }
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
  return ackPoints;
}

function warnFailures(what: string, load: LoadFigures) {
  if (load.failed > 0) process.stderr.write(`  ${what}: ${load.failed} of ${load.ok + load.failed} failed\n`);
}
