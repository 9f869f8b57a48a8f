#!/usr/bin/env node
// Runs the test suites with Node's test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs              unit + integration + e2e
//   node scripts/run-tests.mjs unit         one suite (unit | integration | e2e)
//   node scripts/run-tests.mjs test/unit/wire/frame.test.ts   given files
// Integration and e2e suites need a broker: PULSAR_SERVICE_URL / PULSAR_ADMIN_URL if set, otherwise the
// local standalone broker is started here (and stopped at the end if this run started it).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const suites = ['unit', 'integration', 'e2e'];

function findTests(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(findTests(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const args = process.argv.slice(2);
let files;
if (args.length === 0) files = suites.flatMap((s) => findTests(join(root, 'test', s)));
else if (args.every((a) => suites.includes(a))) files = args.flatMap((s) => findTests(join(root, 'test', s)));
else files = args.flatMap((a) => (statSync(join(root, a), { throwIfNoEntry: false })?.isDirectory() ? findTests(join(root, a)) : [a]));

if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

const needsBroker = files.some((f) => !f.startsWith(join('test', 'unit')));
const env = { ...process.env };
let startedBroker = false;
const tsx = ['--import', 'tsx'];
if (needsBroker) {
  // The official Python client and Java tools are interop peers: install them if missing (idempotent, quick when done).
  const p = spawnSync(process.execPath, [...tsx, 'src/local-pulsar/cli.ts', 'peers'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (p.status !== 0) {
    console.error('run-tests: could not install the test peers (Python venv, Java tools); see above');
    process.exit(1);
  }
}
if (needsBroker && !env.PULSAR_SERVICE_URL) {
  const r = spawnSync(process.execPath, [...tsx, 'src/local-pulsar/cli.ts', 'start', '--json'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    console.error('run-tests: could not start the local Pulsar broker (see above)');
    process.exit(1);
  }
  const info = JSON.parse(r.stdout.trim().split('\n').pop());
  env.PULSAR_SERVICE_URL = info.serviceUrl;
  env.PULSAR_ADMIN_URL = info.adminUrl;
  startedBroker = info.started;
}

// Feature store tests need Redis: STROBE_REDIS_URL if set, otherwise Debian's redis-server is started
// here on a free loopback port (and stopped at the end); as root it is installed first if missing.
// Without redis-server those tests fail, saying so.
let redisPidFile;
const hasRedis = () => spawnSync('redis-server', ['--version']).status === 0;
if (needsBroker && !env.STROBE_REDIS_URL && !hasRedis() && process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0) {
  console.error('run-tests: installing redis-server from Debian for the feature store tests');
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
if (needsBroker && !env.STROBE_REDIS_URL && hasRedis()) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'strobe-redis-'));
  redisPidFile = join(dir, 'redis.pid');
  const r = spawnSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--pidfile', redisPidFile, '--dir', dir, '--logfile', join(dir, 'redis.log'), '--save', '', '--appendonly', 'no'], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('run-tests: could not start redis-server');
    process.exit(1);
  }
  env.STROBE_REDIS_URL = `redis://127.0.0.1:${port}`;
}

const concurrency = env.STROBE_TEST_CONCURRENCY ?? '2';
const res = spawnSync(
  process.execPath,
  [...tsx, '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { cwd: root, stdio: 'inherit', env },
);

if (startedBroker && !env.STROBE_KEEP_BROKER) {
  spawnSync(process.execPath, [...tsx, 'src/local-pulsar/cli.ts', 'stop'], { cwd: root, stdio: 'inherit' });
}
if (redisPidFile) {
  try {
    process.kill(Number(readFileSync(redisPidFile, 'utf8').trim()));
  } catch {
    // Already gone.
  }
}
process.exit(res.status ?? 1);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
