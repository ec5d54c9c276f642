// How every process reaches Temporal (the worker, the gateway, the operators' CLI, the dev world): through the SDK's
// own environment configuration, so that a self-hosted TLS cluster or Temporal Cloud takes the variables and TOML
// profiles that Temporal's docs already describe (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// TEMPORAL_TLS_*, TEMPORAL_PROFILE), and one way to say that it could not be reached: at start-up, with the address,
// where it came from and what to do, rather than at the first webhook.
import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { loadClientConfig, loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import { ConfigError, type TemporalConnectionSettings } from '../config';
import { errorMessage } from '../errors';
import { AesGcmPayloadCodec } from './payload-codec';

/** How long a process waits for Temporal at start before it says so (the SDK's own default is 10 s). */
const CONNECT_TIMEOUT_MS = 5_000;

export type TemporalSecurity = 'plaintext' | 'TLS' | 'mutual TLS' | 'API key over TLS';

/** Where Temporal is and how to talk to it, once the environment and the profile have been read. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  security: TemporalSecurity;
  /** Where the address came from, for messages: "TEMPORAL_ADDRESS", "profile prod", "the default address". */
  addressFrom: string;
  connection: Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey' | 'metadata'>;
  /** With PAYLOAD_CODEC_KEYS: payloads encrypted (failure messages are not: they carry ids, never names). */
  dataConverter: DataConverter;
  /** The key id that encrypts, if any. */
  encryptedWith: string | null;
}

function dataConverterFor(config: TemporalConnectionSettings): DataConverter {
  const keys = config.PAYLOAD_CODEC_KEYS ?? [];
  if (keys.length === 0) return {};
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)] };
}

/** The TEMPORAL_* settings, as the SDK's loader reads them from an environment. */
function temporalEnv(config: TemporalConnectionSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) {
    if (name.startsWith('TEMPORAL_') && typeof value === 'string') env[name] = value;
  }
  // The default profile file lives in the user's configuration folder (~/.config/temporalio/temporal.toml).
  for (const name of ['HOME', 'XDG_CONFIG_HOME', 'APPDATA'] as const) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  return env;
}

/** Reads the connection settings (and the files they name) now; a mistake is a ConfigError that says where. */
export function temporalTarget(config: TemporalConnectionSettings): TemporalTarget {
  // The SDK's loader takes a missing file for "no profiles", which is right for the default location only.
  if (config.TEMPORAL_CONFIG_FILE && !existsSync(config.TEMPORAL_CONFIG_FILE)) {
    throw new ConfigError(`TEMPORAL_CONFIG_FILE names a file that does not exist: ${config.TEMPORAL_CONFIG_FILE}`);
  }
  const env = temporalEnv(config);
  const profile = config.TEMPORAL_PROFILE ? `profile ${config.TEMPORAL_PROFILE}` : 'the default profile';
  let loaded;
  try {
    const profiles = Object.keys(profilesIn(env));
    if (config.TEMPORAL_PROFILE && !profiles.includes(config.TEMPORAL_PROFILE)) {
      const file = config.TEMPORAL_CONFIG_FILE ?? 'the default file (~/.config/temporalio/temporal.toml)';
      throw new ConfigError(
        `TEMPORAL_PROFILE names a profile that ${file} does not have: ${config.TEMPORAL_PROFILE} ` +
          `(it has ${profiles.join(', ') || 'none'})`,
      );
    }
    loaded = loadClientConnectConfig({ overrideEnvVars: env, configFileStrict: true, disableFile: !profiles.length });
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(`the Temporal connection settings cannot be read (${profile}): ${errorMessage(err)}`);
  }
  const { tls, apiKey, metadata, address: given } = loaded.connectionOptions;
  const address = given ?? 'localhost:7233';
  const addressFrom = config.TEMPORAL_ADDRESS ? 'TEMPORAL_ADDRESS' : given ? profile : 'the default address';
  // gRPC takes host:port; a URL's scheme otherwise surfaces as a puzzling certificate or DNS error.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) {
    throw new ConfigError(
      `${addressFrom} must be host:port, without a scheme: ${address.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')}, not ${address}`,
    );
  }
  if (tls && typeof tls === 'object' && !tls.clientCertPair && halfAPair(config)) {
    throw new ConfigError(
      'a client certificate needs its key and a key its certificate: set both TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_*',
    );
  }
  const security: TemporalSecurity = apiKey
    ? 'API key over TLS'
    : tls && typeof tls === 'object' && tls.clientCertPair
      ? 'mutual TLS'
      : tls
        ? 'TLS'
        : 'plaintext';
  return {
    address,
    namespace: loaded.namespace ?? 'default',
    security,
    addressFrom,
    connection: { address, tls, apiKey, metadata },
    dataConverter: dataConverterFor(config),
    encryptedWith: config.PAYLOAD_CODEC_KEYS?.[0]?.id ?? null,
  };
}

/** The profiles of the TOML file; the SDK's reader fails with a TypeError on a file that has none. */
function profilesIn(env: Record<string, string>): Record<string, unknown> {
  try {
    return loadClientConfig({ overrideEnvVars: env, configFileStrict: true }).profiles;
  } catch (err) {
    if (err instanceof TypeError) return {};
    throw err;
  }
}

/** What a process's start-up line says of its Temporal: where, how secured, whether payloads are encrypted. */
export function describeTarget(target: TemporalTarget) {
  const { address, namespace, security, encryptedWith } = target;
  return { address, namespace, security, payloadsEncryptedWith: encryptedWith };
}

