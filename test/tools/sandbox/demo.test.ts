// `npm run demo` without the dev world it plays in: one line that says what is missing and what to do, as a real
// child process.
import { ZoomEmulator } from '../../../tools/sandbox/emulator';
import { runScript } from '../../helpers/run-script';

// Nothing listens here: connecting is refused at once.
const NOWHERE = '127.0.0.1:1';

test('with no dev world running, it says the sandbox does not answer and to start npm run dev', async () => {
  const run = await runScript('tools/sandbox/demo.ts', [], {
    TEMPORAL_ADDRESS: NOWHERE,
    SANDBOX_URL: `http://${NOWHERE}`,
  });
  expect(run).toMatchObject({
    code: 1,
    stdout: '',
    stderr: `demo: the sandbox at http://${NOWHERE} is not reachable (ECONNREFUSED): start npm run dev first\n`,
  });
});

test("with the sandbox up and no Temporal, it gives Temporal's own message, with nothing tacked on", async () => {
  const emulator = new ZoomEmulator({ accountId: 'acct', clientId: 'id', clientSecret: 'secret' });
  await emulator.start();
  try {
    const run = await runScript('tools/sandbox/demo.ts', [], {
      TEMPORAL_ADDRESS: NOWHERE,
      SANDBOX_URL: emulator.url,
    });
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(
        /^demo: cannot reach Temporal at 127\.0\.0\.1:1 \(TEMPORAL_ADDRESS, plaintext\): connection refused\. [^\n]*`npm run dev` starts one at 127\.0\.0\.1:7233\.\n$/,
      ),
    });
  } finally {
    await emulator.stop();
  }
});
