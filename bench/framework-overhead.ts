// Per-event framework overhead of the fraud-scorer pipeline, without broker and model: Avro decode →
// KeyBatcher (add, flush, complete) → feature mapping → output mapping → Avro encode. The model call is
// replaced by a copy of the input width (so the stages around it are measured, not inference); broker
// and client costs are in bench/client-throughput.ts, inference in bench/inference-backends.ts.
//
//   npx tsx bench/framework-overhead.ts [--events 200000] [--keys 10000] [--rounds 3] [--rate 50000] [--tag T]
//
// The stream is replayed in simulated time at --rate events/s (the batcher's clock is driven by the
// bench), so batch fill reflects that input rate with the function's maxBatchSize and maxWaitMs.
import { join } from 'node:path';
import { loadFunctions } from '../src/config/function-registry.js';
import { FeatureMapper } from '../src/features/feature-mapper.js';
import { OutputMapper } from '../src/features/output-mapper.js';
import { TransactionGenerator } from '../src/generator/transactions.js';
import { projectRoot } from '../src/local-pulsar/paths.js';
import { KeyBatcher, type Batch } from '../src/pipeline/key-batcher.js';
import { ManualScheduler } from '../src/pipeline/scheduler.js';
import { AvroCodec } from '../src/schema/avro-codec.js';
import { describeMachine, machineLine } from './lib/machine-info.js';
import { markdownTable } from './lib/markdown-table.js';
import { writeResults } from './lib/results-file.js';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const events = arg('events', 200_000);
const keys = arg('keys', 10_000);
const rounds = arg('rounds', 3);
const rate = arg('rate', 50_000);
const tagAt = process.argv.indexOf('--tag');
const tag = tagAt >= 0 ? process.argv[tagAt + 1] : undefined;
const root = projectRoot();
const { functions, errors } = loadFunctions(join(root, 'functions'), ['fraud-scorer'], { schemasDir: join(root, 'schemas') });
const fn = functions[0];
if (!fn || errors.length > 0) throw new Error(`cannot load fraud-scorer: ${errors.map((e) => e.message).join('; ')}`);

const inCodec = new AvroCodec(fn.schemas.input.schema);
const outCodec = new AvroCodec(fn.schemas.output.schema);
const features = new FeatureMapper(fn.features);
const outputs = new OutputMapper(fn.outputs);
const outputNames = outputs.expectedOutputs().map((o) => o.name);

// Payloads as they arrive from the broker: Avro bytes with the card as key.
const gen = new TransactionGenerator({ seed: 3, keyCount: keys })[Symbol.iterator]();
const payloads: { key: string; bytes: Buffer }[] = [];
for (let i = 0; i < events; i++) {
  const tx = gen.next().value as unknown as Record<string, unknown>;
  payloads.push({ key: String(tx.card_id), bytes: inCodec.encode(tx) });
}

interface Stage {
  decode: number;
  batch: number;
  features: number;
  outputs: number;
  encode: number;
}

