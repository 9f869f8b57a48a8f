// TLS and token authentication of Strobe's client against a real broker started for this file with TLS,
// token authentication and authorization (test/helpers/secure-broker.ts); certificates, the HS256 key and
// every token are made at test time.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthenticationError, ConnectionError, ServerError } from '../../../src/errors.js';
import { tokenAuth, tokenFromFile, type Authentication } from '../../../src/client/auth.js';
import { PulsarClient, type ClientOptions } from '../../../src/client/client.js';
import { signJwt, tokenExpiringIn } from '../../helpers/jwt.js';
import { uniqueName, uniqueTopic, waitFor } from '../../helpers/pulsar.js';
import { ADMIN_ROLE, startSecureBroker, startTlsForwarder, type SecureBroker } from '../../helpers/secure-broker.js';

let broker: SecureBroker;
const clients: PulsarClient[] = [];
const tmpDirs: string[] = [];

function client(opts: Partial<ClientOptions> & { serviceUrl: string }): { client: PulsarClient; reconnects: Error[] } {
  const reconnects: Error[] = [];
  const c = new PulsarClient({
    connectTimeoutMs: 5_000,
    operationTimeoutMs: 10_000,
    ...opts,
    events: { reconnect: (_kind, _topic, err) => reconnects.push(err) },
  });
  clients.push(c);
  return { client: c, reconnects };
}

/** An Authentication that counts how often the client asked it for credentials. */
function counted(supply: () => string | Promise<string>): { auth: Authentication; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    auth: tokenAuth(() => {
      calls.push(Date.now());
      return supply();
    }),
  };
}

/** Subscribes, produces `n` messages and receives them back in order: the connection really carries traffic. */
async function roundTrip(c: PulsarClient, n = 10): Promise<string> {
  const topic = uniqueTopic('sec');
  const consumer = await c.subscribe({ topic, subscription: uniqueName('sub'), initialPosition: 'Earliest' });
  const producer = await c.createProducer({ topic });
  const sent = Array.from({ length: n }, (_, i) => `m${i}-${uniqueName('v')}`);
  await Promise.all(sent.map((v) => producer.send({ value: Buffer.from(v) })));
  for (const v of sent) {
    const m = await consumer.receive(10_000);
    assert.equal(m.value.toString(), v);
    consumer.ack(m);
  }
  await producer.close();
  await consumer.close();
  return topic;
}

/**
 * Fails if `happened()` turns true within `windowMs`. Used where the claim is that something does NOT
 * happen (a reconnect loop): the reconnect backoff starts at 100 ms, so a loop would show within the window.
 */
