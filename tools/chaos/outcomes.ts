// What each registrant's story must end in, the judgement of what the app was told and what the registrant was
// emailed against it, and how long to wait for it. Pure: the chaos run calls them with the app receiver's deliveries,
// the mail server's messages and Temporal's answers; the tests with made-up ones.
import type { AppCallback, CancellationOutcome } from '../../src/domain/callbacks';
import { emailKindOf, type EmailKind } from '../../src/domain/notices';
import type { CancelledBy } from '../../src/domain/registration';
import type { ReceivedCallback } from '../dev/app-receiver';

/** What a registrant does on Zoom during the run, after registering. */
export const STORIES = ['self-cancel', 'admin-cancel', 'approved', 'denied', 'stays'] as const;
export type Story = (typeof STORIES)[number];

interface ExpectedCallback {
  type: AppCallback['type'];
  cancelledBy?: CancelledBy;
}

/** The callbacks the app must get for a story, in this order, each exactly once (by webhook-id). */
export function expectedCallbacks(story: Story): ExpectedCallback[] {
  const created: ExpectedCallback = { type: 'registrant.created' };
  switch (story) {
    case 'self-cancel':
      return [created, { type: 'registrant.cancelled', cancelledBy: 'registrant' }];
    case 'admin-cancel':
      return [created, { type: 'registrant.cancelled', cancelledBy: 'admin' }];
    case 'approved':
      return [created, { type: 'registrant.approved' }];
    case 'denied':
      return [created, { type: 'registrant.denied' }];
    case 'stays':
      return [created];
  }
}

/**
 * The emails a story must send the registrant, read off its callbacks so that the two cannot disagree: the workflow
 * emails where it settles a cancellation (by who cancelled: the run cancels nothing through the API) or a
 * reinstatement, and nowhere else (a case in review sends none until it is resolved).
 */
export function expectedEmails(story: Story): EmailKind[] {
  return expectedCallbacks(story).flatMap(({ type, cancelledBy }): EmailKind[] => {
    if (type === 'registrant.reinstated') return ['reinstated'];
    // emailKindOf reads only who cancelled; the rest of the outcome is Zoom's word, which no story fixes.
    if (type === 'registrant.cancelled' && cancelledBy) {
      return [emailKindOf({ cancelled_by: cancelledBy } as CancellationOutcome, false)];
    }
    return [];
  });
}

export interface Verdict {
  registrantId: string;
  story: Story;
  /** Expected callbacks the app never accepted. */
  lost: string[];
  /** The `created` callback was not told: a later one had gone out first, or Zoom never delivered the event. */
  createdSuperseded: boolean;
  /** Callbacks of one type the app was told more than once under different webhook-ids: two outcomes for one fact. */
  duplicated: string[];
  /** Callbacks that should not exist (another type, or the wrong canceller). */
  wrong: string[];
  /** The distinct callbacks did not first arrive in the order of their events. */
  outOfOrder: boolean;
  /** Accepted deliveries of a webhook-id the app already had: at-least-once delivery, which the app de-duplicates. */
  redelivered: number;
}

/**
 * Judges one registrant's accepted deliveries (every one, redeliveries included, in arrival order).
 * `createdPassedOver`: the workflow said it did not tell the `created` because the app already had a later callback,
 * or Zoom gave up on delivering the `created` and a later event told the app of the registrant.
 */
export function judge(
  registrantId: string,
  story: Story,
  deliveries: readonly ReceivedCallback[],
  { createdPassedOver }: { createdPassedOver: boolean },
): Verdict {
  const firstArrivals = new Map<string, AppCallback>();
  for (const d of deliveries) if (!firstArrivals.has(d.webhookId)) firstArrivals.set(d.webhookId, d.callback);
  const distinct = [...firstArrivals.values()];
  const expected = expectedCallbacks(story);

  const missing = expected.filter((e) => !distinct.some((c) => c.type === e.type)).map((e) => e.type);
  // A `created` that reached the workflow only after a later callback went out is not told (the app's view only
  // moves forward), nor one that never reached it; the later callback carries the registrant.
  const superseded = missing.includes('registrant.created') && distinct.length > 0 && createdPassedOver;
  const lost = missing.filter((type) => !(superseded && type === 'registrant.created'));
  const duplicated = expected.filter((e) => distinct.filter((c) => c.type === e.type).length > 1).map((e) => e.type);
  const wrong = distinct.flatMap((c) => {
    const wanted = expected.find((e) => e.type === c.type);
    if (!wanted) return [c.type];
    if (c.type === 'registrant.cancelled' && c.data.cancelled_by !== wanted.cancelledBy) {
      return [`${c.type} by ${c.data.cancelled_by}`];
    }
    return [];
  });
  const outOfOrder = distinct.some((c, i) => i > 0 && c.data.event_ts < (distinct[i - 1]?.data.event_ts ?? 0));
  return {
    registrantId,
    story,
    lost,
    createdSuperseded: superseded,
    duplicated,
    wrong,
    outOfOrder,
    redelivered: deliveries.length - firstArrivals.size,
  };
}

