// The README as a newcomer uses it: a fresh `npm run dev`, then every `sh` block of the README (except those marked
// "not run") pasted, in order, into a shell beside it. A block passes when bash exits 0 with `set -e` (its curl lines
// use --fail-with-body, so an error answer fails too). The List Filter queries of the operators' section must be
// queries Temporal's visibility store accepts. Nothing here is a copy of the README: the blocks are read from it.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';

const ROOT = path.resolve(__dirname, '..', '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

interface Block {
  line: number;
  code: string;
}

/** The `sh` blocks, with the line each starts on; a block right after a `<!-- not run` comment is left out. */
function shellBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```sh') continue;
    const previous =
      lines
        .slice(0, i)
        .reverse()
        .find((l) => l.trim() !== '') ?? '';
    const end = lines.indexOf('```', i + 1);
    if (!previous.startsWith('<!-- not run')) blocks.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** The backquoted queries in the second column of the List Filter table. */
function listFilters(markdown: string): string[] {
  const start = markdown.indexOf('## For operators');
  const section = markdown.slice(start, markdown.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^\| [^|]+\| `([^`]+)` +\|$/gm)].map((m) => m[1] as string);
}

const blocks = shellBlocks(README);
let world: ChildProcess;
let worldOutput = '';

beforeAll(async () => {
  const env = { ...process.env };
  // The world's own app (the seat app), whatever the machine's environment says.
  delete env.APP_CALLBACK_URL;
  delete env.APP_CALLBACK_SECRET;
  world = spawn(process.execPath, ['--import', 'tsx', 'tools/dev/main.ts'], { cwd: ROOT, env });
  world.stdout?.on('data', (chunk: Buffer) => (worldOutput += chunk.toString()));
  world.stderr?.on('data', (chunk: Buffer) => (worldOutput += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run dev was not ready in 150 s:\n${worldOutput}`)), 150_000);
    const check = setInterval(() => {
      if (/^ready$/m.test(worldOutput)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 200);
    world.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`npm run dev exited with ${code}:\n${worldOutput}`));
    });
  });
}, 180_000);

afterAll(async () => {
  if (!world || world.exitCode !== null) return;
  const exited = new Promise((resolve) => world.once('exit', resolve));
  world.kill('SIGTERM');
  await exited;
}, 60_000);

test('the README has blocks to paste, and filters to save', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(5);
  expect(listFilters(README).length).toBeGreaterThanOrEqual(4);
});

test.each(blocks.map((b) => [b.line, b.code] as const))('the block at README.md:%i works as pasted', (_line, code) => {
  const run = spawnSync('bash', ['-c', `set -e\n${code}`], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 150_000,
  });
  if (run.status !== 0) {
    throw new Error(`exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
  }
  expect(run.status).toBe(0);
});

test('the List Filter queries are valid visibility queries', async () => {
  const connection = await Connection.connect({ address: '127.0.0.1:7233' });
  try {
    const client = new Client({ connection });
    const refused: string[] = [];
    for (const query of listFilters(README)) {
      await client.workflow.count(query).catch((err: unknown) => refused.push(`${query}: ${String(err)}`));
    }
    expect(refused).toEqual([]);
  } finally {
    await connection.close();
  }
});

test("the dev world's operator alerts reach its stand-in channel, which prints them", () => {
  // Hedy's and Rosalind's cases wait for an operator, Joan's callback for a re-drive: each posts one alert.
  expect(worldOutput).toMatch(/\[ops alert\] \*Needs review\*: webinar 81234567890, registrant HQpvrVIqxKx_L9mpHqurdw/);
  expect(worldOutput).toMatch(
    /\[ops alert\] \*A callback waits for a re-drive\*: webinar 81234567890, registrant 9DZVQJGVoIIdCI3WLpAikw/,
  );
});

test('the dev world stops everything it started, and says so', async () => {
  const exited = new Promise<number | null>((resolve) => world.once('exit', resolve));
  world.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(worldOutput).toMatch(/^stopped$/m);
});
