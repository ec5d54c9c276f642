// A cancellation the app asked for through the API. Zoom cannot cancel on a registrant's behalf, so DELETE stands
// for "the registrant cancelled" and PUT status cancel for "an admin did"; our own act is the strongest evidence
// (design.md 5), and the webhook Zoom answers it with is an echo (see echoes.ts).
import { ActivityFailure, log, setCurrentDetails } from '@temporalio/workflow';
import type { CancelInZoomResult } from '../../activities/cancel-in-zoom';
import type { CancelledOutcome } from '../../domain/callbacks';
import type { CancellationRequest } from '../../domain/cancellation';
import { emailKindOf } from '../../domain/notices';
import { errorMessage } from '../../errors';
import { callbackAbout } from './callbacks';
import { currentDetails } from './details';
import type { RegistrantRun } from './run';

export async function cancelOnBehalf(run: RegistrantRun, request: CancellationRequest): Promise<void> {
  const { registrant, activities } = run;
  const { zoomEvent, registrantId } = registrant;
  setCurrentDetails(currentDetails.cancellingOnBehalf(request.id, request.by));
  const actedAt = Date.now();
  const result = await run.ourZoomWrite(
    () =>
      activities
        .cancelInZoom({ zoomEvent, registrantId, occurrenceId: registrant.view.occurrence_id, by: request.by })
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
  registrant.openCase({
    source: 'api',
    lookup: null,
    operator: request.by,
    follow_ups: [],
    api_request: { cancellation_id: request.id, reason: request.reason, zoom_call: result.zoomCall },
  });
  const outcome = {
    cancelled_by: request.by,
    // DELETE frees the person; PUT cancel leaves them denied (zoom-platform.md 1.3, 1.4).
    can_reregister: request.by === 'registrant',
    zoom_status: request.by === 'registrant' ? ('removed' as const) : ('denied' as const),
  };
  registrant.settle(outcome);
  run.enter(request.by === 'registrant' ? 'self_cancelled' : 'admin_cancelled', actedAt, true);
  const subject = registrant.subject(actedAt, registrant.view.occurrence_id);
  run.notify.email(emailKindOf(outcome, true), subject, outcome);
  // The API's cancellation id is the request's correlation id: the gateway logs it, and answers it to the app.
  const outbound = callbackAbout(
    subject,
    { type: 'registrant.cancelled', outcome, evidence: registrant.caseEvidence },
    request.id,
  );
  // Settled once Zoom has acted: the API can answer even while the app's callback is still being delivered.
  registrant.requests.settle(request.id, outbound.callback.data as CancelledOutcome);
  await run.tell(outbound);
}
