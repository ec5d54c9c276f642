// Acting in Zoom on a registrant's behalf. Zoom has no "cancel as the registrant" call: DELETE removes the record,
// which frees the person to register again; PUT status `cancel` is what an admin does and leaves them denied.
import { Context } from '@temporalio/activity';
import type { CancelledBy, Registrant } from '../domain/registration';
import type { Refusal } from '../domain/cancellation';
import type { ZoomEvent } from '../domain/zoom-event';
import { ZoomApiError, type RegistrantWrite, type ZoomClient, type ZoomMissing } from '../zoom/client';
import { zoomFailure } from './zoom-failure';

export interface CancelInZoomInput {
  zoomEvent: ZoomEvent;
  registrantId: string;
  occurrenceId: string | null;
  by: CancelledBy;
}

export type CancelInZoomResult =
  { done: true; zoomCall: 'DELETE' | 'PUT cancel'; registrant: Registrant | null } | { done: false; refusal: Refusal };

export async function cancelInZoom(zoom: ZoomClient, input: CancelInZoomInput): Promise<CancelInZoomResult> {
  const { zoomEvent, registrantId, occurrenceId, by } = input;
  const zoomCall = by === 'registrant' ? 'DELETE' : 'PUT cancel';
  // A retry may follow an attempt whose write reached Zoom but whose answer was lost: then Zoom already shows
  // the result of our own act, which is success, not a refusal.
  const retrying = Context.current().info.attempt > 1;
  return withZoomFailures<CancelInZoomResult>(
    async () => {
      const found = await zoom.getRegistrant(zoomEvent, registrantId, occurrenceId);
      if (!found.found) {
        if (retrying && by === 'registrant' && found.missing === 'registrant')
          return { done: true, zoomCall, registrant: null };
        return { done: false, refusal: missingRefusal(found) };
      }
      const registrant: Registrant = {
        id: registrantId,
        email: found.registrant.email,
        first_name: found.registrant.first_name,
        last_name: found.registrant.last_name ?? '',
      };
      const { status } = found.registrant;
      if (status === 'denied' && retrying && by === 'admin') return { done: true, zoomCall, registrant };
      if (status === 'denied' || status === 'all') {
        return {
          done: false,
          refusal: {
            status: 409,
            code: status === 'denied' ? 'not_cancellable' : 'already_cancelled',
            message:
              status === 'denied'
                ? 'Zoom shows the registrant as denied: there is no registration to cancel.'
                : 'Zoom shows the registrant as already cancelled.',
            zoom_code: null,
          },
        };
      }
      const write: RegistrantWrite =
        by === 'registrant'
          ? await zoom.deleteRegistrant(zoomEvent, registrantId, occurrenceId)
          : await zoom.updateRegistrantStatus(zoomEvent, registrantId, 'cancel', occurrenceId);
      return write.found ? { done: true, zoomCall, registrant } : { done: false, refusal: missingRefusal(write) };
    },
    (refusal) => ({ done: false, refusal }),
  );
}

/** RESTORE_REREGISTRATION: removes the denied record Zoom left after a self-cancel. True once it is gone. */
export async function deleteDeniedRegistrant(
  zoom: ZoomClient,
  input: Omit<CancelInZoomInput, 'by'>,
): Promise<{ deleted: boolean; detail: string }> {
  const result = await withZoomFailures<RegistrantWrite | Refusal>(
    () => zoom.deleteRegistrant(input.zoomEvent, input.registrantId, input.occurrenceId),
    (refusal) => refusal,
  );
  if ('zoom_code' in result) return { deleted: false, detail: result.message };
  if (result.found) return { deleted: true, detail: 'the denied record was deleted' };
  // Gone already (a retry after a lost answer, or someone else deleted it): the person can register again.
  if (result.missing === 'registrant') return { deleted: true, detail: 'the record was already gone' };
  return { deleted: false, detail: result.message };
}

function missingRefusal(missing: ZoomMissing): Refusal {
  return {
    status: 404,
    code: missing.missing === 'registrant' ? 'registrant_not_found' : `${missing.missing}_not_found`,
    message: missing.message,
    zoom_code: missing.code,
  };
}

/** Retryable Zoom failures go to Temporal's retry policy; a permanent one (refused, or our credentials) is an answer. */
async function withZoomFailures<T>(call: () => Promise<T>, refused: (refusal: Refusal) => T): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof ZoomApiError)) throw err;
    if (err.retryable) throw zoomFailure(err);
    // Zoom refusing our credentials is our fault, not the caller's: a bad gateway.
    const status = err.kind === 'auth' ? 502 : (err.status ?? 502);
    return refused({ status, code: 'zoom_refused', message: err.message, zoom_code: err.code });
  }
}
