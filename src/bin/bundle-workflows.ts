// `npm run build` runs this after tsc: the workflow code bundled once, at build time, into lib/workflow-bundle.js,
// so that a production worker starts without webpack (faster, and a few hundred MB less at its peak).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';

export const WORKFLOW_BUNDLE_FILE = 'workflow-bundle.js';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const target = path.join(__dirname, '..', WORKFLOW_BUNDLE_FILE);
  writeFileSync(target, code);
  process.stdout.write(`workflow bundle: ${target} (${Math.round(code.length / 1024)} KiB)\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`bundling the workflows failed: ${String(err)}\n`);
    process.exit(1);
  });
}
