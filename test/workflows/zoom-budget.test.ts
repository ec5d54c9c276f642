// The Zoom API budget's rule without Temporal: up to the limit's calls leave together, the next ones a window
// (1 s + LATE_MS + NETWORK_MS) after the calls they follow, never sooner than the worker can hear of them, and a busy category
// does not delay the other.
import fc from 'fast-check';
import {
  LATE_MS,
  MAX_LEAD_MS,
  NETWORK_MS,
  bookMoments,
  windowOf,
  type Booked,
} from '../../src/workflows/zoom-budget/book';

const WINDOW = 1000 + LATE_MS + NETWORK_MS;
const light = (count: number, leadMs = 0, limit = 5) => ({ category: 'light' as const, limit, count, leadMs });

test('calls up to the limit leave together; the next wait for the window of the calls they follow', () => {
  const booked: Booked = {};
  expect(bookMoments(booked, light(3), 10_000)).toEqual([10_000, 10_000, 10_000]);
  expect(bookMoments(booked, light(4), 10_050)).toEqual([10_050, 10_050, 10_000 + WINDOW, 10_000 + WINDOW]);
  expect(bookMoments(booked, light(1), 10_100)).toEqual([10_000 + WINDOW]);
  expect(bookMoments(booked, light(1), 10_100)).toEqual([10_050 + WINDOW]);
});

test('after an idle period, the first moment is now plus the lead, capped', () => {
  const booked: Booked = { light: [1_000] };
  expect(bookMoments(booked, light(1, 40), 50_000)).toEqual([50_040]);
  expect(bookMoments(booked, light(1, 60_000), 90_000)).toEqual([90_000 + MAX_LEAD_MS]);
  expect(bookMoments(booked, light(1, -5), 200_000)).toEqual([200_000]);
});

test('the categories are separate budgets', () => {
  const booked: Booked = {};
  bookMoments(booked, light(10), 0);
  expect(bookMoments(booked, { category: 'medium', limit: 2, count: 3, leadMs: 0 }, 0)).toEqual([0, 0, WINDOW]);
});

test('a share under one call a second books one call in a longer window; a fraction above books the whole calls', () => {
  expect(windowOf(0.5)).toEqual({ calls: 1, ms: 2000 + LATE_MS + NETWORK_MS });
  expect(windowOf(13.5)).toEqual({ calls: 13, ms: WINDOW });
  const booked: Booked = {};
  expect(bookMoments(booked, { category: 'reconcile', limit: 0.5, count: 2, leadMs: 0 }, 0)).toEqual([
    0,
    2000 + LATE_MS + NETWORK_MS,
  ]);
});

test('what it keeps between bookings is one window of calls, whatever was booked', () => {
  const booked: Booked = {};
  bookMoments(booked, light(40), 0);
  expect(booked.light).toHaveLength(5);
});

// The budget's promise, for any limit and any pattern of bookings: calls that reach Zoom within LATE_MS + NETWORK_MS
// of their moments never put more than the limit into any one second of Zoom's count.
test('no second of arrivals, each up to LATE_MS + NETWORK_MS after its moment, ever holds more calls than the limit', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }),
      fc.array(fc.record({ count: fc.integer({ min: 1, max: 40 }), gap: fc.integer({ min: 0, max: 1500 }) }), {
        minLength: 1,
        maxLength: 30,
      }),
      fc.array(fc.integer({ min: 0, max: LATE_MS + NETWORK_MS })),
      (limit, requests, delays) => {
        const booked: Booked = {};
        let now = 0;
        const moments = requests.flatMap(({ count, gap }) => {
          now += gap;
          return bookMoments(booked, light(count, 0, limit), now);
        });
        const arrivals = moments.map((m, i) => m + (delays[i % Math.max(delays.length, 1)] ?? 0)).sort((a, b) => a - b);
        return arrivals.every((start) => arrivals.filter((a) => a >= start && a < start + 1000).length <= limit);
      },
    ),
  );
});
