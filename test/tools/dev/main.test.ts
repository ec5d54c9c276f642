// `npm run dev` as a newcomer starts it a second time: it refuses before starting anything, and says why.
import { createServer, type Server } from 'node:net';
import { runScript } from '../../helpers/run-script';

describe('npm run dev while a port is taken', () => {
  // The seat app's, the SMTP catcher's web page and the alert hook's: each must be in the check.
  const taken = [3001, 1080, 3002];
  const squatters: Server[] = [];
  beforeAll(async () => {
    for (const port of taken) {
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
      squatters.push(squatter);
    }
  });
  afterAll(() => Promise.all(squatters.map((s) => new Promise((resolve) => s.close(resolve)))));

  test('refuses before starting anything, naming the port and what it is for', async () => {
    const run = await runScript('tools/dev/main.ts');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^npm run dev: port .*3001 \(the seat app\).* already in use: is another `npm run dev` still running\?/,
    );
    expect(run.stderr).toContain("1080 (the SMTP catcher's web page)");
    expect(run.stderr).toContain("3002 (the operators' alert hook)");
    expect(run.stdout).not.toContain('starting the Temporal dev server');
  });
});
