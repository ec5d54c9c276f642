// Sends the registrant's emails over SMTP (nodemailer). The message comes from the workflow's notice, so every retry
// of it carries the same Message-ID; whether a failure is worth retrying is the mail server's word: a 5xx is final.
import { ApplicationFailure } from '@temporalio/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailNotice } from '../domain/notices';
import type { EmailTemplates, EmailVariables } from './email-templates';

export interface MailerSettings {
  /** SMTP_URL: smtp://user:pass@host:port, or smtps:// for TLS from the first byte. */
  url: string;
  /** NOTIFY_FROM: `events@example.com` or `Example Events <events@example.com>`. */
  from: string;
  replyTo: string | null;
}

/** Failure types the workflow and the metrics tell apart. */
export const EMAIL_FAILURES = { refused: 'EmailRefused', deferred: 'EmailDeferred' } as const;

export class RegistrantMailer {
  private readonly transport: Transporter;

  constructor(
    private readonly settings: MailerSettings,
    private readonly templates: EmailTemplates,
  ) {
    // A pool: a season's emails reuse a few connections instead of a handshake each.
    // Timeouts well inside the activity's two minutes: a server that hangs is a temporary failure, tried again.
    this.transport = nodemailer.createTransport({
      url: settings.url,
      pool: true,
      maxConnections: 3,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    });
  }

  /** Sends the notice's email; throws a retryable ApplicationFailure for a temporary refusal, a final one for a 5xx. */
  async send(notice: EmailNotice, variables: EmailVariables): Promise<void> {
    const { subject, text, html } = this.templates.render(notice.kind, variables);
    try {
      await this.transport.sendMail({
        messageId: messageIdOf(notice.id, this.settings.from),
        from: this.settings.from,
        ...(this.settings.replyTo ? { replyTo: this.settings.replyTo } : {}),
        // An address object: nodemailer encodes the name, so a name cannot add a recipient or a header.
        to: { name: `${variables.first_name} ${variables.last_name}`.trim(), address: variables.email },
        subject,
        text,
        html,
        // RFC 3834: a machine wrote it, so that auto-responders do not answer it.
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (err) {
      throw emailFailure(err);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** `<zr_…@example.com>`: the notice's id at the sender's domain, the same on every retry. */
export function messageIdOf(noticeId: string, from: string): string {
  const domain = /@([^\s>]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';
  return `<${noticeId}@${domain}>`;
}

/**
 * A mail server's 5xx (an address refused, a message rejected, credentials refused) is final; anything else (a 4xx
 * such as greylisting or a full mailbox, a connection refused or timed out) is worth trying again.
 */
export function emailFailure(err: unknown): ApplicationFailure {
  const { responseCode, response, code, message } = err as {
    responseCode?: number;
    response?: string;
    code?: string;
    message?: string;
  };
  const said = response ?? message ?? String(err);
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) {
    return ApplicationFailure.create({
      type: EMAIL_FAILURES.refused,
      message: `the mail server refused it for good: ${said}`,
      nonRetryable: true,
    });
  }
  return ApplicationFailure.create({
    type: EMAIL_FAILURES.deferred,
    message: `the mail server did not take it yet${code ? ` (${code})` : ''}: ${said}`,
  });
}
