// Zoom's per-second rate limits by label (zoom-platform.md 6), counted per account like Zoom does: one emulator is
// one account. Daily limits are not emulated.
import type { SandboxSettings } from './settings';

export type RateLimitLabel = 'Light' | 'Medium';

/** Requests per second, from Zoom's own rate-limit guide ([RL-SKILL]). */
export const PLAN_LIMITS: Record<Exclude<SandboxSettings['plan'], 'unlimited'>, Record<RateLimitLabel, number>> = {
  free: { Light: 4, Medium: 2 },
  pro: { Light: 30, Medium: 20 },
  business: { Light: 80, Medium: 60 },
};

export type RateLimitVerdict =
  { allowed: true; headers: Record<string, string> } | { allowed: false; headers: Record<string, string> };

export class RateLimiter {
  // Start times of the requests of the last second, per label.
  private readonly recent = new Map<RateLimitLabel, number[]>();

  check(plan: SandboxSettings['plan'], label: RateLimitLabel, now = Date.now()): RateLimitVerdict | null {
    if (plan === 'unlimited') return null;
    const limit = PLAN_LIMITS[plan][label];
    const window = (this.recent.get(label) ?? []).filter((at) => at > now - 1000);
    this.recent.set(label, window);
    const base = { 'x-ratelimit-category': label, 'x-ratelimit-type': 'QPS', 'x-ratelimit-limit': String(limit) };
    if (window.length >= limit) {
      // Seconds until the oldest request of the window leaves it, at least one.
      const retryAfter = Math.max(1, Math.ceil((window[0]! + 1000 - now) / 1000));
      return {
        allowed: false,
        headers: { ...base, 'x-ratelimit-remaining': '0', 'retry-after': String(retryAfter) },
      };
    }
    window.push(now);
    return { allowed: true, headers: { ...base, 'x-ratelimit-remaining': String(limit - window.length) } };
  }
}
