// The app's side of the callbacks: a real HTTP server that verifies Standard Webhooks signatures and records what
// it was told. Tests assert on it; `npm run dev` prints what it receives.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { appCallbackSchema, type AppCallback } from '../../src/app/callback';

export interface ReceivedCallback {
  webhookId: string;
  callback: AppCallback;
}

export class AppReceiver {
  readonly secret = `whsec_${randomBytes(24).toString('base64')}`;
  /** Every verified delivery, retries included. */
  readonly deliveries: ReceivedCallback[] = [];
  /** Answer this many deliveries with 500 before accepting. */
  failNext = 0;
  /** Called with each verified, accepted delivery. */
  onCallback: (received: ReceivedCallback) => void = () => {};
  private server: Server | null = null;
  private readonly verifier = new Webhook(this.secret);

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        try {
          this.verifier.verify(body, req.headers as Record<string, string>);
        } catch {
          res.writeHead(401).end();
          return;
        }
        if (this.failNext > 0) {
          this.failNext -= 1;
          res.writeHead(500).end();
          return;
        }
        const callback = appCallbackSchema.parse(JSON.parse(body));
        const received = { webhookId: String(req.headers['webhook-id']), callback };
        this.deliveries.push(received);
        this.onCallback(received);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/zoom-callbacks`;
  }

  /** Distinct callbacks (by webhook-id) about one registrant, in the order they first arrived. */
  about(registrantId: string): AppCallback[] {
    const seen = new Set<string>();
    return this.deliveries
      .filter((d) => d.callback.data.registrant.id === registrantId && !seen.has(d.webhookId) && seen.add(d.webhookId))
      .map((d) => d.callback);
  }

  typesAbout(registrantId: string): string[] {
    return this.about(registrantId).map((c) => c.type);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
