// One real Temporal dev server for the whole integration run; test files find it through TEMPORAL_ADDRESS.
import { startTemporalDevServer, type DevServer } from '../../tools/dev/temporal-server';

declare global {
  var temporalDevServer: DevServer | undefined;
}

export default async function globalSetup(): Promise<void> {
  const server = await startTemporalDevServer({ log: (line) => process.stderr.write(`${line}\n`) });
  globalThis.temporalDevServer = server;
  process.env.TEST_TEMPORAL_ADDRESS = server.address;
}
