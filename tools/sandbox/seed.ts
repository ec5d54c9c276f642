// The demo world `npm run sandbox` and `npm run dev` start with.
import type { ZoomEmulator } from './emulator';

export function seedDemoWebinar(emulator: ZoomEmulator) {
  const webinar = emulator.addWebinar({ hostEmail: 'host@example.com', topic: 'Sandbox webinar' });
  const ada = emulator.addRegistrant(webinar.id, {
    email: 'ada@example.com',
    first_name: 'Ada',
    last_name: 'Lovelace',
  });
  const grace = emulator.addRegistrant(webinar.id, {
    email: 'grace@example.com',
    first_name: 'Grace',
    last_name: 'Hopper',
  });
  return { webinar, ada, grace };
}
