// `npm run bench`: how fast the gateway acknowledges Zoom, and how fast an API cancellation settles, each measured
// against a baseline in the same run.
// Prints figures; asserts nothing. Timings on a shared machine are noisy: read the medians and the ratios.
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import pino from 'pino';
import { startTemporalDevServer } from '../tools/dev/temporal-server';
import { buildGateway } from '../src/gateway/server';
import { deliverWebhook } from '../tools/sandbox/webhooks';
import { createGatewayClient } from '../src/gateway/temporal';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { parseConfig, workerConfigSchema } from '../src/config';
import { ZoomEmulator } from '../tools/sandbox/emulator';
import { createRegistrationWorkers } from '../src/workers';
import { verifyZoomSignature, zoomSignature } from '../src/zoom/signature';
import { registrationEventSchema } from '../src/zoom/webhook';

const SECRET = 'bench-secret';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
// Each API round runs a workflow, a GET and a DELETE against the emulator: fewer rounds, but enough for a p99.
const API_ROUNDS = Number(process.env.BENCH_API_ROUNDS ?? Math.max(100, Math.round(ROUNDS / 3)));
// The same bench before the API's answer was pushed by an update (it polled a query from 20 to 250 ms): 200 rounds
// on the project's 2-core machine, 2026-11-25. Kept to read today's figures against; the ratio to the state read
// measured in the same run is the figure to compare across machines.
const POLLING_BEFORE = { median: 174.9, p99: 260.6, readMedian: 18.7 };
const API_TOKEN = 'bench-token';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
const percentile = (samples: number[], p: number) =>
  [...samples].sort((a, b) => a - b)[Math.min(samples.length - 1, Math.floor(samples.length * p))] ?? NaN;

function cancelEvent(i: number) {
  return {
    event: 'webinar.registration_cancelled',
    event_ts: 1_764_000_000_000 + i,
    payload: {
      account_id: 'bench',
      operator: 'ada@example.com',
      object: {
        id: 81234567890,
        uuid: 'u',
        host_id: 'h',
        registrant: { id: `bench${i}`, email: 'ada@example.com', first_name: 'Ada' },
      },
    },
  };
}

async function timeEach(rounds: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return samples;
}

function report(name: string, samples: number[], baseline?: number[]) {
  const ratio = baseline ? `  ×${(median(samples) / median(baseline)).toFixed(2)} of baseline` : '';
  process.stdout.write(
    `${name.padEnd(48)} median ${median(samples).toFixed(3)} ms  p95 ${percentile(samples, 0.95).toFixed(3)} ms  p99 ${percentile(samples, 0.99).toFixed(3)} ms${ratio}\n`,
  );
}

async function main() {
  process.stdout.write(`rounds: ${ROUNDS}\n\n`);

  // In-process: what the gateway adds before it talks to Temporal, against bare JSON.parse of the same body.
  const raw = Buffer.from(JSON.stringify(cancelEvent(0)));
  const ts = String(Math.floor(Date.now() / 1000));
  const signature = zoomSignature(SECRET, ts, raw);
  const parseOnly = await timeEach(ROUNDS * 10, () => Promise.resolve(JSON.parse(raw.toString('utf8'))));
  const verifyAndParse = await timeEach(ROUNDS * 10, () => {
    verifyZoomSignature({ secret: SECRET, signature, timestamp: ts, rawBody: raw, nowMs: Date.now() });
    return Promise.resolve(registrationEventSchema.parse(JSON.parse(raw.toString('utf8'))));
  });
  report('baseline: JSON.parse', parseOnly);
  report('verify signature + zod parse', verifyAndParse, parseOnly);

  // Over HTTP against a real dev server: the webhook ack (signalWithStart) against GET /healthz on the same server.
  const temporal = await startTemporalDevServer();
  const { client, connection } = createGatewayClient(temporal.address);
  const gateway = buildGateway({
    config: { ZOOM_WEBHOOK_SECRET_TOKEN: SECRET, TEMPORAL_TASK_QUEUE: 'bench' },
    client,
    logger: pino({ level: 'silent' }),
  });
  const url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  try {
    const health = await timeEach(ROUNDS, () => axios.get(`${url}/healthz`));
    const acks = await timeEach(ROUNDS, (i) => deliverWebhook(`${url}/zoom/webhook`, cancelEvent(i), SECRET));
    const duplicates = await timeEach(ROUNDS, () => deliverWebhook(`${url}/zoom/webhook`, cancelEvent(0), SECRET));
    process.stdout.write('\n');
    report('baseline: GET /healthz', health);
    report('POST /zoom/webhook, new registrant (start)', acks, health);
    report('POST /zoom/webhook, same registrant (signal)', duplicates, health);
    await gateway.close();
    await connection.close();
    await benchApiCancellation(temporal.address);
  } finally {
    await temporal.stop();
  }
}

