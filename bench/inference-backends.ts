// Inference backends on CPU: rows/s and per-call latency of the example fraud MLP (functions/fraud-scorer)
// per batch size, for ONNX Runtime, TF.js wasm and TF.js cpu; then a leak check over 1M rows per backend.
//   npx tsx bench/inference-backends.ts [--seconds 1.5] [--leak-rows 1000000] [--only onnx-cpu,tfjs-wasm] [--no-write]
// Each contender runs in its own process (TF.js keeps one global backend; RSS stays per backend).
// Writes bench/results/inference-backends-<date>.{json,md}.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FeatureMapper } from '../src/features/feature-mapper.js';
import { TransactionGenerator } from '../src/generator/transactions.js';
import type { InferenceBackend } from '../src/inference/backend.js';
import { createBackend } from '../src/inference/create-backend.js';
import { validateModelSpec } from '../src/inference/model-spec.js';
import { TfjsBackend } from '../src/inference/tfjs-backend.js';
import { fraudDir, fraudMapping } from '../test/unit/inference/fraud-model-fixture.js';
import { describeMachine, machineLine } from './lib/machine-info.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { writeResults } from './lib/results-file.js';

const BATCH_SIZES = [1, 8, 64, 256, 1024];
const CONTENDERS: Readonly<Record<string, Record<string, unknown>>> = {
  'onnx-cpu': { backend: 'onnx', path: 'model.onnx' },
  'onnx-cpu-1thread': { backend: 'onnx', path: 'model.onnx', onnx: { intraOpNumThreads: 1, interOpNumThreads: 1 } },
  'tfjs-wasm': { backend: 'tfjs', path: 'model-tfjs', tfjs: { backends: ['wasm'] } },
  'tfjs-cpu': { backend: 'tfjs', path: 'model-tfjs', tfjs: { backends: ['cpu'] } },
};

const { values: flags } = parseArgs({
  options: {
    child: { type: 'string' },
    seconds: { type: 'string', default: '1.5' },
    'leak-rows': { type: 'string', default: '1000000' },
    only: { type: 'string' },
    'no-write': { type: 'boolean', default: false },
  },
});

interface BatchResult {
  batch: number;
  calls: number;
  rowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface LeakSample {
  rows: number;
  rssMiB: number;
  heapMiB: number;
  tensors: number | null;
}

interface ChildResult {
  contender: string;
  device: string;
  batches: BatchResult[];
  leak: LeakSample[];
  leakSeconds: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const mib = (n: number): number => Math.round((n / 2 ** 20) * 10) / 10;

async function runChild(name: string): Promise<ChildResult> {
  const raw = CONTENDERS[name];
  if (raw === undefined) throw new Error(`unknown contender ${name}`);
  const spec = validateModelSpec(raw).value!;
  const backend: InferenceBackend = createBackend(spec, { baseDir: fraudDir });
  await backend.load();
  // A pool of real mapped rows, reused cyclically so the timed loop is the model call only.
  const poolRows = 8192;
  const txs = new TransactionGenerator({ seed: 99, fraudRate: 0.02 }).batch(poolRows);
  const pool = new FeatureMapper(fraudMapping().features).toTensor(txs).tensors.features!;
  const width = pool.dims[1]!;
  const slice = (start: number, n: number) => {
    const s = start % (poolRows - n + 1);
    return { features: { data: pool.data.slice(s * width, (s + n) * width), dims: [n, width] } };
  };
  const seconds = Number(flags.seconds);
  const batches: BatchResult[] = [];
  for (const batch of BATCH_SIZES) {
    await backend.warmUp(batch);
    for (let i = 0; i < 20; i++) await backend.run(slice(i * batch, batch));
    const latencies: number[] = [];
    const t0 = performance.now();
    let calls = 0;
    while (performance.now() - t0 < seconds * 1000 || calls < 20) {
      const input = slice(calls * batch, batch);
      const s = performance.now();
      await backend.run(input);
      latencies.push(performance.now() - s);
      calls++;
    }
    const elapsed = performance.now() - t0;
    latencies.sort((a, b) => a - b);
    batches.push({ batch, calls, rowsPerSecond: (calls * batch * 1000) / elapsed, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) });
  }
  // Leak check: 1M rows in batches of 256, sampling RSS, heap and live TF.js tensors every ~100k rows.
  const leakRows = Number(flags['leak-rows']);
  const tensors = (): number | null => (backend instanceof TfjsBackend ? backend.numTensors() : null);
  const sample = (rows: number): LeakSample => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    return { rows, rssMiB: mib(m.rss), heapMiB: mib(m.heapUsed), tensors: tensors() };
  };
  const leak: LeakSample[] = [sample(0)];
  const every = Math.max(256, Math.round(leakRows / 10 / 256) * 256);
  const t0 = performance.now();
  for (let rows = 0; rows < leakRows; ) {
    await backend.run(slice(rows, 256));
    rows += 256;
    if (rows % every === 0 || rows >= leakRows) leak.push(sample(rows));
  }
  const leakSeconds = (performance.now() - t0) / 1000;
  const device = backend.device;
  await backend.dispose();
  return { contender: name, device, batches, leak, leakSeconds };
}

