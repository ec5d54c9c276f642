// `npm run dev`'s SMTP catcher: maildev keeps every email the worker sends, whoever it is addressed to, and lists them
// on a web page (and its REST API, which `npm run demo` reads), so that a dev world never mails anyone for real.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import MailDev from 'maildev';
import web from 'maildev/lib/web';
import { parseCaught, type CaughtEmail } from './caught-emails';

export interface MailCatcherPorts {
  smtp: number;
  web: number;
}

/** maildev keeps its state in module-level singletons: one catcher per process. */
export class MailCatcher {
  /** Called with each email it catches. */
  onEmail: (email: CaughtEmail) => void = () => {};
  /** Called with what its SMTP server reports once it listens (a client that misbehaves, say). */
  onError: (err: Error) => void = () => {};
  private server: MailDev.Server | null = null;
  private directory: string | null = null;

  constructor(
    readonly ports: MailCatcherPorts,
    readonly host = '127.0.0.1',
  ) {}

  /** What the worker's SMTP_URL names. */
  get smtpUrl(): string {
    return `smtp://${this.host}:${this.ports.smtp}`;
  }

  /** The page listing what was caught; `GET <webUrl>/email` answers the same as JSON. */
  get webUrl(): string {
    return `http://${this.host}:${this.ports.web}`;
  }

  async start(): Promise<void> {
    // Its own folder for the .eml files, removed at stop (maildev's default is one per pid, never removed).
    this.directory = await mkdtemp(path.join(os.tmpdir(), 'dev-world-mail-'));
    const signalHandlers = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
    const server = new MailDev({
      smtp: this.ports.smtp,
      web: this.ports.web,
      ip: this.host,
      mailDirectory: this.directory,
      silent: true,
      disableWeb: false,
    });
    this.server = server;
    // maildev stops itself on SIGINT and SIGTERM and then exits the process, which would end the dev world before it
    // stopped the rest of what it started: stop() closes it instead, in its turn.
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      for (const handler of process.listeners(signal)) {
        if (!signalHandlers[signal].includes(handler)) process.off(signal, handler);
      }
    }
    // maildev throws whatever its SMTP server emits, a port taken since the check included: an uncaught exception.
    // Reported instead: as the start's failure until it listens, to onError afterwards.
    let starting = true;
    const smtpFailed = new Promise<never>((_, reject) => {
      server.smtp.removeListener('error', server.onSmtpError);
      server.smtp.on('error', (err: Error) => (starting ? reject(err) : this.onError(err)));
    });
    // At stop, connections still open get a second instead of smtp-server's 30: the worker's pool may hold one at Ctrl-C.
    server.smtp.options.closeTimeout = 1_000;
    server.on('new', (email) => this.onEmail(parseCaught(email)));
    const page = web.server;
    if (!page) throw new Error('maildev started no web page');
    // The constructor called listen on it already; its outcome comes as an event.
    const pageListening = new Promise<void>((resolve, reject) => {
      if (page.listening) resolve();
      page.once('listening', resolve).once('error', reject);
    });
    try {
      await Promise.race([Promise.all([server.listen(), pageListening]), smtpFailed]);
    } catch (err) {
      await this.stop();
      throw err;
    } finally {
      starting = false;
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      await new Promise<void>((resolve) => web.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    if (this.directory) await rm(this.directory, { recursive: true, force: true });
    this.directory = null;
  }
}
