// A real SMTP server for tests and the chaos run (the smtp-server package, on a real port) that keeps what it is sent, parsed by mailparser,
// and answers as a test scripts it: a temporary refusal (4xx), a permanent one (5xx), an address refused.
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';

export interface CaughtEmail {
  messageId: string;
  /** Whom the server was asked to deliver it to (RCPT TO): who gets it, whatever the headers say. */
  recipients: string[];
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Every header as sent, lower-cased names. */
  headers: Map<string, unknown>;
  raw: string;
}

type Refusal = { code: number; message: string };

export class SmtpCatcher {
  readonly emails: CaughtEmail[] = [];
  /** Messages refused so far, with the code answered. */
  readonly refusals: number[] = [];
  private readonly server: SMTPServer;
  private refuseNext: Refusal[] = [];
  private refusedRecipients = new Map<string, Refusal>();
  private onSend: (() => Promise<void>) | null = null;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onMailFrom: (_address, _session, callback) => {
        const hook = this.onSend;
        this.onSend = null;
        if (!hook) return callback();
        // The sender is gone by then: the message is refused, as a real server drops an unfinished one.
        void hook().then(() => callback(smtpError({ code: 421, message: 'sender gone' })));
      },
      onRcptTo: (address, _session, callback) => {
        const refusal = this.refusedRecipients.get(address.address.toLowerCase());
        callback(refusal ? smtpError(refusal) : undefined);
      },
      onData: (stream, session, callback) =>
        void this.receive(stream, session).then(
          () => callback(),
          (err: Error) => callback(err),
        ),
    });
  }

  /** A client's connection ended badly (a sender SIGKILLed mid-session): told here instead of ending the process. */
  onConnectionError: (err: NodeJS.ErrnoException) => void = () => undefined;

  async start(): Promise<string> {
    this.server.on('error', (err: NodeJS.ErrnoException) => this.onConnectionError(err));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next `count` messages are refused with `code` (421 and 451 are temporary, 550 and 554 final). */
  refuse(count: number, code: number, message = 'scripted refusal'): void {
    this.refuseNext.push(...Array.from({ length: count }, () => ({ code, message })));
  }

  /** RCPT TO this address is refused, as a server refuses a mailbox that does not exist. */
  refuseRecipient(address: string, code = 550, message = '5.1.1 mailbox unavailable'): void {
    this.refusedRecipients.set(address.toLowerCase(), { code, message });
  }

  /** Runs `hook` once, when the next message starts (MAIL FROM), before any of it is taken (a test kills the sender). */
  whenNextSends(hook: () => Promise<void>): void {
    this.onSend = hook;
  }

  to(address: string): CaughtEmail[] {
    return this.emails.filter((e) => e.recipients.includes(address.toLowerCase()));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const refusal = this.refuseNext.shift();
    if (refusal) {
      this.refusals.push(refusal.code);
      throw smtpError(refusal);
    }
    const mail: ParsedMail = await simpleParser(raw);
    this.emails.push({
      messageId: mail.messageId ?? '',
      recipients: session.envelope.rcptTo.map((a) => a.address.toLowerCase()),
      to: Array.isArray(mail.to) ? mail.to.map((a) => a.text).join(', ') : (mail.to?.text ?? ''),
      subject: mail.subject ?? '',
      text: mail.text ?? '',
      html: typeof mail.html === 'string' ? mail.html : '',
      headers: mail.headers,
      raw,
    });
  }
}

function smtpError({ code, message }: Refusal): Error {
  return Object.assign(new Error(message), { responseCode: code });
}
