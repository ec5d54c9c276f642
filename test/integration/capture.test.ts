// Capture mode in the worker as it runs (ZOOM_CAPTURE_DIR): a registrant's lookup on the real worker and dev server
// leaves Zoom's answer in the capture folder, redacted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eventually } from '../../tools/eventually';
import { readCapture } from '../../tools/sandbox/profile';
import { startWorld, type World } from '../helpers/world';

let world: World;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'worker-capture-'));
  world = await startWorld({ windows: { LOOKUP_TIMEOUT: '1m', ZOOM_CAPTURE_DIR: dir } });
});
afterAll(async () => {
  await world?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("the worker writes Zoom's answer to its lookup, without the registrant's email or name", async () => {
  const webinar = world.emulator.addWebinar();
  const ada = world.emulator.addRegistrant(webinar.id, { email: 'ada.capture@example.com', first_name: 'Adeline' });
  world.emulator.cancelAsAdmin(webinar.id, ada.id);
  await world.deliver(world.emulator.buildEvent('cancelled', webinar.id, ada.id));

  const lookup = await eventually(
    async () =>
      (await readCapture(dir)).find(
        (r) => r.kind === 'zoom_answer' && r.path === `/webinars/${webinar.id}/registrants/${ada.id}`,
      ),
    { what: 'the lookup captured' },
  );
  expect(lookup).toMatchObject({ method: 'GET', status: 200, body: { id: ada.id, status: 'denied' } });
  expect(JSON.stringify(lookup)).not.toMatch(/ada\.capture@example\.com|Adeline/);
});
