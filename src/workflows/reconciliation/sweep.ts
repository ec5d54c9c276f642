// The sweep's progress, with no Temporal in it: which webinar, listing and page come next, whom it has seen, and
// what it found. It is what a run hands to the next at continue-as-new, so a large webinar resumes where it was.
import { FINDINGS, type Approval, type Finding } from '../../domain/reconciliation';
import type { ListingPage, ListingPageInput, SweepPlan } from '../../activities/reconcile';
import { zoomEventIdField, type ZoomEvent } from '../../domain/zoom-event';
import type { ZoomEventSchedule } from '../../domain/occurrences';
import type { SweepReport, ZoomEventFindings } from './messages';

/** Zoom lists registrants by status: each listing is read in these three (zoom-platform.md 1.1). */
export const LISTED_STATUSES = ['approved', 'pending', 'denied'] as const;

export interface ZoomEventSweep {
  zoomEvent: ZoomEvent;
  /** What the events it hands over say happened by: when it began, less RECONCILE_GRACE. */
  observedAt: number;
  /** Null until the webinar is read. */
  known: KnownZoomEvent | null;
  /** Listings (occurrence × status) read so far, and the page of the current one to read next. */
  listing: number;
  pageToken: string | null;
  /** After the listings: the registrants we hold as registered, page by page, to find those gone from every list. */
  phase: 'listings' | 'held' | 'done';
  heldCursor: string | null;
  /** Registrants counted so far (each once, whatever its occurrences and statuses). */
  seen: string[];
  findings: ZoomEventFindings;
}

/** What one read of the webinar tells the sweep. */
export interface KnownZoomEvent {
  /** Its listings: one per occurrence not ended where registration is per occurrence, else the whole. */
  schedule: ZoomEventSchedule;
  /** Whether a missed registration Zoom lists as approved was approved by the host. */
  approval: Approval;
}

export interface SweepProgress {
  startedAt: string;
  plan: SweepPlan;
  done: ZoomEventFindings[];
  current: ZoomEventSweep | null;
}

function noFindings(zoomEvent: ZoomEvent): ZoomEventFindings {
  const counts = Object.fromEntries(FINDINGS.map((f) => [f, 0])) as Record<Finding, number>;
  return { ...zoomEventIdField(zoomEvent), listed: 0, ...counts, zoom_calls: 0, errors: [] };
}

export class Sweep {
  private readonly seen: Set<string>;
  private finishedAt: string | null = null;

  private constructor(private readonly progress: SweepProgress) {
    this.seen = new Set(progress.current?.seen ?? []);
  }

  static begin(plan: SweepPlan, startedAt: string): Sweep {
    return new Sweep({ startedAt, plan, done: [], current: null });
  }

  static resume(progress: SweepProgress): Sweep {
    return new Sweep(progress);
  }

  carry(): SweepProgress {
    const { current } = this.progress;
    return { ...this.progress, current: current && { ...current, seen: [...this.seen] } };
  }

  get report(): SweepReport {
    const { startedAt, done, current } = this.progress;
    return {
      started_at: startedAt,
      finished_at: this.finishedAt,
      webinars: current ? [...done, current.findings] : done,
    };
  }

  finish(at: string): void {
    this.finishedAt = at;
  }

  get knownSince(): number {
    return this.progress.plan.knownSince;
  }

  /** The webinar being swept, or the next one (begun at `now`); null once all are done. */
  current(now: number): ZoomEventSweep | null {
    const { plan, done } = this.progress;
    if (this.progress.current) return this.progress.current;
    const zoomEvent = plan.zoomEvents[done.length];
    if (zoomEvent === undefined) return null;
    this.seen.clear();
    this.progress.current = {
      zoomEvent,
      observedAt: now - plan.graceMs,
      known: null,
      listing: 0,
      pageToken: null,
      phase: 'listings',
      heldCursor: null,
      seen: [],
      findings: noFindings(zoomEvent),
    };
    return this.progress.current;
  }

  /** The webinar's sweep is over, done or not. */
  finishCurrent(): void {
    const { current } = this.progress;
    if (!current) return;
    this.progress.done.push(current.findings);
    this.progress.current = null;
  }

  /** What kept the webinar's sweep from going on: nobody is taken for gone from a listing not read to its end. */
  fail(target: ZoomEventSweep, reason: string): void {
    target.findings.errors.push(reason);
    target.phase = 'done';
  }

  scheduleKnown(target: ZoomEventSweep, schedule: ZoomEventSchedule, approval: Approval): void {
    target.known = { schedule, approval };
    target.findings.zoom_calls += 1;
    if (!this.nextPage(target)) target.phase = 'held';
  }

  /** The next page to read, or null once every listing has been read to its end. */
  nextPage(target: ZoomEventSweep): ListingPageInput | null {
    if (!target.known) return null;
    const { schedule, approval } = target.known;
    const occurrence = schedule.listings[Math.floor(target.listing / LISTED_STATUSES.length)];
    if (occurrence === undefined) return null;
    return {
      zoomEvent: target.zoomEvent,
      occurrenceId: occurrence,
      status: LISTED_STATUSES[target.listing % LISTED_STATUSES.length] as (typeof LISTED_STATUSES)[number],
      pageToken: target.pageToken,
      observedAt: target.observedAt,
      knownSince: this.knownSince,
      approval,
    };
  }

  /** A page was read: its registrants counted, and on to its next page, the next listing, or the held ones. */
  pageRead(target: ZoomEventSweep, page: ListingPage): void {
    target.findings.zoom_calls += 1;
    if (page.outcome === 'webinar_not_found') return this.fail(target, page.reason);
    if (page.outcome === 'token_expired') {
      target.pageToken = null;
      return;
    }
    this.count(target, page.findings, { listed: true });
    target.pageToken = page.nextPageToken;
    if (page.nextPageToken) return;
    target.listing += 1;
    if (!this.nextPage(target)) target.phase = 'held';
  }

  /** Of the registrants we hold as registered, those no listing showed. */
  unseen(registrantIds: string[]): string[] {
    return [...new Set(registrantIds)].filter((id) => !this.seen.has(id));
  }

  /** A page of the held registrants was looked through: on to the next page, or done. */
  heldRead(target: ZoomEventSweep, nextCursor: string | null, findings: Array<[string, Finding]>): void {
    this.count(target, findings, { listed: false });
    target.heldCursor = nextCursor;
    if (!nextCursor) target.phase = 'done';
  }

  private count(target: ZoomEventSweep, findings: Array<[string, Finding]>, { listed }: { listed: boolean }): void {
    for (const [id, finding] of findings) {
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      target.findings[finding] += 1;
      if (listed) target.findings.listed += 1;
    }
  }
}