function halfAPair(config: TemporalConnectionSettings): boolean {
  const cert = Boolean(config.TEMPORAL_TLS_CLIENT_CERT_PATH ?? config.TEMPORAL_TLS_CLIENT_CERT_DATA);
  const key = Boolean(config.TEMPORAL_TLS_CLIENT_KEY_PATH ?? config.TEMPORAL_TLS_CLIENT_KEY_DATA);
  return cert !== key;
}

export class TemporalUnreachableError extends Error {
  override name = 'TemporalUnreachableError';
  constructor(
    message: string,
    /** Nothing answered (yet): a server that starts later will. False when it answered and refused us. */
    readonly transient: boolean,
  ) {
    super(message);
  }
}

/**
 * "cannot reach Temporal at 127.0.0.1:7999 (TEMPORAL_ADDRESS, plaintext): connection refused. Is …", or, when a
 * server answered but the TLS handshake or the credentials failed, which of them and which setting to look at.
 */
export function temporalUnreachable(target: TemporalTarget, err: unknown): TemporalUnreachableError {
  const reason = errorMessage(err);
  const where = `Temporal at ${target.address} (${target.addressFrom}, ${target.security})`;
  if (/refused/i.test(reason)) {
    return new TemporalUnreachableError(
      `cannot reach ${where}: connection refused. Is a Temporal server running there? ` +
        '`npm run dev` starts one at 127.0.0.1:7233.',
      true,
    );
  }
  if (/dns error|failed to lookup address|name or service not known|nodename nor servname|ENOTFOUND/i.test(reason)) {
    return new TemporalUnreachableError(
      `cannot reach ${where}: its host name does not resolve (DNS). Is ${target.addressFrom}'s host right?`,
      true,
    );
  }
  if (/deadline|timed? ?out/i.test(reason)) {
    return new TemporalUnreachableError(
      `cannot reach ${where}: no answer within ${CONNECT_TIMEOUT_MS / 1000} s. ` +
        'Is the address right, and does the network let it through?',
      true,
    );
  }
  return new TemporalUnreachableError(`cannot connect to ${where}: ${refusal(target, reason)}`, false);
}

/** The SDK's transport errors (tonic's, rustls's) said in words, with the setting to look at. */
function refusal(target: TemporalTarget, reason: string): string {
  if (/CertificateRequired|peer did not return a certificate/i.test(reason)) {
    return 'the server asks for a client certificate (mutual TLS) and none was given: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH.';
  }
  if (/NotValidForName|hostname|altnames/i.test(reason)) {
    return "the server's certificate is not issued for this address: set TEMPORAL_TLS_SERVER_NAME to the name it is issued for.";
  }
  if (/UnknownIssuer|InvalidCertificate|self.signed|unable to verify|certificate verify failed/i.test(reason)) {
    return "the server's certificate is not signed by a CA this process trusts: set TEMPORAL_TLS_SERVER_CA_CERT_PATH to the CA that signed it.";
  }
  if (/unauthenticated|permission denied|api key|unauthori[sz]ed/i.test(reason)) {
    return `the server refused the credentials (${reason}): check TEMPORAL_API_KEY and TEMPORAL_NAMESPACE (on Temporal Cloud, <namespace>.<account id>).`;
  }
  if (/reset|broken pipe|closed|eof|alert|handshake/i.test(reason)) {
    return target.security === 'mutual TLS'
      ? 'the server ended the TLS handshake: it does not accept this client certificate (TEMPORAL_TLS_CLIENT_CERT_PATH). Is it signed by a CA the server trusts, and still valid?'
      : target.security === 'plaintext'
        ? 'the server closed the connection: does it expect TLS? Set TEMPORAL_TLS=true (and, for mutual TLS, the client certificate and key).'
        : 'the server closed the connection during the TLS handshake: it may demand a client certificate (mutual TLS: set TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH) or an API key (TEMPORAL_API_KEY).';
  }
  return `${reason}. Check the TEMPORAL_* settings.`;
}

/**
 * Tries the settings once with the SDK's native connection, which says why it cannot connect (refused, the
 * certificate, the handshake) within milliseconds; the client's own connection (grpc-js) only says, after its
 * deadline, that it ran out of time.
 */
export async function probeTemporal(target: TemporalTarget): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), CONNECT_TIMEOUT_MS);
  });
  const connecting = NativeConnection.connect(target.connection);
  try {
    const connection = await Promise.race([connecting, giveUp]);
    await connection.close();
  } catch (err) {
    // One that connects after all, too late, is closed rather than left open.
    connecting.then((late) => late.close()).catch(() => {});
    throw temporalUnreachable(target, err);
  } finally {
    clearTimeout(timer);
  }
}

/** A client for the CLI and tools (connected now, so that a wrong address fails at once). */
export async function connectClient(
  config: TemporalConnectionSettings,
): Promise<{ client: Client; connection: Connection }> {
  const target = temporalTarget(config);
  await probeTemporal(target);
  const connection = await Connection.connect({ ...target.connection, connectTimeout: CONNECT_TIMEOUT_MS }).catch(
    (err: unknown) => {
      throw temporalUnreachable(target, err);
    },
  );
  return {
    client: new Client({ connection, namespace: target.namespace, dataConverter: target.dataConverter }),
    connection,
  };
}

/** What the worker's Temporal clients are made of: its native connection, its namespace and data converter. */
export interface WorkerTemporal {
  connection: NativeConnection;
  namespace: string;
  dataConverter: DataConverter;
  target: TemporalTarget;
}

/** The worker's connection, connected now: a wrong address or certificate fails at start-up. */
export async function connectWorker(config: TemporalConnectionSettings): Promise<WorkerTemporal> {
  const target = temporalTarget(config);
  const connection = await NativeConnection.connect(target.connection).catch((err: unknown) => {
    throw temporalUnreachable(target, err);
  });
  return { connection, namespace: target.namespace, dataConverter: target.dataConverter, target };
}
