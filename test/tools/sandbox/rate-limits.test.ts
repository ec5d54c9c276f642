import { peakPerSecond } from '../../../tools/sandbox/rate-limits';

test('the sliding window counts the most requests started within one second', () => {
  expect(peakPerSecond([0, 200, 400, 600, 800, 1000, 1200])).toBe(5);
  expect(peakPerSecond([0, 10, 20, 30, 40, 50, 2000])).toBe(6);
  expect(peakPerSecond([1200, 0, 999])).toBe(2);
  expect(peakPerSecond([])).toBe(0);
});
