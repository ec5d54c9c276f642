// The webinar and the meeting `npm run sandbox` and `npm run dev` start with: the same ids on every start, so that
// the README's commands work when pasted (test/readme.test.ts runs them against `npm run dev`).
import type { ZoomEmulator } from './emulator';
import type { RegistrantStatus } from './world';

export const DEMO_WEBINAR_ID = '81234567890';
export const DEMO_MEETING_ID = '85746065000';

/** Who is registered, and what `npm run dev` plays with each of them (see tools/dev/main.ts). */
export const DEMO_PEOPLE = {
  ada: { id: '9tboDiHUQAeOnbmudzWa5g', first_name: 'Ada', last_name: 'Lovelace' },
  grace: { id: 'mTcEP4lShO6CPrUEUKfwgw', first_name: 'Grace', last_name: 'Hopper' },
  hedy: { id: 'HQpvrVIqxKx_L9mpHqurdw', first_name: 'Hedy', last_name: 'Lamarr' },
  rosalind: { id: 'kg8z7OrRn2j6S93sOs559A', first_name: 'Rosalind', last_name: 'Franklin' },
  joan: { id: '9DZVQJGVoIIdCI3WLpAikw', first_name: 'Joan', last_name: 'Clarke', status: 'pending' },
  katherine: { id: 'BQlpA-OxdKGfOFlnJCE-VQ', first_name: 'Katherine', last_name: 'Johnson' },
  mary: { id: 'ZqOYmhNNbIBIdGA-mAjKuw', first_name: 'Mary', last_name: 'Jackson' },
} as const satisfies Record<string, { id: string; first_name: string; last_name: string; status?: RegistrantStatus }>;
export type DemoPerson = keyof typeof DEMO_PEOPLE;

/** The meeting's registrants: office hours, where Alan cancels himself in `npm run dev`. */
export const DEMO_MEETING_PEOPLE = {
  alan: { id: 'aT9uRiNg0m4cHiNe5xQ1zw', first_name: 'Alan', last_name: 'Turing' },
  barbara: { id: 'bLiSkOv4bStRaCt8TyPe2q', first_name: 'Barbara', last_name: 'Liskov' },
} as const satisfies Record<string, { id: string; first_name: string; last_name: string }>;

export function seedDemoMeeting(emulator: ZoomEmulator) {
  const meeting = emulator.addMeeting({ id: DEMO_MEETING_ID, hostEmail: 'host@example.com', topic: 'Office hours' });
  for (const [key, person] of Object.entries(DEMO_MEETING_PEOPLE)) {
    emulator.addRegistrant(meeting.id, { ...person, email: `${key}@example.com` });
  }
  return meeting;
}

export function seedDemoWebinar(emulator: ZoomEmulator) {
  const webinar = emulator.addWebinar({ id: DEMO_WEBINAR_ID, hostEmail: 'host@example.com', topic: 'Sandbox webinar' });
  for (const [key, person] of Object.entries(DEMO_PEOPLE)) {
    emulator.addRegistrant(webinar.id, { ...person, email: `${key}@example.com` });
  }
  return webinar;
}
