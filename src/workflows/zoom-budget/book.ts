// The budget's one rule, with no Temporal in it: no window (a second and two margins) holds more moments of a pool
// than the calls Zoom allows it in a second, and no moment is sooner than the asking worker can hear of it. Calls
// may leave together (an API cancellation's read, write and read-back need not wait on each other). A call leaves at
// most LATE_MS after its moment or books again, and reaches Zoom within NETWORK_MS more, so the calls Zoom counts in
// any second were booked within one window of each other: never more than the limit.
import type { ZoomBudgetPool } from '../../zoom/budget';
import type { BookingRequest } from './messages';

/** How late a call may leave after its booked moment (a busy event loop) before it books again. */
export const LATE_MS = 100;
/**
 * How much later than it left a call may be counted, which no worker can check: the network, Zoom's own clock. A
 * burst moves all its calls at once, so a late burst would share a second with the next (seen in CI without it).
 */
export const NETWORK_MS = 100;

/** The last moments booked per pool, oldest first: as many as one window may hold. */
export type Booked = Partial<Record<ZoomBudgetPool, number[]>>;

// A worker whose answers take longer than this is in trouble anyway; its calls then wait for their moments.
export const MAX_LEAD_MS = 1_000;

/**
 * Calls a pool may book in one window, and the window: Zoom's limits are whole calls per second; a pool's share of
 * one may not be (the sweep's tenth of Medium), and then it books the whole calls only, or one call in a longer
 * window under one call a second.
 */
export function windowOf(limit: number): { calls: number; ms: number } {
  return { calls: Math.max(1, Math.floor(limit)), ms: Math.max(1000, 1000 / limit) + LATE_MS + NETWORK_MS };
}

/** The moments (epoch ms) booked for `count` calls asked at `now`; records them in `booked`. */
export function bookMoments(booked: Booked, { category, limit, count, leadMs }: BookingRequest, now: number) {
  const window = windowOf(limit);
  const earliest = now + Math.min(Math.max(leadMs, 0), MAX_LEAD_MS);
  const recent = booked[category] ?? [];
  const moments = Array.from({ length: count }, () => {
    // A moment never goes before the last one booked, so the window's oldest is the one `calls` back.
    const oldest = recent.length >= window.calls ? recent[recent.length - window.calls]! : -Infinity;
    const at = Math.max(earliest, recent.at(-1) ?? -Infinity, oldest + window.ms);
    recent.push(at);
    return at;
  });
  booked[category] = recent.slice(-window.calls);
  return moments;
}
