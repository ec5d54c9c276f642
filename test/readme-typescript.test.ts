// The README's TypeScript (its `ts` blocks: an app receiving callbacks and calling the API through the client) is
// what a newcomer pastes first: it must compile, with the project's strict settings, against the client as it is.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(__dirname, '..');

function typescriptBlocks(markdown: string): Array<{ line: number; code: string }> {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => ({
    line: markdown.slice(0, m.index).split('\n').length,
    code: m[1] ?? '',
  }));
}

const blocks = typescriptBlocks(readFileSync(path.join(ROOT, 'README.md'), 'utf8'));

test('the README has TypeScript to paste', () => {
  expect(blocks.length).toBeGreaterThanOrEqual(1);
});

test.each(blocks.map((b) => [b.line, b.code] as const))('the block at README.md:%i compiles', (line, code) => {
  // Beside the tests, so that the project's tsconfig (its strictness, the client's path) applies as to any file.
  const file = path.join(ROOT, 'test', `.readme-block-${line}.ts`);
  writeFileSync(file, code);
  try {
    const configFile = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
    const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
    const program = ts.createProgram([file], { ...options, noEmit: true });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  } finally {
    rmSync(file, { force: true });
  }
});
