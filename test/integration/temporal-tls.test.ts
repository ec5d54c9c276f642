// A cluster behind mutual TLS, for real: the dev server behind a TLS-terminating proxy that demands a client
// certificate signed by its CA (certificates made for this run). The whole world (gateway, workers, the test's own
// client) goes through it with the TEMPORAL_TLS_* variables, the CLI with a TOML profile; a certificate the proxy
// does not trust stops the worker and the gateway at start-up with one line that says what to check.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeCertificates, startTlsProxy, type Certificates, type TlsProxy } from '../helpers/tls-proxy';
import { runScript } from '../helpers/run-script';
import { callbacksAbout, settled, startWorld, temporalAddress, WEBHOOK_SECRET } from '../helpers/world';

let certificates: Certificates;
let proxy: TlsProxy;
beforeAll(async () => {
  certificates = await makeCertificates();
  proxy = await startTlsProxy(certificates, temporalAddress());
});
afterAll(() => proxy?.close());

const mutualTls = () => ({
  TEMPORAL_ADDRESS: proxy.address,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: certificates.file('ca.cert'),
  TEMPORAL_TLS_SERVER_NAME: 'localhost',
  TEMPORAL_TLS_CLIENT_CERT_PATH: certificates.file('client.cert'),
  TEMPORAL_TLS_CLIENT_KEY_PATH: certificates.file('client.key'),
});

test('a self-cancel goes through gateway, workers and callback with every Temporal call over mutual TLS', async () => {
  const world = await startWorld({ temporal: mutualTls(), windows: { FOLLOW_UP_WINDOW: '1h', DEDUP_WINDOW: '1h' } });
  try {
    const webinar = world.emulator.addWebinar();
    const ada = world.emulator.addRegistrant(webinar.id, { email: 'ada@example.com', first_name: 'Ada' });
    expect((await world.deliver(world.emulator.cancelAsRegistrant(webinar.id, ada.id))).status).toBe(200);
    const [cancelled] = await callbacksAbout(world, ada.id, 1);
    expect(cancelled).toMatchObject({ type: 'registrant.cancelled', data: { cancelled_by: 'registrant' } });
    expect(await settled(world, webinar.id, ada.id)).toMatchObject({ state: 'self_cancelled' });
  } finally {
    await world.stop();
  }
  expect(proxy.refused).toEqual([]);
});

test('the CLI reaches the same cluster through a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE)', async () => {
  const toml = path.join(path.dirname(certificates.file('ca.cert')), 'temporal.toml');
  writeFileSync(
    toml,
    [
      '[profile.secure]',
      `address = "${proxy.address}"`,
      'namespace = "default"',
      '[profile.secure.tls]',
      `server_ca_cert_path = "${certificates.file('ca.cert')}"`,
      'server_name = "localhost"',
      `client_cert_path = "${certificates.file('client.cert')}"`,
      `client_key_path = "${certificates.file('client.key')}"`,
    ].join('\n'),
  );
  const run = await runScript('src/bin/ops.ts', ['needs-review', '81234567890'], {
    TEMPORAL_CONFIG_FILE: toml,
    TEMPORAL_PROFILE: 'secure',
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout).toBe('0 registrant(s) of webinar 81234567890 in state needs_review\n');
});

describe('a certificate the server does not accept stops a process at start-up, in one line', () => {
  const stranger = () => ({
    ...mutualTls(),
    TEMPORAL_TLS_CLIENT_CERT_PATH: certificates.file('stranger.cert'),
    TEMPORAL_TLS_CLIENT_KEY_PATH: certificates.file('stranger.key'),
  });
  const ZOOM = { ZOOM_ACCOUNT_ID: 'a', ZOOM_CLIENT_ID: 'b', ZOOM_CLIENT_SECRET: 'c', WORKER_METRICS_ADDRESS: 'off' };
  const lastLogLine = (stdout: string) =>
    JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { msg?: string; err?: unknown };

  test('the worker, signed by a CA the server does not trust', async () => {
    const run = await runScript('src/bin/worker.ts', [], { ...stranger(), ...ZOOM });
    expect(run.code).toBe(1);
    const line = lastLogLine(run.stdout);
    expect(line.msg).toBe(
      `cannot connect to Temporal at ${proxy.address} (TEMPORAL_ADDRESS, mutual TLS): the server ended the TLS ` +
        'handshake: it does not accept this client certificate (TEMPORAL_TLS_CLIENT_CERT_PATH). Is it signed by a CA ' +
        'the server trusts, and still valid?',
    );
    expect(line.err).toBeUndefined();
    expect(run.stdout).not.toMatch(/worker started/);
  });

  test('the gateway, without a client certificate: it does not start answering 503s', async () => {
    const run = await runScript('src/bin/gateway.ts', [], {
      ...mutualTls(),
      TEMPORAL_TLS_CLIENT_CERT_PATH: '',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '',
      ZOOM_WEBHOOK_SECRET_TOKEN: WEBHOOK_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    expect(run.code).toBe(1);
    // TLS 1.3 lets the client see either the server's alert or only the closed connection: both name the fix.
    const message = lastLogLine(run.stdout).msg;
    expect(message).toMatch(
      new RegExp(`^cannot connect to Temporal at ${proxy.address} \\(TEMPORAL_ADDRESS, TLS\\): `),
    );
    expect(message).toMatch(/client certificate .*set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH/);
    expect(run.stdout).not.toMatch(/gateway started|Server listening/);
  });

  test('the CLI, trusting the wrong CA for the server', async () => {
    const run = await runScript('src/bin/ops.ts', ['needs-review', '81234567890'], {
      ...mutualTls(),
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: certificates.file('stranger.cert'),
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      `ops: cannot connect to Temporal at ${proxy.address} (TEMPORAL_ADDRESS, mutual TLS): the server's certificate ` +
        'is not signed by a CA this process trusts: set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it.',
    );
  });
});
