// HTTP helpers shared by our servers and clients: what to say when a peer (Zoom, the app) could not be reached at
// all, and how a server checks a bearer token.
import { createHash, timingSafeEqual } from 'node:crypto';
import axios from 'axios';

/** axios's error code (ECONNREFUSED, ECONNABORTED on a timeout…) says more than its message. */

export function unreachableDetail(err: unknown): string {
  return axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether an Authorization header is `Bearer <token>`; compared as digests, so that neither the token's content nor
 * its length leaks through timing. */
export function bearerMatches(authorization: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(authorization ?? '')?.[1] ?? '';
  return timingSafeEqual(digest(given), digest(token));
}
