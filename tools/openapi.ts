// `npm run openapi`: writes openapi.json, the gateway's description of itself (the same document it serves at
// /openapi.json), for the app developers who build on it without running a gateway. The integration tests fail when
// the committed file and a running gateway's description differ: run this after changing a route or a callback.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { buildGateway } from '../src/gateway/server';
import { createGatewayClient } from '../src/gateway/client';

export const OPENAPI_FILE = path.resolve(__dirname, '..', 'openapi.json');

async function main(): Promise<void> {
  // A lazy client: describing the routes connects to nothing.
  const { client } = createGatewayClient({});
  const gateway = buildGateway({
    config: { ZOOM_WEBHOOK_SECRET_TOKEN: 'unused', TEMPORAL_TASK_QUEUE: 'zoom-registrations', API_TOKEN: 'unused' },
    client,
    logger: pino({ level: 'silent' }),
  });
  await gateway.ready();
  writeFileSync(OPENAPI_FILE, `${JSON.stringify(gateway.swagger(), null, 2)}\n`);
  await gateway.close();
  process.stdout.write(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`openapi: ${String(err)}\n`);
    process.exit(1);
  });
}
