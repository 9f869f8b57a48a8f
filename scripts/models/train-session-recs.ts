/**
 * Trains the example session recommender with @tensorflow/tfjs: the last 10 clicks of a session
 * (one-hot items → a linear item embedding → GRU) predict the next item (softmax over the catalogue).
 * Writes functions/session-recs/{model-tfjs/, items.txt, features.yaml, training-metrics.json}.
 *
 *   npx tsx scripts/models/train-session-recs.ts [--seed 11] [--out functions/session-recs]
 *
 * The embedding is a bias-free Dense layer over one-hot items rather than an Embedding layer: TF.js
 * computes the Embedding gradient with a segment sum that is very slow on its CPU and wasm kernels.
 * Trains on the WebAssembly backend (several times faster than the JS kernels for the GRU); seeded data,
 * initialisers and batch order.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Document, isScalar, visit } from 'yaml';
import { SessionGenerator, type Click } from '../../src/generator/sessions.js';
import { Prng } from '../../src/generator/prng.js';
import { FeatureMapper } from '../../src/features/feature-mapper.js';
import { validateFeatureSpec } from '../../src/features/validate-feature-spec.js';
import { validateOutputSpec } from '../../src/features/validate-output-spec.js';
import { OutputMapper } from '../../src/features/output-mapper.js';
import { fileSaveHandler } from '../../src/inference/tfjs-file-io.js';
import { wasmBinaryDir } from '../../src/inference/tfjs-loader.js';

const { values: args } = parseArgs({ options: { seed: { type: 'string', default: '11' }, out: { type: 'string', default: 'functions/session-recs' } } });
const seed = Number(args.seed);
const outDir = resolve(args.out ?? 'functions/session-recs');
const LENGTH = 10;
const TRAIN_EXAMPLES = 48_000;
const TEST_EXAMPLES = 8_000;
const EPOCHS = 4;
const BATCH = 256;
const K = 10;

setWasmPaths(wasmBinaryDir());
await tf.setBackend('wasm');
tf.env().set('PROD', true);
const started = Date.now();

const gen = new SessionGenerator({ seed, itemCount: 200 });
const vocabulary = gen.items;
const V = vocabulary.length;

/** (prefix, next item) pairs from whole sessions, until `n` examples. */
function examples(n: number): { prefix: Click[]; target: number }[] {
  const index = new Map(vocabulary.map((v, i) => [v, i]));
  const out: { prefix: Click[]; target: number }[] = [];
  while (out.length < n) {
    const s = gen.nextSession();
    for (let t = 1; t < s.length && out.length < n; t++) out.push({ prefix: s.slice(Math.max(0, t - LENGTH), t), target: index.get(s[t]!.item_id)! });
  }
  return out;
}
const train = examples(TRAIN_EXAMPLES);
const test = examples(TEST_EXAMPLES);

const rawFeatures = [
  {
    input: 'items',
    sequence: { length: LENGTH, padding: 'left' },
    columns: [{ field: 'item_id', kind: 'categorical', vocabularyFile: 'items.txt', encoding: 'onehot', oov: 'bucket' }],
  },
];
const rawOutputs = {
  session_id: { kind: 'field' },
  user_id: { kind: 'field' },
  last_item_id: { kind: 'field', from: 'item_id' },
  event_time: { kind: 'field' },
  items: { kind: 'topK', output: 'next_item', k: K, vocabularyFile: 'items.txt' },
};
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'items.txt'), `${vocabulary.join('\n')}\n`);
const features = validateFeatureSpec(rawFeatures, 'features', { mode: 'key', baseDir: outDir });
const outputs = validateOutputSpec(rawOutputs, 'outputs', { baseDir: outDir });
if (features.value === undefined || outputs.value === undefined) throw new Error(JSON.stringify([...features.errors, ...outputs.errors]));
const mapper = new FeatureMapper(features.value);
const width = V + 1;

function batchX(rows: readonly { prefix: Click[] }[]): tf.Tensor {
  const { tensors, rowErrors } = mapper.toSequenceTensor(rows.map((r) => r.prefix));
  if (rowErrors.size > 0) throw new Error('unexpected feature errors');
  const t = tensors.items!;
  return tf.tensor3d(t.data, [rows.length, LENGTH, width]);
}

