// A webhook endpoint as an app would run one: a real HTTP server that verifies Zoom's signature with the gateway's
// own code, answers Zoom's URL validation (rightly only when signed, as the gateway does, or wrongly when the test
// says so), and answers deliveries as the test tells it (a status, or never).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { urlValidationAnswer, verifyZoomSignature } from '../../src/zoom/signature';

export interface Received {
  event: string;
  eventTs: number;
  registrantId: string | null;
  /** null when the signature verified; else why not. */
  signatureFailure: string | null;
  /** The `x-zm-request-timestamp` it was signed with. */
  timestamp: string | undefined;
  at: number;
}

export class ZoomReceiver {
  readonly received: Received[] = [];
  /** How to answer the next deliveries, in order; then 200. `hang` never answers. */
  answers: Array<number | 'hang'> = [];
  /** How to answer the next validation challenges (true: rightly), in order; then `validatesOtherwise`. */
  validationAnswers: boolean[] = [];
  validatesOtherwise = true;
  /** The validation challenges received (Zoom's first one and its revalidations). */
  validations = 0;
  private server: Server | null = null;

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks);
        const body = JSON.parse(rawBody.toString('utf8')) as {
          event: string;
          event_ts: number;
          payload: { plainToken?: string; object?: { registrant?: { id: string } } };
        };
        const signatureFailure = verifyZoomSignature({
          secret: this.secret,
          signature: req.headers['x-zm-signature'] as string | undefined,
          timestamp: req.headers['x-zm-request-timestamp'] as string | undefined,
          rawBody,
          nowMs: Date.now(),
        });
        if (body.event === 'endpoint.url_validation' && body.payload.plainToken) {
          this.validations += 1;
          const right = (this.validationAnswers.shift() ?? this.validatesOtherwise) && signatureFailure === null;
          const answer = urlValidationAnswer(right ? this.secret : 'not-the-secret', body.payload.plainToken);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
          return;
        }
        this.received.push({
          event: body.event,
          eventTs: body.event_ts,
          registrantId: body.payload.object?.registrant?.id ?? null,
          signatureFailure,
          timestamp: req.headers['x-zm-request-timestamp'] as string | undefined,
          at: Date.now(),
        });
        const answer = this.answers.shift() ?? 200;
        if (answer !== 'hang') res.writeHead(answer).end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/zoom/webhook`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