async function staysFalse(happened: () => boolean, windowMs: number, what: string): Promise<void> {
  const end = Date.now() + windowMs;
  while (Date.now() < end) {
    assert.ok(!happened(), what);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(!happened(), what);
}

function isAuthError(err: unknown): true {
  assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${String(err)}`);
  assert.equal(err.retriable, false);
  assert.equal(err.code, 'AUTHENTICATION');
  assert.match(err.message, new RegExp(`${broker.serviceUrlTls.replace(/[.+]/g, '\\$&')} refused the connection: AuthenticationError`));
  return true;
}

function refreshLogLines(role: string): number {
  return readFileSync(broker.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('Refreshing authentication credentials') && l.includes(`authRole ${role}`)).length;
}

describe('TLS and token authentication against a real broker', { timeout: 180_000 }, () => {
  before(async () => {
    broker = await startSecureBroker({ refreshCheckSeconds: 1 });
    process.stderr.write(`# secure broker healthy after ${broker.startSeconds.toFixed(1)} s\n`);
  }, { timeout: 150_000 });

  after(async () => {
    await Promise.allSettled(clients.map((c) => c.close()));
    for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
    await broker?.stop();
  });

  it('pulsar+ssl:// with the CA and hostname verification on: a valid token produces and consumes (IP and DNS name)', async () => {
    for (const host of ['127.0.0.1', 'localhost']) {
      const { client: c, reconnects } = client({
        serviceUrl: `pulsar+ssl://${host}:${broker.brokerPortTls}`,
        tls: { ca: broker.tls.caCert, hostnameVerification: true },
        auth: tokenAuth(broker.adminToken),
      });
      const topic = await roundTrip(c, 20);
      const stats = await broker.admin.topicStats(topic);
      assert.equal(stats.msgInCounter, 20);
      assert.equal(reconnects.length, 0);
    }
  });

  it('plain pulsar:// with a valid token also produces and consumes', async () => {
    const { client: c } = client({ serviceUrl: broker.serviceUrl, auth: tokenAuth(broker.adminToken) });
    await roundTrip(c);
  });

  it('a CA that did not sign the broker certificate fails at once with a non-retriable ConnectionError', async () => {
    const { client: c, reconnects } = client({
      serviceUrl: broker.serviceUrlTls,
      tls: { ca: broker.tls.otherCaCert },
      auth: tokenAuth(broker.adminToken),
    });
    const t0 = Date.now();
    for (const attempt of [() => c.createProducer({ topic: uniqueTopic('sec') }), () => c.subscribe({ topic: uniqueTopic('sec'), subscription: 's' })]) {
      await assert.rejects(attempt(), (err: unknown) => {
        assert.ok(err instanceof ConnectionError, `expected ConnectionError, got ${String(err)}`);
        assert.equal(err.retriable, false);
        assert.equal(err.code, 'CONNECT_FAILED');
        assert.match(err.message, /cannot connect to pulsar\+ssl:\/\/127\.0\.0\.1:\d+: unable to verify/);
        const cause = (err as Error & { cause?: { code?: string } }).cause;
        assert.ok(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN'].includes(cause?.code ?? ''), `TLS cause ${cause?.code}`);
        return true;
      });
    }
    assert.ok(Date.now() - t0 < 5_000, 'failed well before the connect time-out');
    assert.equal(reconnects.length, 0);
    // allowInsecure (tests only) skips certificate verification altogether.
    const insecure = client({ serviceUrl: broker.serviceUrlTls, tls: { ca: broker.tls.otherCaCert, allowInsecure: true }, auth: tokenAuth(broker.adminToken) });
    await roundTrip(insecure.client, 3);
  });

  it('hostname verification: a trusted certificate for another name is refused when on and accepted when off', async () => {
    // The broker behind a TLS endpoint whose certificate (signed by the same CA) names only other.invalid.
    const forwarder = await startTlsForwarder({ cert: broker.tls.otherNameCert, key: broker.tls.otherNameKey, targetPort: broker.brokerPort });
    try {
      const serviceUrl = `pulsar+ssl://127.0.0.1:${forwarder.port}`;
      const on = client({ serviceUrl, tls: { ca: broker.tls.caCert }, auth: tokenAuth(broker.adminToken) });
      await assert.rejects(on.client.createProducer({ topic: uniqueTopic('sec') }), (err: unknown) => {
        assert.ok(err instanceof ConnectionError, `expected ConnectionError, got ${String(err)}`);
        assert.equal(err.retriable, false);
        assert.match(err.message, /does not match certificate's altnames/);
        assert.equal((err as Error & { cause?: { code?: string } }).cause?.code, 'ERR_TLS_CERT_ALTNAME_INVALID');
        return true;
      });
      const acceptedBefore = forwarder.accepted;
      const off = client({ serviceUrl, tls: { ca: broker.tls.caCert, hostnameVerification: false }, auth: tokenAuth(broker.adminToken) });
      await roundTrip(off.client, 3);
      assert.ok(forwarder.accepted > acceptedBefore, 'the client went through the endpoint with the other-name certificate');
    } finally {
      await forwarder.close();
    }
  });

  it('invalid, expired, wrong-key and missing tokens: producer and consumer creation reject with AuthenticationError, no retry loop', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strobe-sec-'));
    tmpDirs.push(dir);
    const cases = [
      { name: 'not a JWT', token: 'not-a-jwt' },
      { name: 'expired', token: tokenExpiringIn(ADMIN_ROLE, -60, broker.secretKey).token },
      { name: 'wrong key', token: signJwt({ sub: ADMIN_ROLE }, Buffer.alloc(32, 7)) },
    ];
    const watched = cases.map((k) => ({ ...k, ...counted(() => k.token) }));
    const t0 = Date.now();
    const withAuth = watched.map(async (k) => {
      const { client: c, reconnects } = client({ serviceUrl: broker.serviceUrlTls, tls: { ca: broker.tls.caCert }, auth: k.auth });
      await assert.rejects(c.createProducer({ topic: uniqueTopic('sec') }), isAuthError, k.name);
      await assert.rejects(c.subscribe({ topic: uniqueTopic('sec'), subscription: 's' }), isAuthError, k.name);
      assert.equal(k.calls.length, 2, `${k.name}: one credentials call per attempt`);
      return reconnects;
    });
    // No credentials at all on a broker that requires them.
    const none = client({ serviceUrl: broker.serviceUrlTls, tls: { ca: broker.tls.caCert } });
    await assert.rejects(none.client.createProducer({ topic: uniqueTopic('sec') }), isAuthError);
    const reconnects = await Promise.all(withAuth);
    const rejectMs = Date.now() - t0;
    assert.ok(rejectMs < 5_000, `rejected in ${rejectMs} ms`);
    await staysFalse(
      () => watched.some((k) => k.calls.length > 2) || reconnects.some((r) => r.length > 0) || none.reconnects.length > 0,
      1_500,
      'a refused client must not keep reconnecting',
    );

    // A token file that cannot give a token fails the same way, naming the file, before any broker is asked.
    const empty = join(dir, 'empty.token');
    writeFileSync(empty, '\n');
    for (const [path, message] of [[empty, /token file .*empty\.token is empty/], [join(dir, 'missing.token'), /cannot read the token file .*missing\.token/]] as const) {
      const { client: c } = client({ serviceUrl: broker.serviceUrlTls, tls: { ca: broker.tls.caCert }, auth: tokenAuth(tokenFromFile(path)) });
      await assert.rejects(c.createProducer({ topic: uniqueTopic('sec') }), (err: unknown) => {
        assert.ok(err instanceof AuthenticationError, String(err));
        assert.match(err.message, message);
        return true;
      });
    }
  });

  it('a valid token for a role without permissions is refused by authorization, not retriable', async () => {
    const { client: c } = client({ serviceUrl: broker.serviceUrlTls, tls: { ca: broker.tls.caCert }, auth: tokenAuth(broker.token(uniqueName('nobody'))) });
    await assert.rejects(c.createProducer({ topic: uniqueTopic('sec') }), (err: unknown) => {
      assert.ok(err instanceof ServerError, String(err));
      assert.equal(err.serverError, 'AuthorizationError');
      assert.equal(err.retriable, false);
      return true;
    });
  });

  it('AUTH_CHALLENGE: the supplier is asked again at each expiry and the connection outlives every token', async () => {
    // Two clients side by side: a supplier minting 2-second tokens, and a token file rotated after connect.
    const fnRole = uniqueName('app-fn');
    const fileRole = uniqueName('app-file');
    await broker.grant(fnRole);
    await broker.grant(fileRole);
    const lifetime = 2;
    const expiries: number[] = [];
    const supplier = counted(() => {
      const t = tokenExpiringIn(fnRole, lifetime, broker.secretKey);
      expiries.push(t.exp * 1000);
      return t.token;
    });
    const dir = mkdtempSync(join(tmpdir(), 'strobe-sec-'));
    tmpDirs.push(dir);
    const tokenFile = join(dir, 'token');
    const first = tokenExpiringIn(fileRole, lifetime, broker.secretKey);
    writeFileSync(tokenFile, first.token);
    const a = client({ serviceUrl: broker.serviceUrlTls, tls: { ca: broker.tls.caCert }, auth: supplier.auth });
    const b = client({ serviceUrl: broker.serviceUrlTls, tls: { ca: broker.tls.caCert }, auth: tokenAuth(tokenFromFile(tokenFile)) });

    const streams = await Promise.all(
      [a.client, b.client].map(async (c) => {
        const topic = uniqueTopic('sec-refresh');
        const consumer = await c.subscribe({ topic, subscription: uniqueName('sub'), initialPosition: 'Earliest' });
        const producer = await c.createProducer({ topic, batching: false });
        return { consumer, producer, sent: 0, received: [] as number[], errors: [] as Error[], lastOkAt: 0 };
      }),
    );
    // Rotation, as a secret mount would do it: the file now holds a token that outlives the test.
    writeFileSync(tokenFile, broker.token(fileRole, 600));

    const step = async (s: (typeof streams)[number]): Promise<void> => {
      const i = s.sent++;
      try {
        await s.producer.send({ value: Buffer.from(String(i)) });
        const m = await s.consumer.receive(10_000);
        s.received.push(Number(m.value.toString()));
        s.consumer.ack(m);
        s.lastOkAt = Date.now();
      } catch (err) {
        s.errors.push(err as Error);
      }
    };
    // Keep both connections busy until the supplier has been asked at least twice more and both connections
    // have carried traffic well past the expiry of their first token.
    const firstExpiry = Math.max(expiries[0]!, first.exp * 1000);
    await waitFor(
      async () => {
        await Promise.all(streams.map(step));
        return supplier.calls.length >= 3 && streams.every((s) => s.lastOkAt > firstExpiry + 2_000 * broker.refreshCheckSeconds);
      },
      { timeoutMs: 30_000, intervalMs: 50, what: 'two refreshes and traffic past the first expiry' },
    );

    for (const s of streams) {
      assert.deepEqual(s.errors, []);
      assert.deepEqual(s.received, Array.from({ length: s.sent }, (_, i) => i), 'every message once, in order');
    }
    // Each later call came after the token before it had expired: an answer to the broker's challenge.
    for (let i = 1; i < supplier.calls.length; i++) assert.ok(supplier.calls[i]! >= expiries[i - 1]!, `call ${i} after expiry ${i - 1}`);
    assert.deepEqual([a.reconnects, b.reconnects], [[], []], 'the connections were refreshed, never re-opened');
    assert.ok(refreshLogLines(fnRole) >= 2, 'the broker challenged the supplier client at least twice');
    assert.ok(refreshLogLines(fileRole) >= 1, 'the broker challenged the token-file client');
    for (const s of streams) {
      await s.producer.close();
      await s.consumer.close();
    }
  });

  it('a static token that expires: the stale answer to the challenge ends in AuthenticationError, not a reconnect loop', async () => {
    const role = uniqueName('app-static');
    await broker.grant(role);
    // The same short-lived token every time, as a static token would give.
    const token = broker.token(role, 2);
    const auth = counted(() => token);
    const { client: c, reconnects } = client({ serviceUrl: broker.serviceUrlTls, tls: { ca: broker.tls.caCert }, auth: auth.auth });
    const producer = await c.createProducer({ topic: uniqueTopic('sec-stale'), batching: false });
    // Back-to-back sends, so one is always in flight when the broker drops the connection.
    let sent = 0;
    const failure = await waitFor(
      async () => {
        try {
          await producer.send({ value: Buffer.from(String(sent++)) });
          return undefined;
        } catch (err) {
          return { err: err as Error };
        }
      },
      { timeoutMs: 20_000, intervalMs: 1, what: 'the producer to fail once its token expired' },
    );
    assert.ok(sent > 1, 'sends succeeded while the token was valid');
    isAuthError(failure.err);
    assert.ok(reconnects.length >= 1, 'the broker closed the connection after the stale answer');
    const callsAtFailure = auth.calls.length;
    const reconnectsAtFailure = reconnects.length;
    await staysFalse(
      () => auth.calls.length > callsAtFailure || reconnects.length > reconnectsAtFailure,
      1_500,
      'after AuthenticationError the producer must not try again',
    );
  });
});
