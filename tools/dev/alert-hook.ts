// The operators' channel in the dev world: a stand-in for a Slack-compatible incoming webhook (OPS_ALERT_WEBHOOK_URL)
// that takes `{"text": …}` as Slack does and hands the text on, so that `npm run dev` prints each alert instead of
// posting it to a real channel.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

const alertSchema = z.object({ text: z.string() });

export class AlertHook {
  /** Every alert's text, in the order they arrived. */
  readonly texts: string[] = [];
  /** Called with each alert's text. */
  onAlert: (text: string) => void = () => {};
  private server: Server | null = null;

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        let text: string;
        try {
          text = alertSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8'))).text;
        } catch {
          // As Slack answers a payload it cannot read; the worker records the refusal on the registrant.
          res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_payload');
          return;
        }
        this.texts.push(text);
        this.onAlert(text);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
    return this.urlOn((server.address() as AddressInfo).port, host);
  }

  urlOn(port: number, host = '127.0.0.1'): string {
    return `http://${host}:${port}/ops-alerts`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

/** An alert as the dev world prints it: labelled, its later lines indented under its first. */
export function printedAlert(text: string): string {
  const label = '[ops alert] ';
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? label : ' '.repeat(label.length)) + line)
    .join('\n');
}
