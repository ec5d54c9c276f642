// The Zoom API budget's rule without Temporal: moments 1/limit apart per category, never sooner than the worker can
// hear of them, and a busy category does not delay the other.
import { MAX_LEAD_MS, bookMoments, type NextFree } from '../../src/workflows/zoom-budget/book';

const light = (count: number, leadMs = 0, limit = 5) => ({ category: 'light' as const, limit, count, leadMs });

test('a burst is spread 1/limit apart, and the next booking queues behind it', () => {
  const nextFree: NextFree = {};
  expect(bookMoments(nextFree, light(3), 10_000)).toEqual([10_000, 10_200, 10_400]);
  expect(bookMoments(nextFree, light(2), 10_050)).toEqual([10_600, 10_800]);
});

test('after an idle period, the first moment is now plus the lead, capped', () => {
  const nextFree: NextFree = { light: 1_000 };
  expect(bookMoments(nextFree, light(1, 40), 50_000)).toEqual([50_040]);
  expect(bookMoments(nextFree, light(1, 60_000), 90_000)).toEqual([90_000 + MAX_LEAD_MS]);
  expect(bookMoments(nextFree, light(1, -5), 200_000)).toEqual([200_000]);
});

test('the categories are separate budgets', () => {
  const nextFree: NextFree = {};
  bookMoments(nextFree, light(10), 0);
  expect(bookMoments(nextFree, { category: 'medium', limit: 20, count: 2, leadMs: 0 }, 0)).toEqual([0, 50]);
});

test('no one-second window ever holds more moments than the limit', () => {
  const nextFree: NextFree = {};
  const moments = [1, 7, 2, 30, 1, 1].flatMap((count, i) => bookMoments(nextFree, light(count, 0, 5), i * 300));
  for (const start of moments) {
    expect(moments.filter((m) => m >= start && m < start + 1000).length).toBeLessThanOrEqual(5);
  }
});