export const settled = (v: Verdict) => v.lost.length === 0 && v.duplicated.length === 0 && v.wrong.length === 0;

/** An email the workflow recorded in its state, under the Message-ID its id becomes. */
export interface RecordedEmail {
  kind: EmailKind;
  messageId: string;
}

export interface EmailVerdict {
  registrantId: string;
  story: Story;
  /** Emails the story must send (by kind) that the mail server never took under the Message-ID the workflow recorded. */
  lost: EmailKind[];
  /** Kinds the story owes once that went out under more than one Message-ID: two emails about one outcome. */
  duplicated: EmailKind[];
  /**
   * Copies of a Message-ID the server had taken already, as callbacks count redeliveries of a webhook-id: a worker
   * killed after the server took a message and before it said so sends it again, which SMTP cannot rule out; the
   * same Message-ID lets a mail program show one.
   */
  copies: number;
  /**
   * Emails that should not exist: of a kind the story has no place for, a second one of its kind (another outcome),
   * or under a Message-ID the workflow never recorded.
   */
  wrong: string[];
}

/**
 * Judges the emails the mail server took for one registrant (`messageIds`, every copy, in arrival order) against the
 * story and the emails the workflow recorded.
 */
export function judgeEmails(
  registrantId: string,
  story: Story,
  messageIds: readonly string[],
  recorded: readonly RecordedEmail[],
): EmailVerdict {
  const expected = expectedEmails(story);
  const owed = expected.flatMap((kind) => recorded.find((r) => r.kind === kind) ?? []);
  const lost = expected.filter((kind) => !owed.some((r) => r.kind === kind && messageIds.includes(r.messageId)));
  const distinct = [...new Set(messageIds)];
  const kindOf = (id: string) => recorded.find((r) => r.messageId === id)?.kind;
  const duplicated = expected.filter((kind) => distinct.filter((id) => kindOf(id) === kind).length > 1);
  const copies = messageIds.length - distinct.length;
  const wrong = distinct
    .filter((id) => !owed.some((r) => r.messageId === id))
    .map((id) => kindOf(id) ?? `unrecorded ${id}`);
  return { registrantId, story, lost, duplicated, copies, wrong };
}

export const emailsSettled = (v: EmailVerdict) =>
  v.lost.length === 0 && v.duplicated.length === 0 && v.wrong.length === 0;

export interface OutcomeWait<Registrant> {
  /** The registrants whose outcomes are not all in yet. */
  unsettled: () => Registrant[];
  /** Whether any of these registrants' workflows is still retrying an activity: its outcome may yet come. */
  stillRetrying: (registrants: Registrant[]) => Promise<boolean>;
  deadline: number;
  /** How long past the deadline to wait for workflows still retrying. */
  graceMs: number;
  now?: () => number;
  pause?: () => Promise<void>;
}

/**
 * Waits for every outcome until the deadline, and past it while a workflow whose outcome is missing is still
 * retrying (up to the grace); what is missing then is lost. Returns how many registrants were waited for past the
 * deadline.
 */
export async function waitForOutcomes<Registrant>({
  unsettled,
  stillRetrying,
  deadline,
  graceMs,
  now = Date.now,
  pause = () => new Promise((resolve) => setTimeout(resolve, 500)),
}: OutcomeWait<Registrant>): Promise<number> {
  let waitedFor = 0;
  for (let missing = unsettled(); missing.length > 0; missing = unsettled()) {
    if (now() >= deadline) {
      if (now() >= deadline + graceMs || !(await stillRetrying(missing))) break;
      waitedFor = Math.max(waitedFor, missing.length);
    }
    await pause();
  }
  return waitedFor;
}
