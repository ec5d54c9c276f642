// Signals can be sent by hand (the CLI, the Web UI): what the gateway validated with zod is checked again here,
// without zod, so that a malformed one is dropped instead of failing the workflow task.
import type { CancellationRequest } from '../../domain/cancellation';
import type { Resolution } from '../../domain/decision';
import {
  CANCELLED_BY,
  LISTED_STATES,
  REGISTRATION_KINDS,
  ZOOM_LISTINGS,
  type ListedState,
  type Observation,
  type RegistrationEvent,
  type RegistrationKind,
  type ZoomListing,
} from '../../domain/registration';
import { isZoomEvent } from '../../domain/zoom-event';

export function isRegistrationEvent(value: unknown): value is RegistrationEvent {
  const event = value as Partial<RegistrationEvent> | null;
  return (
    typeof event === 'object' &&
    event !== null &&
    REGISTRATION_KINDS.includes(event.kind as RegistrationKind) &&
    typeof event.eventTs === 'number' &&
    isZoomEvent(event.zoomEvent) &&
    typeof event.registrant?.id === 'string' &&
    typeof event.registrant.email === 'string' &&
    (event.observed === undefined || isObservation(event.observed)) &&
    (event.correlationId === undefined || typeof event.correlationId === 'string')
  );
}

function isObservation(value: unknown): value is Observation {
  const observed = value as Partial<Observation> | null;
  return (
    typeof observed === 'object' &&
    observed !== null &&
    observed.source === 'reconciliation' &&
    ZOOM_LISTINGS.includes(observed.zoom as ZoomListing) &&
    (observed.held === null || LISTED_STATES.includes(observed.held as ListedState)) &&
    typeof observed.at === 'number'
  );
}

export function isCancellationRequest(value: unknown): value is CancellationRequest {
  const request = value as Partial<CancellationRequest> | null;
  return (
    typeof request === 'object' &&
    request !== null &&
    typeof request.id === 'string' &&
    CANCELLED_BY.includes(request.by as CancellationRequest['by']) &&
    (request.reason === null || typeof request.reason === 'string')
  );
}

export function isResolution(value: unknown): value is Resolution {
  const verdict = value as Partial<Resolution> | null;
  return (
    typeof verdict === 'object' &&
    verdict !== null &&
    CANCELLED_BY.includes(verdict.cancelled_by as Resolution['cancelled_by']) &&
    (verdict.can_reregister === undefined || typeof verdict.can_reregister === 'boolean')
  );
}
