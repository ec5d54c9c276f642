// The worker's settings that point it at a Zoom emulator instead of Zoom, for the test world, the bench, the chaos
// run and the dev world alike.
import type { ZoomEmulator } from './emulator';

/** What a worker needs of an emulator: a started ZoomEmulator, or (before it listens) where it will. */
export type EmulatorEndpoint = Pick<ZoomEmulator, 'credentials' | 'apiBaseUrl' | 'tokenUrl'>;

/** Where the worker's callbacks go and how they are signed: the AppReceiver standing in for the app. */
export interface AppEndpoint {
  url: string;
  secret: string;
}

/**
 * The emulator's account and URLs, the app's URL and secret (null: the caller names the app some other way, as the
 * dev world does when the shell points at a real one), then `overrides`, which win: the caller's Temporal, task
 * queue, windows and limits.
 */
export function emulatorWorkerEnv(
  emulator: EmulatorEndpoint,
  app: AppEndpoint | null,
  overrides: Record<string, string>,
): Record<string, string> {
  return {
    ZOOM_ACCOUNT_ID: emulator.credentials.accountId,
    ZOOM_CLIENT_ID: emulator.credentials.clientId,
    ZOOM_CLIENT_SECRET: emulator.credentials.clientSecret,
    ZOOM_API_BASE_URL: emulator.apiBaseUrl,
    ZOOM_OAUTH_TOKEN_URL: emulator.tokenUrl,
    ...(app ? { APP_CALLBACK_URL: app.url, APP_CALLBACK_SECRET: app.secret } : {}),
    ...overrides,
  };
}
