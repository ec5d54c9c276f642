// Load, two ways. At saturation, webhooks over HTTP from autocannon (each request a new event, signed as Zoom signs
// it). At a fixed rate, an open loop of any call (a webhook, the plain client's signalWithStart): autocannon's own
// rate limiting reports latencies below the server's own delay (107 ms for a 200 ms answer), so it is not used there.
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { signedRequest } from '../tools/sandbox/webhooks';

export interface LoadFigures {
  /** Answered with 2xx per second of the phase. */
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  /** Non-2xx answers and connection errors: anything Zoom would redeliver. */
  failed: number;
}

export interface LoadShape {
  seconds: number;
  /** Requests per second offered; at saturation when unset. */
  rate?: number;
  /** Requests in flight at most. */
  concurrency: number;
}

/** POSTs a fresh signed webhook body per request to `url`, from `concurrency` connections, as fast as it answers. */
export async function saturateWithWebhooks(
  url: string,
  secret: string,
  body: (n: number) => unknown,
  { seconds, concurrency }: Omit<LoadShape, 'rate'>,
): Promise<LoadFigures> {
  let sent = 0;
  const result = await autocannon({
    url,
    connections: concurrency,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const signed = signedRequest(body(sent++), secret);
          return { ...request, body: signed.rawBody, headers: { ...request.headers, ...signed.headers } };
        },
      },
    ],
  });
  return {
    perSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors,
  };
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `call` for `seconds`: at `rate` per second on schedule whatever the answers (an open loop, as Zoom sends;
 * latency counts from the scheduled moment, so a late start counts too), or, without a rate, from `concurrency`
 * loops as fast as it answers.
 */
export async function offerLoad(
  call: (n: number) => Promise<unknown>,
  { seconds, rate, concurrency }: LoadShape,
): Promise<LoadFigures> {
  const latencies: number[] = [];
  let failed = 0;
  let n = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  const once = async (at = performance.now()) => {
    try {
      await call(n++);
      latencies.push(performance.now() - at);
    } catch {
      failed += 1;
    }
  };
  if (rate) {
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; started + (i * 1000) / rate < end; i += 1) {
      const scheduled = started + (i * 1000) / rate;
      await sleep(scheduled - performance.now());
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
      const request = once(scheduled).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
    await Promise.all(inFlight);
  } else {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < end) await once();
      }),
    );
  }
  const elapsed = (performance.now() - started) / 1000;
  return {
    perSecond: latencies.length / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ok: latencies.length,
    failed,
  };
}
