// What an operator reads in the Web UI's current details of a settled case: who cancelled, what that leaves the
// person free to do, and what it was settled on, for each way a cancellation is settled.
import type { CancellationOutcome } from '../../src/domain/callbacks';
import type { Evidence } from '../../src/domain/evidence';
import { currentDetails, describeSettled } from '../../src/workflows/registrant/details';

const byRegistrant: CancellationOutcome = { cancelled_by: 'registrant', can_reregister: true, zoom_status: 'removed' };
const byAdmin: CancellationOutcome = { cancelled_by: 'admin', can_reregister: false, zoom_status: 'denied' };
const webhook = (over: Partial<Evidence>): Evidence => ({
  source: 'webhook',
  lookup: 'not_found',
  operator: 'registrant',
  follow_ups: [],
  ...over,
});

test.each([
  [
    'a self-cancel',
    byRegistrant,
    webhook({}),
    'Cancelled by the registrant: they may register again. Settled on the webhook, whose operator points at the registrant; the lookup: Zoom no longer has the registrant.',
  ],
  [
    "an admin's, after the follow-up window",
    byAdmin,
    webhook({ lookup: 'denied', operator: 'admin' }),
    'Cancelled by an admin: they may not register again with the same email. Settled on the webhook, whose operator points at an admin; the lookup: Zoom shows them denied; no approval within FOLLOW_UP_WINDOW.',
  ],
  [
    "an operator's verdict on a case Zoom could not answer",
    { ...byAdmin, zoom_status: 'unknown' as const },
    webhook({ lookup: 'webinar_not_found', operator: 'admin', resolved_by_operator: true }),
    "Cancelled by an admin: they may not register again with the same email. Settled on the webhook, whose operator points at an admin; the lookup: Zoom does not know the webinar; an operator's verdict.",
  ],
  [
    "the app's request",
    byRegistrant,
    webhook({
      source: 'api',
      lookup: null,
      api_request: { cancellation_id: 'order-1234', reason: null, zoom_call: 'DELETE' },
    }),
    "Cancelled by the registrant: they may register again. Settled on the app's request order-1234, which we carried out in Zoom (DELETE).",
  ],
  [
    "the sweep's, with the denied record deleted",
    byRegistrant,
    webhook({ source: 'reconciliation', lookup: 'denied', reregistration_restored: true }),
    "Cancelled by the registrant: they may register again. Settled on the reconciliation sweep's reading of Zoom's listings (Zoom never delivered the webhook); the lookup: Zoom shows them denied; no approval within FOLLOW_UP_WINDOW; the denied record Zoom left was deleted so they can register again.",
  ],
  [
    'reinstated, then cancelled again',
    byAdmin,
    webhook({ lookup: 'denied', operator: 'admin', follow_ups: [{ event: 'denied', event_ts: 2 }] }),
    'Cancelled by an admin: they may not register again with the same email. Settled on the webhook, whose operator points at an admin; the lookup: Zoom shows them denied; a follow-up denied event.',
  ],
] as const)('%s', (_case, outcome, evidence, expected) => {
  expect(describeSettled(outcome, evidence)).toBe(expected);
});

test('the idle details lead with the settled outcome, and say nothing of one where there is none', () => {
  const settled = currentDetails.idle({ state: 'admin_cancelled', outcome: byAdmin, evidence: null }, 3_600_000);
  expect(settled.split('\n\n')).toEqual([
    'State: admin_cancelled. Cancelled by an admin: they may not register again with the same email.',
    expect.stringMatching(/^Nothing is being settled: .* completes after 1 hour without one/),
  ]);
  expect(currentDetails.idle({ state: 'approved', outcome: null, evidence: null }, 60_000).split('\n\n')[0]).toBe(
    'State: approved.',
  );
});
