// Writes of ours in Zoom: cancelling on the app's request (Zoom cannot cancel on a registrant's behalf, so DELETE
// stands for "the registrant cancelled" and PUT status cancel for "an admin did"), and RESTORE_REREGISTRATION.
// Zoom answers such a write with a `registration_cancelled` webhook: an echo, recognised as ours.
import { ActivityFailure, log, setCurrentDetails } from '@temporalio/workflow';
import type { CancelInZoomResult } from '../../activities/cancel-in-zoom';
import type { CancelledOutcome } from '../../domain/callbacks';
import type { CancellationRequest } from '../../domain/cancellation';
import type { CancellationDecision } from '../../domain/decision';
import type { Evidence } from '../../domain/evidence';
import { errorMessage } from '../../errors';
import { callbackAbout } from './callbacks';
import type { RegistrantContext } from './context';

type SettledCancellation = Extract<CancellationDecision, { kind: 'cancelled' }>;

/** A cancellation the app asked for through the API: our own act is the strongest evidence (design.md 5). */
export async function cancelOnBehalf(ctx: RegistrantContext, request: CancellationRequest): Promise<void> {
  const { registrant, activities } = ctx;
  const { webinar_id: webinarId, registrant_id: registrantId } = registrant.view;
  setCurrentDetails(
    `Cancelling in Zoom on the app's request ${request.id} (by ${request.by}): ${request.by === 'registrant' ? 'DELETE' : 'PUT status cancel'}.`,
  );
  const actedAt = Date.now();
  const result = await ownZoomWrite(
    ctx,
    () =>
      activities
        .cancelInZoom({ webinarId, registrantId, occurrenceId: registrant.view.occurrence_id, by: request.by })
        .catch((err: unknown): CancelInZoomResult => {
          if (!(err instanceof ActivityFailure)) throw err;
          const message = `Zoom did not accept the cancellation within LOOKUP_TIMEOUT: ${errorMessage(err)}`;
          return { done: false, refusal: { status: 503, code: 'zoom_unavailable', message, zoom_code: null } };
        }),
    (r) => r.done,
  );
  if (!result.done) {
    registrant.requests.refuse(request.id, result.refusal);
    log.info('API cancellation refused', { cancellationId: request.id, code: result.refusal.code });
    return;
  }

  registrant.identify(result.registrant);
  const evidence: Evidence = {
    source: 'api',
    lookup: null,
    operator: request.by,
    follow_ups: [],
    api_request: { cancellation_id: request.id, reason: request.reason, zoom_call: result.zoomCall },
  };
  registrant.openCase(evidence);
  const outcome = {
    cancelled_by: request.by,
    // DELETE frees the person; PUT cancel leaves them denied (zoom-platform.md 1.3, 1.4).
    can_reregister: request.by === 'registrant',
    zoom_status: request.by === 'registrant' ? ('removed' as const) : ('denied' as const),
  };
  registrant.settle(outcome);
  ctx.enter(request.by === 'registrant' ? 'self_cancelled' : 'admin_cancelled', actedAt, true);
  // The API's cancellation id is the request's correlation id: the gateway logs it, and answers it to the app.
  const outbound = callbackAbout(
    ctx.subject(actedAt, registrant.view.occurrence_id),
    { type: 'registrant.cancelled', outcome, evidence },
    request.id,
  );
  // Settled once Zoom has acted: the API can answer even while the app's callback is still being delivered.
  registrant.requests.settle(request.id, outbound.callback.data as CancelledOutcome);
  await ctx.tell(outbound);
}

/** RESTORE_REREGISTRATION: Zoom denied a registrant who cancelled themselves; deleting the record frees them. */
export async function restoreReregistration(
  ctx: RegistrantContext,
  decision: SettledCancellation,
  evidence: Evidence,
  occurrenceId: string | null,
): Promise<SettledCancellation> {
  const { webinar_id: webinarId, registrant_id: registrantId } = ctx.registrant.view;
  setCurrentDetails('Self-cancelled but denied by Zoom: deleting the denied record so the person can register again.');
  const restored = await ownZoomWrite(
    ctx,
    () =>
      ctx.activities.deleteDeniedRegistrant({ webinarId, registrantId, occurrenceId }).catch((err: unknown) => {
        if (!(err instanceof ActivityFailure)) throw err;
        return { deleted: false, detail: errorMessage(err) };
      }),
    (r) => r.deleted,
  );
  evidence.reregistration_restored = restored.deleted;
  if (!restored.deleted) {
    log.warn('the denied record could not be deleted: the registrant stays blocked', { detail: restored.detail });
    return decision;
  }
  return { ...decision, canReregister: true, zoomStatus: 'removed' };
}

/** Runs one write of ours in Zoom, so that the cancellation webhooks it provokes are recognised as echoes. */
async function ownZoomWrite<T>(
  ctx: RegistrantContext,
  write: () => Promise<T>,
  succeeded: (result: T) => boolean,
): Promise<T> {
  ctx.registrant.ownWrites.begin(Date.now());
  const result = await write();
  // A write that failed provoked nothing: what arrived meanwhile are real cancellations.
  ctx.registrant.ownWrites.end(succeeded(result)).forEach((cancel) => ctx.settleInTurn(cancel));
  return result;
}
