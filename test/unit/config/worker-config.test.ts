import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileWorkerConfig, loadWorkerConfig } from '../../../src/config/worker-config.js';
import { ConfigError, ConfigValidationError } from '../../../src/errors.js';

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'strobe-worker-config-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigValidationError, `expected ConfigValidationError, got ${String(e)}`);
    return e.issues.map((i) => i.message);
  }
  assert.fail('expected a ConfigValidationError');
}

describe('compileWorkerConfig', () => {
  it('fills the documented defaults and resolves directories against cwd', () => {
    const c = compileWorkerConfig({}, { cwd: '/srv/app' });
    assert.equal(c.serviceUrl, 'pulsar://127.0.0.1:6650');
    assert.equal(c.adminUrl, 'http://127.0.0.1:8080');
    assert.deepEqual(c.auth, { method: 'none' });
    assert.equal(c.tls.allowInsecureConnection, false);
    assert.equal(c.tls.hostnameVerification, true);
    assert.equal(c.tls.trustCertsFile, undefined);
    assert.deepEqual(c.metrics, { host: '0.0.0.0', port: 9464 });
    assert.equal(c.logLevel, 'info');
    assert.equal(c.functionsDir, '/srv/app/functions');
    assert.equal(c.schemasDir, '/srv/app/schemas');
    assert.equal(c.drainTimeoutMs, 25000);
  });

  it('returns a deeply frozen object', () => {
    const c = compileWorkerConfig({});
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.metrics));
    assert.ok(Object.isFrozen(c.tls));
  });

  it('collects every problem, each naming the field and the fix', () => {
    const msgs = problems(() =>
      compileWorkerConfig({
        serviceUrl: 'http://x:6650',
        metrics: { port: 70000 },
        logLevel: 'verbose' as 'info',
        drainTimeoutMs: -1,
      }),
    );
    assert.equal(msgs.length, 4);
    assert.ok(msgs.some((m) => m.startsWith('worker config: serviceUrl: must use the scheme pulsar:// or pulsar+ssl://')));
    assert.ok(msgs.some((m) => m.includes('metrics.port: must be an integer between 0 and 65535, got 70000')));
    assert.ok(msgs.some((m) => m.includes('logLevel: must be one of') && m.includes('"verbose"')));
    assert.ok(msgs.some((m) => m.includes('drainTimeoutMs: must be an integer >= 0, got -1 — write a number of milliseconds')));
  });

  it('rejects unknown fields and suggests the closest name', () => {
    const msgs = problems(() => compileWorkerConfig({ metrics: { prot: 9000 } } as never));
    assert.deepEqual(msgs, ['worker config: metrics.prot: unknown field — did you mean "port"?']);
  });

  it('rejects token and tokenFile together, and a missing token file', () => {
    using t = tempDir();
    const tokenFile = join(t.dir, 'token');
    writeFileSync(tokenFile, 'abc');
    assert.match(problems(() => compileWorkerConfig({ auth: { token: 'x', tokenFile } }))[0] ?? '', /auth: both token and tokenFile/);
    assert.deepEqual(compileWorkerConfig({ auth: { tokenFile } }).auth, { method: 'token', tokenFile });
    assert.deepEqual(compileWorkerConfig({ auth: { token: 'jwt' } }).auth, { method: 'token', token: 'jwt' });
    const missing = join(t.dir, 'nope');
    assert.match(problems(() => compileWorkerConfig({ auth: { tokenFile: missing } }))[0] ?? '', /auth\.tokenFile: file .*nope does not exist/);
  });

  it('never echoes a secret in an error message', () => {
    // YAML reads an all-digit token as a number, which fails the string check.
    const msgs = problems(() => compileWorkerConfig({ auth: { token: 987654321 as unknown as string } }));
    assert.equal(msgs.length, 1);
    assert.ok(!msgs[0]?.includes('987654321'));
    assert.match(msgs[0] ?? '', /^worker config: auth\.token: must be a non-empty string — /);
  });

  it('requires tls certFile and keyFile together', () => {
    using t = tempDir();
    const cert = join(t.dir, 'c.pem');
    writeFileSync(cert, 'x');
    const msgs = problems(() => compileWorkerConfig({ tls: { certFile: cert } }));
    assert.equal(msgs.length, 1);
    assert.match(msgs[0] ?? '', /tls\.keyFile: mutual TLS needs both/);
  });
});

describe('loadWorkerConfig', () => {
  it('layers defaults < file < environment < command line', () => {
    using t = tempDir();
    const file = join(t.dir, 'worker.yaml');
    writeFileSync(file, 'serviceUrl: pulsar+ssl://file:6651\nlogLevel: debug\nmetrics:\n  port: 1000\nfunctionsDir: fns\n');
    const c = loadWorkerConfig({
      configFile: file,
      env: { STROBE_LOG_LEVEL: 'warn', STROBE_METRICS_PORT: '2000', STROBE_DRAIN_TIMEOUT_MS: '5000' },
      overrides: { metrics: { port: 3000 } },
      cwd: '/elsewhere',
    });
    assert.equal(c.serviceUrl, 'pulsar+ssl://file:6651'); // file only
    assert.equal(c.logLevel, 'warn'); // env beats file
    assert.equal(c.metrics.port, 3000); // command line beats env
    assert.equal(c.drainTimeoutMs, 5000); // env only
    assert.equal(c.functionsDir, join(t.dir, 'fns')); // relative to the file, not cwd
    assert.equal(c.adminUrl, 'http://127.0.0.1:8080'); // default
  });

  it('reads JSON files and STROBE_CONFIG', () => {
    using t = tempDir();
    const file = join(t.dir, 'worker.json');
    writeFileSync(file, JSON.stringify({ adminUrl: 'https://admin:8443/' }));
    const c = loadWorkerConfig({ env: { STROBE_CONFIG: file } });
    assert.equal(c.adminUrl, 'https://admin:8443');
  });

  it('names the environment variable that holds a bad value', () => {
    const msgs = problems(() => loadWorkerConfig({ env: { STROBE_METRICS_PORT: 'ninety', STROBE_TLS_HOSTNAME_VERIFICATION: 'maybe' } }));
    assert.equal(msgs.length, 2);
    assert.ok(msgs.includes('environment STROBE_METRICS_PORT: metrics.port: must be an integer between 0 and 65535, got "ninety" — write a whole number, e.g. 9464'));
    assert.ok(msgs.some((m) => m.startsWith('environment STROBE_TLS_HOSTNAME_VERIFICATION: tls.hostnameVerification: must be true or false')));
  });

  it('names the file for problems found in it, and reports YAML syntax errors', () => {
    using t = tempDir();
    const file = join(t.dir, 'w.yaml');
    writeFileSync(file, 'serviceURL: pulsar://x:6650\n');
    assert.deepEqual(problems(() => loadWorkerConfig({ configFile: file, env: {} })), [
      `${file}: serviceURL: unknown field — did you mean "serviceUrl"?`,
    ]);
    writeFileSync(file, 'metrics: [unclosed\n');
    assert.throws(() => loadWorkerConfig({ configFile: file, env: {} }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${file}: not valid YAML`));
  });

  it('ignores STROBE_* variables that are not config fields', () => {
    const c = loadWorkerConfig({ env: { STROBE_KEEP_BROKER: '1', STROBE_SERVICE_URL: 'pulsar://b:6650' } });
    assert.equal(c.serviceUrl, 'pulsar://b:6650');
  });
});
