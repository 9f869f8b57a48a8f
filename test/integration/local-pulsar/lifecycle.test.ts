// The local broker's lifecycle: idempotent start and stop, and failures that say why within the deadline.
// Uses its own run directory and free ports, so it never touches the broker the other tests use.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBrokerError } from '../../../src/errors.js';
import { LocalPulsar } from '../../../src/local-pulsar/broker.js';
import { resolveClasspath } from '../../../src/local-pulsar/maven.js';
import { adminUrl, serviceUrl } from '../../helpers/pulsar.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function javaPidsFor(runDir: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes('PulsarStandaloneStarter') && cmd.includes(runDir)) out.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

const tmpDirs: string[] = [];
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}
after(() => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('local Pulsar broker lifecycle', () => {
  it('a second start reuses the running broker; stop leaves no Java process; stop is idempotent', async () => {
    const runDir = tmp('strobe-lp-');
    const broker = new LocalPulsar({ runDir, brokerPort: await freePort(), webPort: await freePort(), log: () => {} });
    try {
      const first = await broker.start();
      assert.equal(first.started, true);
      assert.ok(first.timings.startSeconds > 0);
      const second = await broker.start();
      assert.equal(second.started, false);
      assert.equal(second.pid, first.pid);
      assert.deepEqual(javaPidsFor(runDir), [first.pid]);
      assert.equal(await broker.isHealthy(), true);
    } finally {
      assert.equal(await broker.stop(), true);
    }
    assert.deepEqual(javaPidsFor(runDir), []);
    assert.equal(await broker.stop(), false);
  });

  it('a start where a healthy broker already answers uses it and stop leaves it running', async () => {
    const brokerPort = Number(new URL(serviceUrl()).port);
    const webPort = Number(new URL(adminUrl()).port);
    const broker = new LocalPulsar({ runDir: tmp('strobe-lp-'), brokerPort, webPort, log: () => {} });
    const r = await broker.start();
    assert.equal(r.started, false);
    assert.equal(await broker.stop(), false);
    assert.equal(await broker.isHealthy(), true);
  });

  it('a start on a port another process holds fails at once, naming the port', async () => {
    const blocker: Server = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const broker = new LocalPulsar({ runDir: tmp('strobe-lp-'), brokerPort: port, webPort: await freePort(), log: () => {} });
      const t0 = Date.now();
      await assert.rejects(broker.start(), (err: unknown) => {
        assert.ok(err instanceof LocalBrokerError);
        assert.equal(err.code, 'PORT_IN_USE');
        assert.match(err.message, new RegExp(`port ${port}`));
        return true;
      });
      assert.ok(Date.now() - t0 < 5_000);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('a broker that exits during start fails before the deadline with its log lines', async () => {
    const runDir = tmp('strobe-lp-');
    const broker = new LocalPulsar({
      runDir,
      brokerPort: await freePort(),
      webPort: await freePort(),
      readyTimeoutMs: 90_000,
      extraConfig: { managedLedgerDefaultEnsembleSize: 'not-a-number' },
      log: () => {},
    });
    const t0 = Date.now();
    await assert.rejects(broker.start(), (err: unknown) => {
      assert.ok(err instanceof LocalBrokerError);
      assert.equal(err.code, 'NOT_READY');
      assert.match(err.message, /exited/);
      assert.match(err.message, /Broker log: /);
      return true;
    });
    assert.ok(Date.now() - t0 < 60_000, 'failed fast, well before the deadline');
    assert.deepEqual(javaPidsFor(runDir), []);
  });

  it('jars that cannot be resolved give a Maven error naming the missing artifact', async () => {
    await assert.rejects(
      resolveClasspath('broker', () => {}, {
        force: true,
        outputDir: tmp('strobe-cp-'),
        mavenArgs: ['-o', `-Dmaven.repo.local=${tmp('strobe-m2-')}`],
      }),
      (err: unknown) => {
        assert.ok(err instanceof LocalBrokerError);
        assert.equal(err.code, 'MAVEN_RESOLVE_FAILED');
        assert.match(err.message, /pulsar/);
        return true;
      },
    );
  });
});
