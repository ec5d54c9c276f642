// Activities are built from their dependencies, so that tests and the worker wire real clients the same way.
import type { WorkflowSettings } from '../workflows/registrant/names';
import type { ZoomClient } from '../zoom/client';
import { cancelInZoom, deleteDeniedRegistrant, type CancelInZoomInput } from './cancel-in-zoom';
import { lookupRegistrant, type LookupInput } from './lookup-registrant';
import type { AppNotifier } from '../app/notifier';
import type { Outbound } from '../app/callback';

export interface ActivityDeps {
  zoom: ZoomClient;
  notifier: AppNotifier;
  settings: WorkflowSettings;
}

export function createActivities({ zoom, notifier, settings }: ActivityDeps) {
  return {
    loadSettings: (): Promise<WorkflowSettings> => Promise.resolve(settings),
    lookupRegistrant: (input: LookupInput) => lookupRegistrant(zoom, input),
    cancelInZoom: (input: CancelInZoomInput) => cancelInZoom(zoom, input),
    deleteDeniedRegistrant: (input: Omit<CancelInZoomInput, 'by'>) => deleteDeniedRegistrant(zoom, input),
    notifyApp: (outbound: Outbound): Promise<void> => notifier.notify(outbound),
  };
}

export type Activities = ReturnType<typeof createActivities>;
