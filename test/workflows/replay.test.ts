// Determinism guard: histories recorded by earlier versions of the workflow (test/fixtures/histories, recorded with
// test/fixtures/record-histories.ts) must replay on the current code. A change that breaks this needs `patched()`
// or a new workflow type.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

const dir = path.join(__dirname, '..', 'fixtures', 'histories');
const histories = readdirSync(dir).filter((f) => f.endsWith('.json'));
let bundle: WorkflowBundle;

beforeAll(async () => {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    logger: new DefaultLogger('ERROR'),
  });
}, 60_000);

test('there are recorded histories to replay', () => {
  expect(histories.length).toBeGreaterThanOrEqual(3);
});

test.each(histories)('%s replays without nondeterminism', async (file) => {
  const history: unknown = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  await expect(Worker.runReplayHistory({ workflowBundle: bundle }, history)).resolves.toBeUndefined();
});
