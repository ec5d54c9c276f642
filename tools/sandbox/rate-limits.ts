// Zoom's rate limits (zoom-platform.md 6), counted per account like Zoom does (one emulator is one account): the
// per-second limits by label, and the daily limits per registrant (3 adds per email, 10 status updates per registrant
// and webinar), which reset at 00:00 UTC. The plan-wide daily pools are not emulated.
import type { SandboxSettings } from './settings';

export type RateLimitLabel = 'Light' | 'Medium';

/** Requests per second, from Zoom's own rate-limit guide ([RL-SKILL]). */
export const PLAN_LIMITS: Record<Exclude<SandboxSettings['plan'], 'unlimited'>, Record<RateLimitLabel, number>> = {
  free: { Light: 4, Medium: 2 },
  pro: { Light: 30, Medium: 20 },
  business: { Light: 80, Medium: 60 },
};

/** The per-registrant daily limits, and the words of Zoom's 429 for them. */
export const DAILY_LIMITS = {
  add: { limit: 3, api: 'Add a webinar registrant' },
  status: { limit: 10, api: "Update a webinar registrant's status" },
} as const;

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

  private readonly daily = new Map<string, { day: string; count: number }>();

  /** One more request of a daily-limited kind for `who`; a 429 answer once the day's count is spent. */
  checkDaily(
    plan: SandboxSettings['plan'],
    kind: keyof typeof DAILY_LIMITS,
    who: string,
    now = new Date(),
  ): { headers: Record<string, string>; message: string } | null {
    if (plan === 'unlimited') return null;
    const day = now.toISOString().slice(0, 10);
    const key = `${kind}:${who}`;
    const seen = this.daily.get(key);
    const count = seen?.day === day ? seen.count : 0;
    const { limit, api } = DAILY_LIMITS[kind];
    if (count < limit) {
      this.daily.set(key, { day, count: count + 1 });
      return null;
    }
    const midnight = new Date(`${day}T00:00:00Z`);
    midnight.setUTCDate(midnight.getUTCDate() + 1);
    return {
      // A daily limit's Retry-After is the ISO time it resets (zoom-platform.md 6).
      headers: {
        'x-ratelimit-type': 'Daily-limit',
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': '0',
        'retry-after': midnight.toISOString().replace(/\.\d+Z$/, 'Z'),
      },
      message: `You have exceeded the daily rate limit (${limit}) of ${api} API requests permitted for this particular registrant. You may resume these requests at GMT 00:00:00.`,
    };
  }
}

/** The most requests that started within any one second: a sliding window over their start times, as Zoom counts. */
export function peakPerSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  for (let start = 0, end = 0; start < sorted.length; start++) {
    while (end < sorted.length && (sorted[end] as number) < (sorted[start] as number) + 1000) end++;
    peak = Math.max(peak, end - start);
  }
  return peak;
}
