// Acting in Zoom on a registrant's behalf. Zoom has no "cancel as the registrant" call: DELETE removes the record,
// which frees the person to register again; PUT status `cancel` is what an admin does and leaves them denied (`deny`
// for a pending registrant, whose approval `cancel` would revoke has not been given). A write counts once Zoom's
// record shows it: a 204 has been seen to change nothing (emulator-fidelity.md #8).
import { Context, heartbeat, sleep } from '@temporalio/activity';
import type { CancelledBy, Registrant } from '../domain/registration';
import type { Refusal } from '../domain/cancellation';
import type { ZoomEvent } from '../domain/zoom-event';
import type { RegistrantWrite, ZoomApiError, ZoomClient, ZoomMissing } from '../zoom/client';
import { withZoomRefusals } from './zoom-failure';

export interface CancelInZoomInput {
  zoomEvent: ZoomEvent;
  registrantId: string;
  occurrenceId: string | null;
  by: CancelledBy;
}

type ZoomCall = 'DELETE' | 'PUT cancel' | 'PUT deny';

export type CancelInZoomResult =
  { done: true; zoomCall: ZoomCall; registrant: Registrant | null } | { done: false; refusal: Refusal };

/** Reads of Zoom's record after a write, a second apart (Zoom is eventually consistent), before it is called undone. */
const READS_AFTER_WRITE = 3;

export async function cancelInZoom(zoom: ZoomClient, input: CancelInZoomInput): Promise<CancelInZoomResult> {
  const { zoomEvent, registrantId, occurrenceId, by } = input;
  // A retry may follow an attempt whose write reached Zoom but whose answer was lost: then Zoom already shows
  // the result of our own act, which is success, not a refusal.
  const retrying = Context.current().info.attempt > 1;
  return withZoomRefusals<CancelInZoomResult>(
    async () => {
      // The read, the write and the read-back, booked in one go: the app waits.
      await zoom.bookAhead([
        'getRegistrant',
        by === 'registrant' ? 'deleteRegistrant' : 'updateRegistrantStatus',
        'getRegistrant',
      ]);
      const found = await zoom.getRegistrant(zoomEvent, registrantId, occurrenceId);
      if (!found.found) {
        if (retrying && by === 'registrant' && found.missing === 'registrant')
          return { done: true, zoomCall: 'DELETE', registrant: null };
        return { done: false, refusal: missingRefusal(found) };
      }
      const registrant: Registrant = {
        id: registrantId,
        email: found.registrant.email,
        first_name: found.registrant.first_name,
        last_name: found.registrant.last_name ?? '',
      };
      const { status } = found.registrant;
      // Which of cancel and deny the earlier attempt sent is not known now; both leave the registrant denied.
      if (status === 'denied' && retrying && by === 'admin') return { done: true, zoomCall: 'PUT cancel', registrant };
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
      const zoomCall: ZoomCall = by === 'registrant' ? 'DELETE' : status === 'pending' ? 'PUT deny' : 'PUT cancel';
      const write: RegistrantWrite =
        zoomCall === 'DELETE'
          ? await zoom.deleteRegistrant(zoomEvent, registrantId, occurrenceId)
          : await zoom.updateRegistrantStatus(
              zoomEvent,
              registrantId,
              zoomCall === 'PUT deny' ? 'deny' : 'cancel',
              occurrenceId,
            );
      if (!write.found) return { done: false, refusal: missingRefusal(write) };
      if (await showsOurWrite(zoom, input)) return { done: true, zoomCall, registrant };
      return {
        done: false,
        refusal: {
          status: 502,
          code: 'zoom_unchanged',
          message: `Zoom answered ${zoomCall} with success but still shows the registrant ${status}: nothing was cancelled.`,
          zoom_code: null,
        },
      };
    },
    (err) => ({ done: false, refusal: refusalOf(err) }),
  );
}

/** RESTORE_REREGISTRATION: removes the denied record Zoom left after a self-cancel. True once it is gone. */
export async function deleteDeniedRegistrant(
  zoom: ZoomClient,
  input: Omit<CancelInZoomInput, 'by'>,
): Promise<{ deleted: boolean; detail: string }> {
  const result = await withZoomRefusals<RegistrantWrite | Refusal>(
    () => zoom.deleteRegistrant(input.zoomEvent, input.registrantId, input.occurrenceId),
    refusalOf,
  );
  if ('zoom_code' in result) return { deleted: false, detail: result.message };
  if (result.found) return { deleted: true, detail: 'the denied record was deleted' };
  // Gone already (a retry after a lost answer, or someone else deleted it): the person can register again.
  if (result.missing === 'registrant') return { deleted: true, detail: 'the record was already gone' };
  return { deleted: false, detail: result.message };
}

/** Zoom's record after our write: gone after a DELETE, denied after a PUT. */
async function showsOurWrite(zoom: ZoomClient, { zoomEvent, registrantId, occurrenceId, by }: CancelInZoomInput) {
  for (let read = 1; read <= READS_AFTER_WRITE; read++) {
    const now = await zoom.getRegistrant(zoomEvent, registrantId, occurrenceId);
    const shown =
      by === 'registrant'
        ? !now.found && now.missing === 'registrant'
        : now.found && now.registrant.status === 'denied';
    if (shown) return true;
    if (read < READS_AFTER_WRITE) {
      heartbeat();
      await sleep(1_000);
    }
  }
  return false;
}

function missingRefusal(missing: ZoomMissing): Refusal {
  return {
    status: 404,
    code: missing.missing === 'registrant' ? 'registrant_not_found' : `${missing.missing}_not_found`,
    message: missing.message,
    zoom_code: missing.code,
  };
}

/** Zoom refused the call for good, as the API answers it. */
function refusalOf(err: ZoomApiError): Refusal {
  // Zoom refusing our credentials is our fault, not the caller's: a bad gateway.
  const status = err.kind === 'auth' ? 502 : (err.status ?? 502);
  return { status, code: 'zoom_refused', message: err.message, zoom_code: err.code };
}
