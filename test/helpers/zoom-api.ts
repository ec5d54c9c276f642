// Calls to the emulator's Zoom API as a Zoom client makes them: a Server-to-Server OAuth token, then bearer calls.
import axios, { type AxiosRequestConfig } from 'axios';
import type { ZoomEmulator } from '../../tools/sandbox/emulator';

export const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export function zoomApi(
  emulator: ZoomEmulator,
  credentials: { accountId: string; clientId: string; clientSecret: string },
) {
  let token: string | null = null;
  const getToken = (
    params = `grant_type=account_credentials&account_id=${credentials.accountId}`,
    authorization = basicAuth(credentials.clientId, credentials.clientSecret),
  ) =>
    axios.post(`${emulator.tokenUrl}?${params}`, undefined, {
      headers: { authorization },
      validateStatus: () => true,
    });
  return {
    getToken,
    async call(method: string, path: string, config: AxiosRequestConfig = {}) {
      token ??= ((await getToken()).data as { access_token: string }).access_token;
      return axios.request({
        method,
        url: `${emulator.apiBaseUrl}${path}`,
        headers: { authorization: `Bearer ${token}` },
        validateStatus: () => true,
        ...config,
      });
    },
  };
}
