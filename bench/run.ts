// `npm run bench`: how fast the gateway acknowledges Zoom, measured against a baseline in the same run.
// Prints figures; asserts nothing. Timings on a shared machine are noisy: read the medians and the ratios.
import { performance } from 'node:perf_hooks';
import axios from 'axios';
import pino from 'pino';
import { startTemporalDevServer } from '../src/dev/temporal-server';
import { buildGateway } from '../src/gateway/server';
import { deliverWebhook } from '../src/sandbox/webhooks';
import { createGatewayClient } from '../src/gateway/temporal-client';
import { verifyZoomSignature, zoomSignature } from '../src/zoom/signature';
import { registrationEventSchema } from '../src/zoom/webhook';

const SECRET = 'bench-secret';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
const p95 = (samples: number[]) => [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.95)] ?? NaN;

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
    `${name.padEnd(48)} median ${median(samples).toFixed(3)} ms  p95 ${p95(samples).toFixed(3)} ms${ratio}\n`,
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
  } finally {
    await gateway.close();
    await connection.close();
    await temporal.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
