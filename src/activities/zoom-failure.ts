// How a Zoom API failure becomes a Temporal activity failure: retryable ones keep Temporal's backoff (a 429 with
// Zoom's Retry-After as the next delay), permanent ones stop the retries at once.
import { ApplicationFailure } from '@temporalio/common';
import { ZOOM_FAILURES } from '../workflows/topology';
import { ZoomApiError } from '../zoom/client';

export function zoomFailure(err: ZoomApiError): ApplicationFailure {
  switch (err.kind) {
    case 'rate_limited':
      return ApplicationFailure.create({
        type: ZOOM_FAILURES.rateLimited,
        message: err.message,
        nextRetryDelay: err.retryAfterMs ?? undefined,
      });
    case 'unavailable':
    case 'network':
      return ApplicationFailure.create({ type: ZOOM_FAILURES.unavailable, message: err.message });
    case 'auth':
      return ApplicationFailure.create({ type: ZOOM_FAILURES.auth, message: err.message, nonRetryable: true });
    case 'rejected':
      return ApplicationFailure.create({
        type: ZOOM_FAILURES.rejected,
        message: err.message,
        details: [{ status: err.status, code: err.code }],
        nonRetryable: true,
      });
  }
}

/** Runs a Zoom call whose failures, if any, reach Temporal as this activity's failure. */
export async function zoomCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw err instanceof ZoomApiError ? zoomFailure(err) : err;
  }
}

/**
 * Runs a Zoom call whose retryable failures reach Temporal as this activity's failure, while a permanent one (Zoom
 * refused the call, or our credentials) is an answer: `refused` says which.
 */
export async function withZoomRefusals<T>(call: () => Promise<T>, refused: (err: ZoomApiError) => T): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof ZoomApiError)) throw err;
    if (err.retryable) throw zoomFailure(err);
    return refused(err);
  }
}
