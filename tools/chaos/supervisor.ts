// The worker and the gateway under chaos: compiled (`npm run build`) in their own node processes, as production runs
// them, each kept running by a supervisor as an orchestrator would: killed (SIGKILL, no chance to finish anything),
// then started again; one that exits on its own (a worker that cannot reach a stopped Temporal) is restarted after a
// pause. Every line either writes, across every restart, goes to one log file, so that the run can read them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const LIB = path.resolve(__dirname, '..', '..', 'lib', 'bin');
/** How long an orchestrator waits before starting again a process that exited on its own. */
const RESTART_PAUSE_MS = 1_000;

export type Entry = 'worker' | 'gateway';

/** The compiled entry point; throws unless `npm run build` has made it. */
export function compiledEntry(entry: Entry): string {
  const file = path.join(LIB, `${entry}.js`);
  if (!existsSync(file)) throw new Error(`no lib/bin/${entry}.js: run \`npm run build\` first`);
  return file;
}

/** A process's resident memory (VmRSS), in MB; NaN when there is no such process (any more). */
export function rssMb(pid: number | undefined): number {
  if (pid === undefined || !existsSync(`/proc/${pid}/status`)) return NaN;
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
}

/** How long a stopped process may drain (the worker's WORKER_SHUTDOWN_GRACE is 20 s) before it is killed. */
const STOP_GRACE_MS = 30_000;

/** Ends `child` with `signal` and resolves once its output is closed (SIGKILL after the grace if it lingers). */
function ended(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      if (child.stdout?.readableEnded !== false && child.stderr?.readableEnded !== false) return resolve();
    }
    const lingering = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('close', () => {
      clearTimeout(lingering);
      resolve();
    });
    child.kill(signal);
  });
}

export class Supervised {
  /** Kills asked for, and exits nobody asked for (each restarted). */
  kills = 0;
  unplannedExits = 0;
  private child: ChildProcess | null = null;
  private readyAt = 0;
  private stopping = false;
  private readonly log: WriteStream;

  constructor(
    readonly entry: Entry,
    private readonly env: Record<string, string>,
    readonly logFile: string,
    /** A line of its output that says it is ready for work. */
    private readonly readyLine: RegExp,
  ) {
    compiledEntry(entry);
    this.log = createWriteStream(logFile, { flags: 'a' });
    // A write after the end (output of a process killed as the run stops) must not end the run.
    this.log.on('error', () => {});
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts it and resolves once it says it is ready (or throws if it dies first, or takes over a minute). */
  async start(): Promise<void> {
    const child = this.spawn();
    const deadline = Date.now() + 60_000;
    while (this.child === child && this.readyAt === 0) {
      if (Date.now() > deadline) throw new Error(`the ${this.entry} was not ready within a minute (${this.logFile})`);
      await sleep(50);
    }
    if (this.child !== child) throw new Error(`the ${this.entry} ended while starting (${this.logFile})`);
  }

  /** SIGKILL, then a new process at once; resolves when the old one is gone (the new one may still be starting). */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.kills++;
    this.child = null;
    await ended(child, 'SIGKILL');
    // Stopped meanwhile (the run is ending): nothing to start again.
    if (!this.stopping) this.spawn();
  }

  /** SIGTERM, as a deployment stops it: it drains and exits; nothing is started again. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = null;
    if (child) await ended(child, 'SIGTERM');
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private spawn(): ChildProcess {
    this.readyAt = 0;
    const child = spawn(process.execPath, [compiledEntry(this.entry)], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let pending = '';
    const watch = (chunk: Buffer) => {
      if (!this.log.writableEnded) this.log.write(chunk);
      if (this.readyAt > 0 || this.child !== child) return;
      pending = `${pending}${chunk.toString()}`.slice(-4_096);
      if (this.readyLine.test(pending)) this.readyAt = Date.now();
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', () => {
      if (this.child !== child || this.stopping) return;
      this.unplannedExits++;
      this.child = null;
      setTimeout(() => {
        if (!this.stopping && this.child === null) this.spawn();
      }, RESTART_PAUSE_MS);
    });
    return child;
  }
}