/** POST .../cancellations answered 200 (the workflow, a Zoom GET and DELETE, settled), against GET of a registrant. */
async function benchApiCancellation(address: string) {
  // Its own task queue: the webhook rounds above left hundreds of workflows on 'bench' with no worker.
  const taskQueue = 'bench-api';
  const { client, connection: clientConnection } = createGatewayClient(address);
  const gateway = buildGateway({
    config: { ZOOM_WEBHOOK_SECRET_TOKEN: SECRET, TEMPORAL_TASK_QUEUE: taskQueue, API_TOKEN },
    client,
    logger: pino({ level: 'silent' }),
  });
  const gatewayUrl = await gateway.listen({ port: 0, host: '127.0.0.1' });
  const credentials = { accountId: 'bench', clientId: 'bench', clientSecret: 'bench' };
  const emulator = new ZoomEmulator(credentials);
  await emulator.start();
  const config = parseConfig(workerConfigSchema, {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    ZOOM_ACCOUNT_ID: credentials.accountId,
    ZOOM_CLIENT_ID: credentials.clientId,
    ZOOM_CLIENT_SECRET: credentials.clientSecret,
    ZOOM_API_BASE_URL: emulator.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: emulator.tokenUrl,
    // The budget's pacing is measured, not its limit.
    ZOOM_LIGHT_RATE_LIMIT: '1000',
    ZOOM_MEDIUM_RATE_LIMIT: '1000',
  });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address });
  const workers = await createRegistrationWorkers({ config, connection });
  const running = Promise.all(workers.map((w) => w.run()));
  try {
    const webinar = emulator.addWebinar();
    const people = Array.from({ length: API_ROUNDS + 1 }, (_, i) =>
      emulator.addRegistrant(webinar.id, { email: `p${i}@example.com`, first_name: 'P' }),
    );
    const headers = { authorization: `Bearer ${API_TOKEN}` };
    const registrantUrl = (i: number) => `${gatewayUrl}/api/v1/webinars/${webinar.id}/registrants/${people[i]!.id}`;
    const cancel = async (i: number) => {
      const answer = await axios.post(`${registrantUrl(i)}/cancellations`, { by: 'registrant' }, { headers });
      if (answer.status !== 200) throw new Error(`cancellation answered ${answer.status}`);
    };
    // The first one warms the workers up (first polls, first OAuth token): not measured.
    await cancel(API_ROUNDS);
    const cancellations = await timeEach(API_ROUNDS, cancel);
    const reads = await timeEach(API_ROUNDS, (i) => axios.get(registrantUrl(i), { headers }));
    process.stdout.write('\n');
    report('baseline: GET a registrant (state query)', reads);
    report('POST cancellation by registrant, 200 settled', cancellations, reads);
    const before = POLLING_BEFORE;
    process.stdout.write(
      `${'  before, when the API polled (recorded)'.padEnd(48)} median ${before.median.toFixed(3)} ms  p99 ${before.p99.toFixed(3)} ms  ×${(before.median / before.readMedian).toFixed(2)} of baseline\n`,
    );
  } finally {
    workers.forEach((w) => w.shutdown());
    await running;
    await connection.close();
    await emulator.stop();
    await gateway.close();
    await clientConnection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
