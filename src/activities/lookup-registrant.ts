// The registrant lookup of design.md section 5. "Zoom has not settled yet" is a retryable failure, so that Temporal's
// retry policy (with backoff, within LOOKUP_TIMEOUT) does the waiting instead of a loop of ours.
import { ApplicationFailure } from '@temporalio/common';
import { log } from '@temporalio/activity';
import type { LookupEvidence, ZoomAnswer } from '../domain/evidence';
import type { ZoomEvent } from '../domain/zoom-event';
import { ZOOM_FAILURES } from '../workflows/topology';
import type { RegistrantLookup, ZoomApiError, ZoomClient } from '../zoom/client';
import { countZoomRefusal } from './metrics';
import { withZoomRefusals } from './zoom-failure';

export interface LookupInput {
  zoomEvent: ZoomEvent;
  registrantId: string;
  occurrenceId: string | null;
}

/** What the lookup settled on, and the answer it settled on: the case's evidence, as the app and operators read it. */
export interface LookupResult {
  lookup: Exclude<LookupEvidence, 'approved' | 'pending' | null>;
  zoom_answer: ZoomAnswer;
}

export async function lookupRegistrant(zoom: ZoomClient, input: LookupInput): Promise<LookupResult> {
  const result = await withZoomRefusals<RegistrantLookup | LookupResult>(
    () => zoom.getRegistrant(input.zoomEvent, input.registrantId, input.occurrenceId),
    refusedLookup,
  );
  if ('lookup' in result) return result;
  if (!result.found) {
    const { status, code, message } = result;
    const lookup = result.missing === 'registrant' ? 'not_found' : (`${result.missing}_not_found` as const);
    return { lookup, zoom_answer: { status, code, message } };
  }
  const { status } = result.registrant;
  if (status === 'approved' || status === 'pending') {
    throw ApplicationFailure.create({
      type: ZOOM_FAILURES.notSettled,
      message: `Zoom still reports the registrant as ${status}`,
      details: [status],
      category: 'BENIGN',
    });
  }
  return { lookup: status, zoom_answer: { status: 200, code: null, message: `registrant ${status}` } };
}

/**
 * Zoom refused the call itself (an unknown code, a host user gone, a scope the app lacks, our credentials): it says
 * nothing of the registrant and will not get better by asking again. Loud, for an operator to fix.
 */
function refusedLookup(err: ZoomApiError): LookupResult {
  log.error('the registrant lookup was refused: check the configuration', { status: err.status, code: err.code });
  countZoomRefusal(err.status, err.code);
  return { lookup: 'failed', zoom_answer: { status: err.status, code: err.code, message: err.message } };
}
