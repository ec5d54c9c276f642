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

/** Throws unless `npm run build` has compiled these entry points. */
export function assertBuilt(...entries: Array<'worker' | 'gateway'>): void {
  for (const entry of entries) {
    if (!existsSync(path.join(LIB, `${entry}.js`))) throw new Error(`no lib/bin/${entry}.js: run \`npm run build\``);
  }
}

/** A process's resident memory (VmRSS), in MB. */
export function rssMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
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
    readonly entry: 'worker' | 'gateway',
    private readonly env: Record<string, string>,
    readonly logFile: string,
    /** A line of its output that says it is ready for work. */
    private readonly readyLine: RegExp,
  ) {
    assertBuilt(entry);
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Whether the current process has said it is ready (and has not died since). */
  get ready(): boolean {
    return this.child !== null && this.readyAt > 0;
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
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
    this.spawn();
  }

  /** SIGTERM, as a deployment stops it: it drains and exits; nothing is started again. */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    await new Promise<void>((resolve) => this.log.end(resolve));
  }

  private spawn(): ChildProcess {
    this.readyAt = 0;
    const child = spawn(process.execPath, [path.join(LIB, `${this.entry}.js`)], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let pending = '';
    const watch = (chunk: Buffer) => {
      this.log.write(chunk);
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
