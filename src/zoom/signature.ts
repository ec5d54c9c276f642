// Zoom's webhook signing (zoom-platform.md section 3): used by the gateway to verify and by the sandbox to sign,
// so that both sides share one implementation.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-zm-signature';
export const TIMESTAMP_HEADER = 'x-zm-request-timestamp';
/**
 * How old a signed request may be. Zoom retries a failed delivery 5, 20 and 60 minutes after the attempt before
 * (zoom-platform.md 4), and whether a retry is signed afresh or carries the first attempt's timestamp is
 * undocumented: a retry may be 85 minutes old, and Zoom never retries a 401. Two hours covers the last retry with
 * room for Zoom's own delays. A replay within it repeats an event the workflow already has: a duplicate, dropped.
 */
export const MAX_TIMESTAMP_AGE_SECONDS = 2 * 60 * 60;
/** How far ahead of our clock a timestamp may be: clocks differ a little, never by much. */
export const MAX_TIMESTAMP_AHEAD_SECONDS = 5 * 60;

function hmacHex(secret: string, message: string | Buffer): string {
  return createHmac('sha256', secret).update(message).digest('hex');
}

/** `v0=<hex HMAC-SHA256 of "v0:{timestamp}:{raw body}">`. */
export function zoomSignature(secret: string, timestamp: string, rawBody: string | Buffer): string {
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  return `v0=${hmacHex(secret, `v0:${timestamp}:${body}`)}`;
}

/** The headers Zoom signs a request with: the timestamp (Unix seconds) and the signature over it and the body. */
export function zoomSignatureHeaders(
  secret: string,
  rawBody: string,
  timestampSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  const timestamp = String(timestampSeconds);
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: zoomSignature(secret, timestamp, rawBody) };
}

/** Answer to `endpoint.url_validation`. */
export function urlValidationAnswer(
  secret: string,
  plainToken: string,
): { plainToken: string; encryptedToken: string } {
  return { plainToken, encryptedToken: hmacHex(secret, plainToken) };
}

/**
 * Zoom does not document the timestamp's unit: read it as Unix seconds, and a value above 10^12 as milliseconds.
 * Returns epoch milliseconds, or null when the header is not a number.
 */
export function parseZoomTimestamp(header: string): number | null {
  if (!/^\d+$/.test(header)) return null;
  const value = Number(header);
  return value > 1e12 ? value : value * 1000;
}

export type VerificationFailure =
  | 'missing signature'
  | 'missing timestamp'
  | 'bad timestamp'
  | 'stale timestamp'
  | 'timestamp in the future'
  | 'bad signature';

export function verifyZoomSignature(args: {
  secret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  rawBody: Buffer;
  nowMs: number;
}): VerificationFailure | null {
  if (!args.signature) return 'missing signature';
  if (!args.timestamp) return 'missing timestamp';
  const sentAt = parseZoomTimestamp(args.timestamp);
  if (sentAt === null) return 'bad timestamp';
  if (args.nowMs - sentAt > MAX_TIMESTAMP_AGE_SECONDS * 1000) return 'stale timestamp';
  if (sentAt - args.nowMs > MAX_TIMESTAMP_AHEAD_SECONDS * 1000) return 'timestamp in the future';
  const expected = Buffer.from(zoomSignature(args.secret, args.timestamp, args.rawBody));
  const given = Buffer.from(args.signature);
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'bad signature';
  return null;
}
