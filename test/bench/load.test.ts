// The benchmarks' own arithmetic: what they report is only as good as this.
import { offerLoad, percentile } from '../../bench/load';

test('percentiles are nearest-rank: p99 of 100 samples is the 99th, not the largest', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(hundred, 0.99)).toBe(99);
  expect(percentile(hundred, 0.5)).toBe(50);
  expect(percentile([3, 1, 2], 0.5)).toBe(2);
  expect(percentile([7], 0.99)).toBe(7);
  expect(percentile([], 0.5)).toBeNaN();
});

test('an open loop offers its rate whatever the answers, and counts a failure with its time to fail', async () => {
  const called: number[] = [];
  const figures = await offerLoad(
    async (n) => {
      called.push(n);
      // Every other call fails after 30 ms; the others answer after 10 ms.
      const fails = n % 2 === 1;
      await new Promise((resolve) => setTimeout(resolve, fails ? 30 : 10));
      if (fails) throw new Error('refused');
    },
    { seconds: 1, rate: 40, concurrency: 100 },
  );
  expect(called).toEqual(Array.from({ length: 40 }, (_, i) => i));
  expect(figures.ok + figures.failed).toBe(40);
  expect(figures.failed).toBe(20);
  expect(figures.p99Ms).toBeGreaterThanOrEqual(30);
  expect(figures.p50Ms).toBeGreaterThanOrEqual(10);
});