const input = tf.input({ shape: [LENGTH, width], name: 'items' });
const embedded = tf.layers.dense({ units: 24, useBias: false, name: 'item_embedding', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(input) as tf.SymbolicTensor;
const state = tf.layers
  .gru({ units: 32, name: 'session_state', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }), recurrentInitializer: tf.initializers.glorotUniform({ seed: seed + 3 }) })
  .apply(embedded) as tf.SymbolicTensor;
const next = tf.layers.dense({ units: V, activation: 'softmax', name: 'next_item', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 4 }) }).apply(state) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: next, name: 'session_recs' });
model.compile({ optimizer: tf.train.adam(0.005), loss: 'sparseCategoricalCrossentropy' });

const rng = new Prng(seed ^ 0x5e55);
for (let epoch = 0; epoch < EPOCHS; epoch++) {
  const order = Array.from({ length: train.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  let loss = 0;
  let batches = 0;
  for (let b = 0; b < order.length; b += BATCH) {
    const rows = order.slice(b, b + BATCH).map((i) => train[i]!);
    const x = batchX(rows);
    const y = tf.tensor2d(rows.map((r) => r.target), [rows.length, 1]);
    loss += Number(await model.trainOnBatch(x, y));
    batches++;
    tf.dispose([x, y]);
  }
  console.log(`epoch ${epoch + 1}/${EPOCHS} loss ${(loss / batches).toFixed(4)}`);
}

// Hit rate and MRR at K on held-out sessions, against recommending the most popular items.
const counts = new Array<number>(V).fill(0);
for (const r of train) counts[r.target]!++;
const popular = counts.map((c, i) => [c, i] as const).sort((a, b) => b[0] - a[0]).slice(0, K).map(([, i]) => vocabulary[i]!);
const topK = new OutputMapper(outputs.value);
let hits = 0;
let rr = 0;
let popHits = 0;
for (let b = 0; b < test.length; b += 1024) {
  const rows = test.slice(b, b + 1024);
  const x = batchX(rows);
  const y = model.predict(x) as tf.Tensor;
  const recs = topK.toRecords({ next_item: { data: y.dataSync() as Float32Array, dims: y.shape } }, rows.map((r) => r.prefix[r.prefix.length - 1]));
  tf.dispose([x, y]);
  recs.forEach((rec, i) => {
    const want = vocabulary[rows[i]!.target];
    const rank = (rec.items as { item_id: string }[]).findIndex((it) => it.item_id === want);
    if (rank >= 0) {
      hits++;
      rr += 1 / (rank + 1);
    }
    if (popular.includes(want!)) popHits++;
  });
}
const metrics = {
  seed,
  catalogue: V,
  sequenceLength: LENGTH,
  trainExamples: TRAIN_EXAMPLES,
  testExamples: TEST_EXAMPLES,
  epochs: EPOCHS,
  [`hitRate@${K}`]: Number((hits / test.length).toFixed(4)),
  [`mrr@${K}`]: Number((rr / test.length).toFixed(4)),
  [`popularityBaselineHitRate@${K}`]: Number((popHits / test.length).toFixed(4)),
  parameters: model.countParams(),
};
console.log(JSON.stringify(metrics, null, 2));

await model.save(fileSaveHandler(join(outDir, 'model-tfjs')));
const doc = new Document({ features: rawFeatures, outputs: rawOutputs });
visit(doc, { Map: (_, node) => void (node.items.some((p) => isScalar(p.key) && (p.key.value === 'field' || p.key.value === 'kind' || p.key.value === 'length')) && (node.flow = true)) });
const header = `# Feature and output mapping the session recommender was trained with (batching.mode: key, keyed by session_id).\n# Generated by scripts/models/train-session-recs.ts --seed ${seed}; do not edit by hand, re-run the script.\n`;
await writeFile(join(outDir, 'features.yaml'), header + doc.toString({ lineWidth: 0 }));
await writeFile(join(outDir, 'training-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
console.log(`wrote ${outDir} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
