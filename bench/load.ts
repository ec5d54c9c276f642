// Load, two ways. At saturation, webhooks over HTTP from autocannon (each request a new event, signed as Zoom signs
// it). At a fixed rate, an open loop of any call (a webhook, the plain client's signalWithStart): autocannon's own
// rate limiting reports latencies below the server's own delay (107 ms for a 200 ms answer), so it is not used there.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { signedRequest } from '../tools/sandbox/webhooks';

export interface LoadFigures {
  /** Successful answers per second, over the phase and the drain of what was still in flight at its end. */
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

/** The nearest-rank percentile: the smallest sample with at least `p` of them at or below it. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)] ?? NaN;
}

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
    } catch {
      failed += 1;
    }
    // A failure counts with its time to fail: leaving it out would make an overloaded approach look faster.
    latencies.push(performance.now() - at);
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
    perSecond: (latencies.length - failed) / elapsed,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    ok: latencies.length - failed,
    failed,
  };
}
