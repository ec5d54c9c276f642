// Zoom is eventually consistent: a change shows in GET and list answers only after a delay. Every change to a
// registrant is kept as a version that becomes visible at its time; reads see the newest visible one.
import type { Registrant } from './world';

interface Version {
  visibleAt: number;
  /** null: the registrant does not exist (not yet added, or deleted). */
  record: Registrant | null;
}

export class LaggingView {
  private readonly versions = new Map<string, Version[]>();

  /** Records a change; `before` is what readers saw until now, `after` what they see once the delay has passed. */
  change(key: string, before: Registrant | null, after: Registrant | null, delayMs: number, now = Date.now()): void {
    if (delayMs <= 0) {
      this.versions.delete(key);
      return;
    }
    const versions = this.versions.get(key) ?? [{ visibleAt: 0, record: before && { ...before } }];
    versions.push({ visibleAt: now + delayMs, record: after && { ...after } });
    this.versions.set(key, versions);
  }

  /** What a reader sees now; `live` when no change is pending. */
  read(key: string, live: Registrant | null, now = Date.now()): Registrant | null {
    const versions = this.versions.get(key);
    if (!versions) return live;
    const visible = versions.filter((v) => v.visibleAt <= now);
    if (visible.length === versions.length) {
      this.versions.delete(key);
      return live;
    }
    return visible.at(-1)?.record ?? null;
  }

  /** Keys with a pending change, so that a list can include registrants that are gone but still visible. */
  keys(): string[] {
    return [...this.versions.keys()];
  }
}