interface HostPath {
  generatorRecordsPerSecond: number;
  mapperRowsPerSecond: number;
}

/** The CPU work around the model call: making records (demo, produce) and mapping them to features. */
function measureHostPath(): HostPath {
  const gen = new TransactionGenerator({ seed: 5, keyCount: 100_000, keyDistribution: 'zipf' });
  gen.batch(20_000);
  let t0 = performance.now();
  const n = 500_000;
  const txs = gen.batch(n);
  const generatorRecordsPerSecond = (n * 1000) / (performance.now() - t0);
  const mapper = new FeatureMapper(fraudMapping().features);
  for (let i = 0; i < 20; i++) mapper.toTensor(txs.slice(i * 256, (i + 1) * 256));
  t0 = performance.now();
  for (let i = 0; i + 256 <= n; i += 256) mapper.toTensor(txs.slice(i, i + 256));
  const mapperRowsPerSecond = ((n - (n % 256)) * 1000) / (performance.now() - t0);
  return { generatorRecordsPerSecond, mapperRowsPerSecond };
}

function report(results: ChildResult[], machine: ReturnType<typeof describeMachine>, host: HostPath): string {
  const lines = [`# Inference backends (CPU), ${new Date().toISOString().slice(0, 10)}`, '', machineLine(machine), ''];
  lines.push('Example fraud MLP (44 → 32 → 16 → 1, functions/fraud-scorer), one call per batch, rows from the transaction generator.', '');
  lines.push('## Throughput (rows/s) and latency per call (p50 / p99 ms)', '');
  const headers = ['batch', ...results.map((r) => `${r.contender} rows/s`), ...results.map((r) => `${r.contender} p50 / p99 ms`)];
  const rows = BATCH_SIZES.map((b) => [
    String(b),
    ...results.map((r) => fmt(r.batches.find((x) => x.batch === b)?.rowsPerSecond)),
    ...results.map((r) => {
      const x = r.batches.find((y) => y.batch === b);
      return x === undefined ? '—' : `${fmt(x.p50Ms, 3)} / ${fmt(x.p99Ms, 3)}`;
    }),
  ]);
  lines.push(markdownTable(headers, rows), '');
  lines.push(`## Leak check: ${fmt(results[0]?.leak[results[0].leak.length - 1]?.rows)} rows in batches of 256`, '');
  lines.push(
    markdownTable(
      ['contender', 'device', 'seconds', 'RSS MiB start → max → end', 'heap MiB start → end', 'TF.js tensors start → end'],
      results.map((r) => {
        const first = r.leak[0]!;
        const last = r.leak[r.leak.length - 1]!;
        const maxRss = Math.max(...r.leak.map((s) => s.rssMiB));
        return [r.contender, r.device, fmt(r.leakSeconds, 1), `${first.rssMiB} → ${maxRss} → ${last.rssMiB}`, `${first.heapMiB} → ${last.heapMiB}`, first.tensors === null ? 'n/a' : `${first.tensors} → ${last.tensors}`];
      }),
      2,
    ),
  );
  lines.push('', '## Around the model call (same process, one thread)', '');
  lines.push(markdownTable(['step', 'rows/s'], [['TransactionGenerator (100k cards, Zipf)', fmt(host.generatorRecordsPerSecond)], ['FeatureMapper.toTensor, batches of 256 (44 columns)', fmt(host.mapperRowsPerSecond)]]));
  return lines.join('\n');
}

if (flags.child !== undefined) {
  const result = await runChild(flags.child);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const machine = describeMachine();
  const names = flags.only === undefined ? Object.keys(CONTENDERS) : flags.only.split(',');
  const results: ChildResult[] = [];
  for (const name of names) {
    const args = ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', name, '--seconds', flags.seconds ?? '1.5', '--leak-rows', flags['leak-rows'] ?? '1000000'];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    const last = r.stdout.trim().split('\n').pop() ?? '';
    if (r.status !== 0 || !last.startsWith('{')) {
      console.error(`${name}: child failed with status ${r.status}`);
      process.exitCode = 1;
      continue;
    }
    const res = JSON.parse(last) as ChildResult;
    console.error(`${name}: done (${res.device})`);
    results.push(res);
  }
  const host = measureHostPath();
  const md = report(results, machine, host);
  console.log(md);
  if (!flags['no-write']) {
    const files = writeResults('inference-backends', { machine, batchSizes: BATCH_SIZES, seconds: Number(flags.seconds), results, host }, md);
    console.error(`wrote ${files.json} and ${files.md}`);
  }
}
