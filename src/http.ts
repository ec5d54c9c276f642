// What to say when an HTTP peer (Zoom, the app) could not be reached at all: axios's error code (ECONNREFUSED,
// ECONNABORTED on a timeout…) says more than its message.
import axios from 'axios';

export function unreachableDetail(err: unknown): string {
  return axios.isAxiosError(err) ? (err.code ?? err.message) : String(err);
}
