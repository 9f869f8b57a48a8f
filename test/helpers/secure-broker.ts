// A Pulsar standalone with TLS and token authentication/authorization, started on free ports in a temp run
// directory, with its certificates and keys generated at test time (openssl, node:crypto). Nothing secret
// is committed: the configuration comes from local-pulsar/conf/standalone-security.conf.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { PulsarAdmin } from '../../src/client/admin.js';
import { LocalPulsar } from '../../src/local-pulsar/broker.js';
import { projectRoot } from '../../src/local-pulsar/paths.js';
import { newSecretKey, signJwt, tokenExpiringIn } from './jwt.js';

/** Paths of PEM files made for one test run. */
export interface TlsFixtures {
  /** The CA that signed the broker's certificate. */
  readonly caCert: string;
  /** A CA that signed nothing the broker uses. */
  readonly otherCaCert: string;
  /** Broker certificate for DNS:localhost and IP:127.0.0.1, and its PKCS#8 key. */
  readonly brokerCert: string;
  readonly brokerKey: string;
  /** Signed by `caCert` but only for DNS:other.invalid. */
  readonly otherNameCert: string;
  readonly otherNameKey: string;
}

export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=Strobe test ${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  return { cert, key };
}

function makeLeaf(dir: string, name: string, ca: { cert: string; key: string }, subjectAltName: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [`subjectAltName=${subjectAltName}`, 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth,clientAuth'].join('\n'),
  );
  // `req -newkey` writes a PKCS#8 key, the form the broker's PEM loader expects.
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${Date.now().toString(16)}`, '-days', '2', '-out', cert, '-extfile', ext], dir);
  return { cert, key };
}

/** A CA, a broker certificate for localhost/127.0.0.1, one for another name, and an unrelated CA. */
export function makeTlsFixtures(dir: string): TlsFixtures {
  const ca = makeCa(dir, 'ca');
  const otherCa = makeCa(dir, 'other-ca');
  const broker = makeLeaf(dir, 'broker', ca, 'DNS:localhost,IP:127.0.0.1');
  const otherName = makeLeaf(dir, 'other-name', ca, 'DNS:other.invalid');
  return {
    caCert: ca.cert,
    otherCaCert: otherCa.cert,
    brokerCert: broker.cert,
    brokerKey: broker.key,
    otherNameCert: otherName.cert,
    otherNameKey: otherName.key,
  };
}

/** Reads local-pulsar/conf/standalone-security.conf, filling `${NAME}` placeholders from `values`. */
export function securityConfig(values: Readonly<Record<string, string>>): Record<string, string> {
  const text = readFileSync(join(projectRoot(), 'local-pulsar', 'conf', 'standalone-security.conf'), 'utf8');
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const value = line.slice(eq + 1).replace(/\$\{(\w+)\}/g, (_, name: string) => {
      const v = values[name];
      if (v === undefined) throw new Error(`standalone-security.conf needs a value for \${${name}}`);
      return v;
    });
    out[line.slice(0, eq)] = value;
  }
  return out;
}

export const BROKER_ROLE = 'strobe-broker';
export const ADMIN_ROLE = 'strobe-admin';

export interface SecureBroker {
  readonly serviceUrl: string;
  readonly serviceUrlTls: string;
  readonly adminUrl: string;
  /** Admin client authenticated as a superuser. */
  readonly admin: PulsarAdmin;
  /** The broker's log (to check what it did, e.g. that it challenged a connection). */
  readonly logFile: string;
  readonly brokerPort: number;
  readonly brokerPortTls: number;
  readonly tls: TlsFixtures;
  /** The HS256 key the broker validates tokens with. */
  readonly secretKey: Buffer;
  /** A never-expiring token for a superuser role. */
  readonly adminToken: string;
  readonly refreshCheckSeconds: number;
  /** Seconds from launch to healthy. */
  readonly startSeconds: number;
  /** A token for `sub` signed with the broker's key, expiring in `seconds` (none: never). */
  token(sub: string, seconds?: number): string;
  /** Lets `role` produce and consume on public/default. */
  grant(role: string): Promise<void>;
  stop(): Promise<void>;
}

export interface SecureBrokerOptions {
  /** authenticationRefreshCheckSeconds. @default 1 */
  readonly refreshCheckSeconds?: number;
  readonly extraConfig?: Readonly<Record<string, string>>;
  readonly log?: (line: string) => void;
}

/** Starts a TLS + token-auth standalone broker in its own temp directory; `stop()` kills it and removes the directory. */
export async function startSecureBroker(opts: SecureBrokerOptions = {}): Promise<SecureBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'strobe-secure-'));
  try {
    const tls = makeTlsFixtures(dir);
    const secretKey = newSecretKey();
    const secretFile = join(dir, 'token-secret.key');
    writeFileSync(secretFile, secretKey, { mode: 0o600 });
    const refreshCheckSeconds = opts.refreshCheckSeconds ?? 1;
    const [brokerPort, brokerPortTls, webPort] = [await freePort(), await freePort(), await freePort()];
    const adminToken = signJwt({ sub: ADMIN_ROLE }, secretKey);
    const extraConfig = {
      ...securityConfig({
        BROKER_PORT_TLS: String(brokerPortTls),
        TLS_CERT_FILE: tls.brokerCert,
        TLS_KEY_FILE: tls.brokerKey,
        TLS_CA_FILE: tls.caCert,
        TOKEN_SECRET_KEY_FILE: secretFile,
        AUTH_REFRESH_CHECK_SECONDS: String(refreshCheckSeconds),
        BROKER_ROLE,
        ADMIN_ROLE,
        BROKER_TOKEN: signJwt({ sub: BROKER_ROLE }, secretKey),
      }),
      ...opts.extraConfig,
    };
    const broker = new LocalPulsar({ runDir: join(dir, 'run'), brokerPort, webPort, extraConfig, adminToken, log: opts.log ?? (() => {}) });
    const t0 = performance.now();
    await broker.start();
    const startSeconds = (performance.now() - t0) / 1000;
    const admin = new PulsarAdmin({ adminUrl: broker.adminUrl, token: adminToken });
    return {
      serviceUrl: `pulsar://127.0.0.1:${brokerPort}`,
      serviceUrlTls: `pulsar+ssl://127.0.0.1:${brokerPortTls}`,
      adminUrl: broker.adminUrl,
      admin,
      logFile: broker.paths.logFile,
      brokerPort,
      brokerPortTls,
      tls,
      secretKey,
      adminToken,
      refreshCheckSeconds,
      startSeconds,
      token: (sub, seconds) => (seconds === undefined ? signJwt({ sub }, secretKey) : tokenExpiringIn(sub, seconds, secretKey).token),
      grant: async (role) => {
        await admin.request('POST', `/admin/v2/namespaces/public/default/permissions/${encodeURIComponent(role)}`, ['produce', 'consume']);
      },
      stop: async () => {
        try {
          await broker.stop();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export interface TlsForwarder {
  readonly port: number;
  /** TLS connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

/**
 * A TLS endpoint on a free port that presents `cert` and forwards the decrypted bytes to a plain port: a
 * real broker behind a certificate of our choosing (e.g. one for another host name).
 */
export async function startTlsForwarder(opts: { cert: string; key: string; targetPort: number }): Promise<TlsForwarder> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createTlsServer({ cert: readFileSync(opts.cert), key: readFileSync(opts.key) }, (client) => {
    accepted++;
    const upstream = netConnect({ host: '127.0.0.1', port: opts.targetPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  // A client that rejects our certificate aborts the handshake: expected here, not a failure.
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get accepted() {
      return accepted;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
