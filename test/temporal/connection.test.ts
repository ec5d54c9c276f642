// The connection settings are read (with the files they name) before anything connects: a mistake in them is one
// ConfigError that says which setting, and a TOML profile is read as the SDK reads it, the variables overriding it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/config';
import { probeTemporal, temporalTarget } from '../../src/temporal/connection';

const folder = mkdtempSync(path.join(tmpdir(), 'temporal-settings-'));
const file = (name: string, text: string) => {
  const at = path.join(folder, name);
  writeFileSync(at, text);
  return at;
};
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

test('nothing set: the local dev server, plaintext, namespace default', () => {
  expect(temporalTarget({})).toMatchObject({
    address: 'localhost:7233',
    namespace: 'default',
    security: 'plaintext',
    addressFrom: 'the default address',
  });
});

test('Temporal Cloud with an API key: TLS without further settings', () => {
  const target = temporalTarget({
    TEMPORAL_ADDRESS: 'eu-west-1.aws.api.temporal.io:7233',
    TEMPORAL_NAMESPACE: 'registrations.a1b2c',
    TEMPORAL_API_KEY: 'key',
  });
  expect(target).toMatchObject({ namespace: 'registrations.a1b2c', security: 'API key over TLS' });
  expect(target.connection).toMatchObject({ apiKey: 'key', tls: true });
});

test('a profile gives address, namespace and mutual TLS; a variable overrides one of them', () => {
  const config = file(
    'profiles.toml',
    [
      '[profile.prod]',
      'address = "temporal.internal:7233"',
      'namespace = "registrations"',
      '[profile.prod.tls]',
      `client_cert_data = """${PEM}"""`,
      `client_key_data = """${PEM}"""`,
    ].join('\n'),
  );
  const target = temporalTarget({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'prod' });
  expect(target).toMatchObject({
    address: 'temporal.internal:7233',
    namespace: 'registrations',
    security: 'mutual TLS',
    addressFrom: 'profile prod',
  });
  expect(
    temporalTarget({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'prod', TEMPORAL_NAMESPACE: 'staging' }),
  ).toMatchObject({ address: 'temporal.internal:7233', namespace: 'staging' });
});

test('a file without profiles is no profile at all', () => {
  expect(temporalTarget({ TEMPORAL_CONFIG_FILE: file('none.toml', '') })).toMatchObject({ address: 'localhost:7233' });
});

test('TEMPORAL_TLS=false turns off the TLS a profile asks for', () => {
  const config = file('tls.toml', '[profile.default]\naddress = "a:7233"\n[profile.default.tls]\nserver_name = "a"\n');
  expect(temporalTarget({ TEMPORAL_CONFIG_FILE: config }).security).toBe('TLS');
  expect(temporalTarget({ TEMPORAL_CONFIG_FILE: config, TEMPORAL_TLS: 'false' }).security).toBe('plaintext');
});

test.each([
  [
    { TEMPORAL_CONFIG_FILE: path.join(folder, 'missing.toml') },
    /^TEMPORAL_CONFIG_FILE names a file that does not exist: /,
  ],
  [
    { TEMPORAL_CONFIG_FILE: file('empty.toml', ''), TEMPORAL_PROFILE: 'prod' },
    /^TEMPORAL_PROFILE names a profile that \/.*empty\.toml does not have: prod \(it has none\)$/,
  ],
  [
    { TEMPORAL_CONFIG_FILE: file('typo.toml', '[profile.default]\nadress = "a:7233"\n') },
    'the Temporal connection settings cannot be read (the default profile): Validation error: key(s) unrecognized in profile.default: adress',
  ],
  [
    { TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(folder, 'client.pem') },
    /^the Temporal connection settings cannot be read \(the default profile\): .*ENOENT: no such file/,
  ],
  [
    { TEMPORAL_ADDRESS: 'http://localhost:7233' },
    'TEMPORAL_ADDRESS must be host:port, without a scheme: localhost:7233, not http://localhost:7233',
  ],
  [
    { TEMPORAL_TLS_CLIENT_CERT_DATA: PEM },
    'a client certificate needs its key and a key its certificate: set both TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_*',
  ],
  [
    { TEMPORAL_TLS_CLIENT_CERT_DATA: PEM, TEMPORAL_TLS_CLIENT_CERT_PATH: '/x' },
    /Cannot specify both client_cert_path and client_cert_data/,
  ],
])('%j: %s', (settings, message) => {
  expect(() => temporalTarget(settings)).toThrow(ConfigError);
  expect(() => temporalTarget(settings)).toThrow(message);
});

test('a host name that does not resolve is said in words, not as the transport error', async () => {
  // The SDK's own connection, for real: `.invalid` never resolves (RFC 2606).
  const probed = probeTemporal(temporalTarget({ TEMPORAL_ADDRESS: 'temporal.invalid:7233' }));
  await expect(probed).rejects.toThrow(
    "cannot reach Temporal at temporal.invalid:7233 (TEMPORAL_ADDRESS, plaintext): its host name does not resolve (DNS). Is TEMPORAL_ADDRESS's host right?",
  );
  await expect(probed).rejects.toMatchObject({ transient: true });
});
