// The chaos run's judgement of what the app was told, against made-up deliveries: every way an outcome can be lost,
// told twice, wrong or out of order is named, and redeliveries of one webhook-id are at-least-once, not duplicates.
import type { AppCallback } from '../../../src/domain/callbacks';
import type { ReceivedCallback } from '../../../tools/dev/app-receiver';
import {
  emailsSettled,
  expectedEmails,
  judge as judgeWith,
  judgeEmails,
  settled,
  waitForOutcomes,
  type Story,
} from '../../../tools/chaos/outcomes';

const judge = (id: string, story: Story, deliveries: ReceivedCallback[]) =>
  judgeWith(id, story, deliveries, { createdPassedOver: false });

const registrant = { id: 'r1', email: 'r1@example.test', first_name: 'R', last_name: 'One' };
const evidence = { lookup: 'not_found', operator: 'registrant', follow_ups: [] } as never;

function received(type: AppCallback['type'], eventTs: number, extra: Record<string, unknown> = {}): ReceivedCallback {
  const data = { webinar_id: 'w', occurrence_id: null, registrant, event_ts: eventTs, ...extra };
  return {
    webhookId: `zr_w_r1_${eventTs}_${type}`,
    callback: { type, timestamp: '2026-12-02T00:00:00.000Z', data } as AppCallback,
    correlationId: null,
  };
}
const cancelled = (eventTs: number, by: 'registrant' | 'admin') =>
  received('registrant.cancelled', eventTs, {
    cancelled_by: by,
    can_reregister: by === 'registrant',
    zoom_status: 'removed',
    evidence,
  });

test('a self-cancel told as created then cancelled by the registrant is settled', () => {
  const verdict = judge('r1', 'self-cancel', [received('registrant.created', 1), cancelled(2, 'registrant')]);
  expect(settled(verdict)).toBe(true);
  expect(verdict).toMatchObject({ lost: [], duplicated: [], wrong: [], outOfOrder: false, redelivered: 0 });
});

test('the same webhook-id delivered again is a redelivery, not a duplicate', () => {
  const twice = [received('registrant.created', 1), received('registrant.created', 1), cancelled(2, 'admin')];
  expect(judge('r1', 'admin-cancel', twice)).toMatchObject({ duplicated: [], redelivered: 1 });
});

test('a missing outcome is lost; a missing created is lost unless the workflow said a later callback went first', () => {
  expect(judge('r1', 'denied', [received('registrant.created', 1)]).lost).toEqual(['registrant.denied']);
  expect(judge('r1', 'stays', []).lost).toEqual(['registrant.created']);
  expect(judge('r1', 'self-cancel', [cancelled(2, 'registrant')]).lost).toEqual(['registrant.created']);
  const superseded = judgeWith('r1', 'self-cancel', [cancelled(2, 'registrant')], { createdPassedOver: true });
  expect(superseded).toMatchObject({ lost: [], createdSuperseded: true });
  expect(settled(superseded)).toBe(true);
  // Nothing later was told: the workflow cannot have passed over the created for it.
  expect(judgeWith('r1', 'stays', [], { createdPassedOver: true }).lost).toEqual(['registrant.created']);
});

test('two cancellations under different webhook-ids are a duplicated outcome', () => {
  const verdict = judge('r1', 'self-cancel', [
    received('registrant.created', 1),
    cancelled(2, 'registrant'),
    cancelled(3, 'registrant'),
  ]);
  expect(verdict.duplicated).toEqual(['registrant.cancelled']);
  expect(settled(verdict)).toBe(false);
});

test('the wrong canceller, or a callback the story has no place for, is wrong', () => {
  expect(judge('r1', 'self-cancel', [received('registrant.created', 1), cancelled(2, 'admin')]).wrong).toEqual([
    'registrant.cancelled by admin',
  ]);
  const review = judge('r1', 'stays', [received('registrant.created', 1), received('registrant.needs_review', 2)]);
  expect(review.wrong).toEqual(['registrant.needs_review']);
});

