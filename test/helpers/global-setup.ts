// One real Temporal dev server for the whole integration run, and the workflow code bundled once for every test
// file: test files find them through TEST_TEMPORAL_ADDRESS and TEST_WORKFLOW_BUNDLE.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { startTemporalDevServer, type DevServer } from '../../tools/dev/temporal-server';

declare global {
  var temporalDevServer: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const [server, bundle] = await Promise.all([
    startTemporalDevServer({ log: (line) => process.stderr.write(`${line}\n`) }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: new DefaultLogger('WARN') }),
  ]);
  globalThis.temporalDevServer = server;
  process.env.TEST_TEMPORAL_ADDRESS = server.address;
  const codePath = path.join(tmpdir(), `zoom-registrations-workflows-${process.pid}.js`);
  writeFileSync(codePath, bundle.code);
  process.env.TEST_WORKFLOW_BUNDLE = codePath;
}
