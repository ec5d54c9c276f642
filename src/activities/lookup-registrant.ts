// The registrant lookup of design.md section 5. "Zoom has not settled yet" is a retryable failure, so that Temporal's
// retry policy (with backoff, within LOOKUP_TIMEOUT) does the waiting instead of a loop of ours.
import { ApplicationFailure } from '@temporalio/common';
import type { LookupEvidence } from '../domain/evidence';
import type { ZoomEvent } from '../domain/zoom-event';
import { ZOOM_FAILURES } from '../workflows/topology';
import type { ZoomClient } from '../zoom/client';
import { zoomCall } from './zoom-failure';

export interface LookupInput {
  zoomEvent: ZoomEvent;
  registrantId: string;
  occurrenceId: string | null;
}

export type SettledLookup = Exclude<LookupEvidence, 'approved' | 'pending' | 'failed' | null>;

export async function lookupRegistrant(zoom: ZoomClient, input: LookupInput): Promise<SettledLookup> {
  const result = await zoomCall(() => zoom.getRegistrant(input.zoomEvent, input.registrantId, input.occurrenceId));
  if (!result.found) return result.missing === 'registrant' ? 'not_found' : `${result.missing}_not_found`;
  const { status } = result.registrant;
  if (status === 'approved' || status === 'pending') {
    throw ApplicationFailure.create({
      type: ZOOM_FAILURES.notSettled,
      message: `Zoom still reports the registrant as ${status}`,
      details: [status],
      category: 'BENIGN',
    });
  }
  return status;
}