function runOnce(): { ns: Stage; batches: number; meanFill: number; meanSize: number } {
  const t: Stage = { decode: 0, batch: 0, features: 0, outputs: 0, encode: 0 };
  const scheduler = new ManualScheduler(0);
  const b = fn!.batching;
  const batcher = new KeyBatcher<{ record: unknown }>({
    mode: b.mode, maxBatchSize: b.maxBatchSize, maxBatchBytes: b.maxBatchBytes, maxWaitMs: b.maxWaitMs,
    maxInflightBatches: b.maxInflightBatches, maxQueuedEvents: Number.MAX_SAFE_INTEGER, maxEventsPerKey: b.maxEventsPerKey, scheduler,
  });
  let batches = 0;
  let fillSum = 0;
  let sizeSum = 0;
  const score = (batch: Batch<{ record: unknown }>): void => {
    batches++;
    fillSum += batch.fill;
    sizeSum += batch.size;
    const records = batch.groups.flatMap((g) => g.events.map((e) => e.record));
    let t0 = process.hrtime.bigint();
    const mapped = features.toTensor(records);
    let t1 = process.hrtime.bigint();
    t.features += Number(t1 - t0);
    // Stand-in for the model: one output column per expected output, filled from the first input column.
    const first = Object.values(mapped.tensors)[0];
    const n = mapped.rows.length;
    const out = Object.fromEntries(outputNames.map((name) => [name, { data: new Float32Array(n).map((_, i) => 1 / (1 + Math.exp(-(first?.data[i * (first.dims[1] ?? 1)] ?? 0)))), dims: [n, 1] }]));
    t0 = process.hrtime.bigint();
    const recs = outputs.toRecords(out, mapped.rows.map((r) => records[r]));
    t1 = process.hrtime.bigint();
    t.outputs += Number(t1 - t0);
    t0 = t1;
    const now = Date.now();
    for (const r of recs) {
      r.model_name = 'fraud-mlp';
      r.model_version = '1';
      r.scored_at = now;
      r.scoring_latency_ms = 1;
      outCodec.encode(r);
    }
    t.encode += Number(process.hrtime.bigint() - t0);
  };
  const gapMs = 1000 / rate;
  for (let i = 0; i < payloads.length; i++) {
    const p = payloads[i]!;
    let t0 = process.hrtime.bigint();
    const record = inCodec.decode(p.bytes);
    let t1 = process.hrtime.bigint();
    t.decode += Number(t1 - t0);
    t0 = t1;
    scheduler.advance(gapMs);
    batcher.add(p.key, { record }, p.bytes.length);
    let ready = batcher.poll();
    t1 = process.hrtime.bigint();
    t.batch += Number(t1 - t0);
    while (ready) {
      score(ready);
      t0 = process.hrtime.bigint();
      batcher.complete(ready);
      ready = batcher.poll();
      t.batch += Number(process.hrtime.bigint() - t0);
    }
  }
  scheduler.advance(b.maxWaitMs + 1);
  for (let ready = batcher.poll(); ready; ready = batcher.poll()) {
    score(ready);
    batcher.complete(ready);
  }
  const per = (x: number): number => x / payloads.length;
  return { ns: { decode: per(t.decode), batch: per(t.batch), features: per(t.features), outputs: per(t.outputs), encode: per(t.encode) }, batches, meanFill: fillSum / batches, meanSize: sizeSum / batches };
}

const runs = Array.from({ length: rounds }, () => runOnce());
const best = runs.reduce((a, r) => (sum(r.ns) < sum(a.ns) ? r : a));
function sum(s: Stage): number {
  return s.decode + s.batch + s.features + s.outputs + s.encode;
}
const rows = [
  ['Avro decode', best.ns.decode],
  ['KeyBatcher add/poll/complete', best.ns.batch],
  ['feature mapping', best.ns.features],
  ['output mapping', best.ns.outputs],
  ['Avro encode', best.ns.encode],
  ['total', sum(best.ns)],
] as const;
const table = markdownTable(['stage', 'ns/event', 'µs/event'], rows.map(([s, ns]) => [s, ns.toFixed(0), (ns / 1000).toFixed(2)]));
const summary = `fraud-scorer, ${events} events over ${keys} keys at ${rate}/s simulated, batching ${fn.batching.maxBatchSize}/${fn.batching.maxWaitMs} ms: ` +
  `${best.batches} batches, mean size ${best.meanSize.toFixed(1)}, mean fill ${best.meanFill.toFixed(2)}; best of ${rounds}; ` +
  `framework overhead ${(sum(best.ns) / 1000).toFixed(2)} µs/event = ${(1e9 / sum(best.ns) / 1000).toFixed(0)}k events/s per core.`;
process.stdout.write(`${summary}\n\n${table}\n`);
writeResults('framework-overhead', { machine: describeMachine(), settings: { events, keys, rounds, rate }, runs, best }, `# Framework overhead per event\n\n${machineLine(describeMachine())}\n\n${summary}\n\n${table}\n`, { tag });
