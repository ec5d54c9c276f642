// The app's side of the callbacks: a real HTTP server that verifies Standard Webhooks signatures and records what
// it was told, for tests to assert on (`npm run dev` runs the seat app, examples/seat-app, instead).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { appCallbackSchema, testCallbackSchema, type AppCallback } from '../../src/domain/callbacks';

export interface ReceivedCallback {
  webhookId: string;
  callback: AppCallback;
  /** The X-Correlation-Id it came with: the webhook's (or API request's) that caused it. */
  correlationId: string | null;
}

export class AppReceiver {
  readonly secret = `whsec_${randomBytes(24).toString('base64')}`;
  /** Every verified delivery, retries included. */
  readonly deliveries: ReceivedCallback[] = [];
  /** Every verified delivery as it came over the wire, for a test to verify again (the client package's). */
  readonly wire: Array<{ body: string; headers: IncomingHttpHeaders }> = [];
  /** Answer this many deliveries with 500 before accepting. */
  failNext = 0;
  /** Answer 503 to the callbacks this picks (an app that is down for some of them). */
  refuses: (callback: AppCallback) => boolean = () => false;
  /** Called with each verified, accepted delivery. */
  onCallback: (received: ReceivedCallback) => void = () => {};
  /** The webhook-ids of the test callbacks (`npm run doctor`) it took: answered 204, about no registrant. */
  readonly tests: string[] = [];
  onTest: (webhookId: string) => void = () => {};
  /** Called with each verified delivery the receiver answered with an error. */
  onRefused: (received: ReceivedCallback, status: number) => void = () => {};
  /** How long it takes to answer a callback it accepts (an app's own work). */
  answerDelayMs = 0;
  /** Callbacks being received right now (arrived, not yet answered). */
  inFlight = 0;
  private server: Server | null = null;
  private readonly verifier = new Webhook(this.secret);

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      this.inFlight++;
      res.once('close', () => this.inFlight--);
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
        const json: unknown = JSON.parse(body);
        if (testCallbackSchema.safeParse(json).success) {
          this.tests.push(String(req.headers['webhook-id']));
          this.onTest(String(req.headers['webhook-id']));
          res.writeHead(204).end();
          return;
        }
        const callback = appCallbackSchema.parse(json);
        const correlation = req.headers['x-correlation-id'];
        const received = {
          webhookId: String(req.headers['webhook-id']),
          callback,
          correlationId: typeof correlation === 'string' ? correlation : null,
        };
        if (this.failNext > 0 || this.refuses(callback)) {
          this.failNext = Math.max(0, this.failNext - 1);
          const status = this.refuses(callback) ? 503 : 500;
          this.onRefused(received, status);
          res.writeHead(status).end();
          return;
        }
        this.deliveries.push(received);
        this.wire.push({ body, headers: req.headers });
        this.onCallback(received);
        if (this.answerDelayMs > 0) setTimeout(() => res.writeHead(204).end(), this.answerDelayMs);
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, host, resolve));
    return this.urlOn((this.server.address() as AddressInfo).port, host);
  }

  urlOn(port: number, host = '127.0.0.1'): string {
    return `http://${host}:${port}/zoom-callbacks`;
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