test('callbacks whose first arrivals go back in event time are out of order', () => {
  const verdict = judge('r1', 'approved', [received('registrant.approved', 2), received('registrant.created', 1)]);
  expect(verdict.outOfOrder).toBe(true);
  expect(verdict.lost).toEqual([]);
});

describe('waiting for the outcomes', () => {
  // A clock that moves a second per pause; `missingUntil` says until when each registrant's outcome is missing.
  function world(missingUntil: Record<string, number>, retrying: (id: string, now: number) => boolean) {
    let now = 0;
    const asked: number[] = [];
    const wait = waitForOutcomes({
      unsettled: () => Object.keys(missingUntil).filter((id) => now < (missingUntil[id] as number)),
      stillRetrying: (ids) => {
        asked.push(now);
        return Promise.resolve(ids.some((id) => retrying(id, now)));
      },
      deadline: 10_000,
      graceMs: 60_000,
      now: () => now,
      pause: () => Promise.resolve(void (now += 1_000)),
    });
    return { wait, asked, at: () => now };
  }

  test('ends when every outcome is in, without asking Temporal before the deadline', async () => {
    const w = world({ r1: 3_000, r2: 7_000 }, () => true);
    await expect(w.wait).resolves.toBe(0);
    expect(w.at()).toBe(7_000);
    expect(w.asked).toEqual([]);
  });

  test('past the deadline, waits on while a missing outcome is still being retried, and says for how many', async () => {
    const w = world({ r1: 25_000, r2: 4_000 }, (id) => id === 'r1');
    await expect(w.wait).resolves.toBe(1);
    expect(w.at()).toBe(25_000);
  });

  test('at the deadline, stops for a missing outcome whose workflow has nothing pending: it is lost', async () => {
    const w = world({ r1: 25_000 }, () => false);
    await expect(w.wait).resolves.toBe(0);
    expect(w.at()).toBe(10_000);
  });

  test('a workflow that retries for ever is waited for only up to the grace', async () => {
    const w = world({ r1: Infinity }, () => true);
    await expect(w.wait).resolves.toBe(1);
    expect(w.at()).toBe(70_000);
  });
});

describe('emails', () => {
  const self = { kind: 'self_cancelled' as const, messageId: '<zr_1_r1_5_self_cancelled@chaos.example>' };

  test('owed by the stories that settle a cancellation, read off their callbacks', () => {
    expect(expectedEmails('self-cancel')).toEqual(['self_cancelled']);
    expect(expectedEmails('admin-cancel')).toEqual(['admin_cancelled']);
    expect(expectedEmails('approved')).toEqual([]);
    expect(expectedEmails('stays')).toEqual([]);
  });

  test('one under the recorded Message-ID: settled; the same Message-ID again is a copy, not a duplicate', () => {
    const once = judgeEmails('r1', 'self-cancel', [self.messageId], [self]);
    expect(emailsSettled(once)).toBe(true);
    const twice = judgeEmails('r1', 'self-cancel', [self.messageId, self.messageId], [self]);
    expect(twice).toMatchObject({ lost: [], duplicated: [], wrong: [], copies: 1 });
    expect(emailsSettled(twice)).toBe(true);
  });

  test('lost when the server never took it; wrong when nothing owes it or the workflow never recorded it', () => {
    expect(judgeEmails('r1', 'self-cancel', [], [self])).toMatchObject({ lost: ['self_cancelled'] });
    expect(judgeEmails('r1', 'self-cancel', [self.messageId], [])).toMatchObject({
      lost: ['self_cancelled'],
      wrong: [`unrecorded ${self.messageId}`],
    });
    expect(emailsSettled(judgeEmails('r1', 'stays', [self.messageId], [self]))).toBe(false);
  });

  test('two Message-IDs for one outcome the story owes once: duplicated', () => {
    const other = { kind: 'self_cancelled' as const, messageId: '<zr_1_r1_9_self_cancelled@chaos.example>' };
    const verdict = judgeEmails('r1', 'self-cancel', [self.messageId, other.messageId], [self, other]);
    expect(verdict.duplicated).toEqual(['self_cancelled']);
    expect(emailsSettled(verdict)).toBe(false);
  });
});
