// A TLS-terminating proxy in front of the plaintext dev server that demands a client certificate, as a self-hosted
// cluster behind mutual TLS does, and the certificates for it, made for each test run: a CA that signs the server
// and a client, and a stranger's CA that signs a client the proxy must turn away.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import selfsigned from 'selfsigned';

export interface Pem {
  cert: string;
  key: string;
}

const EC = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' } as const;

async function authority(name: string): Promise<Pem> {
  const made = await selfsigned.generate([{ name: 'commonName', value: name }], {
    ...EC,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: made.cert, key: made.private };
}

async function signedBy(ca: Pem, name: string, usage: 'serverAuth' | 'clientAuth'): Promise<Pem> {
  const made = await selfsigned.generate([{ name: 'commonName', value: name }], {
    ...EC,
    ca: { cert: ca.cert, key: ca.key },
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', [usage]: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: name },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { cert: made.cert, key: made.private };
}

export interface Certificates {
  ca: Pem;
  server: Pem;
  client: Pem;
  /** Signed by a CA the proxy does not trust. */
  stranger: Pem;
  /** Each PEM written to a file of the folder, for the *_PATH settings: `file('client.cert')`. */
  file(name: `${'ca' | 'server' | 'client' | 'stranger'}.${'cert' | 'key'}`): string;
}

export async function makeCertificates(): Promise<Certificates> {
  const ca = await authority('test CA');
  const strangersCa = await authority("a stranger's CA");
  const all = {
    ca,
    server: await signedBy(ca, 'localhost', 'serverAuth'),
    client: await signedBy(ca, 'zoom-registration-worker', 'clientAuth'),
    stranger: await signedBy(strangersCa, 'zoom-registration-worker', 'clientAuth'),
  };
  const folder = mkdtempSync(path.join(tmpdir(), 'temporal-tls-'));
  for (const [name, pem] of Object.entries(all)) {
    writeFileSync(path.join(folder, `${name}.cert`), pem.cert);
    writeFileSync(path.join(folder, `${name}.key`), pem.key, { mode: 0o600 });
  }
  return { ...all, file: (name) => path.join(folder, name) };
}

export interface TlsProxy {
  address: string;
  /** Client certificates the proxy turned away, by the reason TLS gave. */
  refused: string[];
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 with TLS (HTTP/2 by ALPN, as gRPC needs) and pipes each connection to `upstream`. */
export async function startTlsProxy(certificates: Certificates, upstream: string): Promise<TlsProxy> {
  const [host, port] = upstream.split(':') as [string, string];
  const sockets = new Set<Socket>();
  const refused: string[] = [];
  const server: Server = createServer(
    {
      cert: certificates.server.cert,
      key: certificates.server.key,
      ca: [certificates.ca.cert],
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (client: TLSSocket) => {
      const temporal = connect(Number(port), host);
      sockets.add(client).add(temporal);
      const forget = () => (sockets.delete(client), sockets.delete(temporal));
      client.pipe(temporal).pipe(client);
      client.on('error', () => temporal.destroy()).on('close', forget);
      temporal.on('error', () => client.destroy()).on('close', forget);
    },
  );
  server.on('tlsClientError', (err) => refused.push(err.message));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the TLS proxy has no port');
  return {
    address: `127.0.0.1:${address.port}`,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}
