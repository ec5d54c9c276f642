// HTTP helpers shared by our servers and clients: what to say when a peer (Zoom, the app) could not be reached at
// all, how a server checks a bearer token, and how it says that its port is taken.
import { createHash, timingSafeEqual } from 'node:crypto';
import axios from 'axios';
import { ConfigError } from './config';

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

/**
 * Listens on `port` (the value of the variable `setting`), or stops the start with one line when the port is taken
 * (most often by an earlier run of the same command) instead of a stack.
 */
export async function listenOrExplain(
  app: { listen(options: { port: number; host: string }): Promise<string> },
  { port, host, setting, what }: { port: number; host: string; setting: string; what: string },
): Promise<string> {
  try {
    return await app.listen({ port, host });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    throw new ConfigError(
      `port ${port} on ${host} (${setting}) is already in use: is another ${what} still running? ` +
        `Stop it, or set ${setting} to a free port.`,
    );
  }
}
