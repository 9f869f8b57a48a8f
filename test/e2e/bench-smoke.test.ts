// The scoring benchmark's quick mode as a smoke test of the harness: every contender must score every
// transaction exactly once, the Python loop must score like Strobe, and the latency join must find every
// event. Never asserts speed.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/local-pulsar/paths.js';
import { adminUrl, serviceUrl } from '../helpers/pulsar.js';

interface Figures {
  readonly contender: string;
  readonly events: number;
  readonly outputs: number;
  readonly distinctIds: number;
  readonly drainRate: number;
  readonly problems: readonly string[];
}

interface Latency {
  readonly contender: string;
  readonly events: number;
  readonly skipped?: string;
  readonly stats?: { readonly measured: number; readonly unmatched: number; readonly p99: number };
  readonly problems: readonly string[];
}

interface Results {
  readonly drain: readonly Figures[];
  readonly latency: readonly Latency[];
  readonly parity: readonly { a: string; b: string; compared: number; maxAbsDiff: number; missing: number }[];
}

const dir = mkdtempSync(join(tmpdir(), 'strobe-bench-smoke-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function runBench(args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('bench', 'scoring.ts'), ...args], {
      cwd: projectRoot(),
      env: { ...process.env, PULSAR_SERVICE_URL: serviceUrl(), PULSAR_ADMIN_URL: adminUrl() },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('bench/scoring.ts --quick', () => {
  it('Strobe and the Python loop each score all 2,000 transactions once, with the same scores', async () => {
    const events = 2000;
    const out = join(dir, 'results.json');
    const r = await runBench(
      [
        '--quick', '--events', String(events), '--keys', '200', '--contenders', 'strobe,python',
        '--loads', '50', '--latency-seconds', '1', '--warmup-seconds', '0.5', '--profile', 'never',
        '--strobe-runtime', 'bin', '--no-write', '--json-out', out,
      ],
      150_000,
    );
    assert.equal(r.code, 0, r.stderr.split('\n').slice(-15).join('\n'));
    const results = JSON.parse(readFileSync(out, 'utf8')) as Results;

    assert.deepEqual(results.drain.map((d) => d.contender), ['strobe', 'python']);
    for (const d of results.drain) {
      assert.deepEqual(d.problems, [], d.contender);
      assert.equal(d.events, events);
      assert.equal(d.outputs, events, `${d.contender} outputs`);
      assert.equal(d.distinctIds, events, `${d.contender} distinct transactions`);
      assert.ok(d.drainRate > 0, `${d.contender} has a drain window`);
    }

    const parity = results.parity.find((p) => p.a === 'strobe' && p.b === 'python');
    assert.ok(parity, 'a Strobe vs Python parity row');
    assert.equal(parity.compared, events);
    assert.equal(parity.missing, 0);
    assert.ok(parity.maxAbsDiff <= 1e-4, `scores differ by up to ${parity.maxAbsDiff}`);

    const strobe = results.latency.find((l) => l.contender === 'strobe');
    assert.ok(strobe?.stats, 'Strobe ran the latency phase');
    for (const l of results.latency) {
      // The Python loop is not run at a rate above its own drain rate; when it runs, every event is joined.
      if (l.skipped !== undefined) continue;
      assert.deepEqual(l.problems, [], l.contender);
      assert.equal(l.stats?.unmatched, 0, `${l.contender} inputs without an output`);
      assert.ok((l.stats?.measured ?? 0) > 0 && (l.stats?.measured ?? 0) <= l.events, `${l.contender} measured events`);
    }
  });
});
