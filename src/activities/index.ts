// Activities are built from their dependencies, so that tests and the worker wire real clients the same way.
import type { WorkflowSettings } from '../workflows/topology';
import type { ZoomEvent } from '../domain/zoom-event';
import type { ZoomClient } from '../zoom/client';
import { cancelInZoom, deleteDeniedRegistrant, type CancelInZoomInput } from './cancel-in-zoom';
import { lookupRegistrant, type LookupInput } from './lookup-registrant';
import {
  deliverMissedCancellations,
  heldRegistrantsPage,
  planSweep,
  reconcileListingPage,
  zoomEventSchedule,
  type ListingPageInput,
  type UnseenRegistrants,
  type ReconcileDeps,
} from './reconcile';
import type { AppNotifier } from '../app-callbacks/notifier';
import type { Outbound } from '../domain/callbacks';
import { countCallbackFailure } from './metrics';
import type { AlertNotice, EmailNotice } from '../domain/notices';
import { alertOperators, emailRegistrant, type NotifyDeps } from './notify-people';

export interface ActivityDeps {
  zoom: ZoomClient;
  notifier: AppNotifier;
  notify: NotifyDeps;
  settings: WorkflowSettings;
  reconcile: ReconcileDeps;
}

export function createActivities({ zoom, notifier, notify, settings, reconcile }: ActivityDeps) {
  return {
    loadSettings: (): Promise<WorkflowSettings> => Promise.resolve(settings),
    lookupRegistrant: (input: LookupInput) => lookupRegistrant(zoom, input),
    cancelInZoom: (input: CancelInZoomInput) => cancelInZoom(zoom, input),
    deleteDeniedRegistrant: (input: Omit<CancelInZoomInput, 'by'>) => deleteDeniedRegistrant(zoom, input),
    notifyApp: (outbound: Outbound): Promise<void> =>
      notifier.notify(outbound).catch((err: unknown) => {
        countCallbackFailure(outbound.callback.type);
        throw err;
      }),
    emailRegistrant: (notice: EmailNotice) => emailRegistrant(notify, notice),
    alertOperators: (alert: AlertNotice) => alertOperators(notify, alert),
    planSweep: (requested: ZoomEvent[] | null) => planSweep(reconcile, requested),
    zoomEventSchedule: (zoomEvent: ZoomEvent) => zoomEventSchedule(reconcile, zoomEvent),
    reconcileListingPage: (input: ListingPageInput) => reconcileListingPage(reconcile, input),
    heldRegistrantsPage: (input: { zoomEvent: ZoomEvent; cursor: string | null }) => heldRegistrantsPage(input),
    deliverMissedCancellations: (input: UnseenRegistrants) => deliverMissedCancellations(reconcile, input),
  };
}

export type Activities = ReturnType<typeof createActivities>;
