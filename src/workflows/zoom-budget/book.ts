// The budget's one rule, with no Temporal in it: calls of a category are booked 1/limit seconds apart, never
// sooner than the asking worker can hear of them.
import type { ZoomBudgetPool } from '../../zoom/budget';
import type { BookingRequest } from './messages';

export type NextFree = Partial<Record<ZoomBudgetPool, number>>;

// A worker whose answers take longer than this is in trouble anyway; its calls then wait for its own pacing.
export const MAX_LEAD_MS = 1_000;

/** The moments (epoch ms) booked for `count` calls asked at `now`; moves `nextFree` on. */
export function bookMoments(nextFree: NextFree, { category, limit, count, leadMs }: BookingRequest, now: number) {
  const earliest = now + Math.min(Math.max(leadMs, 0), MAX_LEAD_MS);
  return Array.from({ length: count }, () => {
    const at = Math.max(earliest, nextFree[category] ?? 0);
    nextFree[category] = at + 1000 / limit;
    return at;
  });
}
