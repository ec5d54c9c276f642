// `npm run dev` as a newcomer starts it a second time: it refuses before starting anything, and says why.
import { createServer, type Server } from 'node:net';
import { runScript } from '../../helpers/run-script';

describe('npm run dev while a port is taken', () => {
  let squatter: Server;
  beforeAll(async () => {
    squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(3001, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => squatter.close(resolve)));

  test('refuses before starting anything, naming the port and what it is for', async () => {
    const run = await runScript('tools/dev/main.ts');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^npm run dev: port .*3001 \(the stand-in app\).* already in use: is another `npm run dev` still running\?/,
    );
    expect(run.stdout).not.toContain('starting the Temporal dev server');
  });
});
