import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.temporalDevServer?.stop();
  if (process.env.TEST_WORKFLOW_BUNDLE) rmSync(process.env.TEST_WORKFLOW_BUNDLE, { force: true });
}
