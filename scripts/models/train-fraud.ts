/**
 * Trains the example fraud MLP on the synthetic transaction generator with pure @tensorflow/tfjs and
 * exports the same weights twice: a TF.js layers model and an ONNX model written by onnx-writer.ts.
 * Writes functions/fraud-scorer/{model.onnx, model-tfjs/, features.yaml, model-card.md}.
 *
 *   npx tsx scripts/models/train-fraud.ts [--seed 42] [--out functions/fraud-scorer]
 *
 * Deterministic for a seed: seeded data, seeded initialisers, a seeded shuffle, CPU kernels.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Document, isScalar, visit } from 'yaml';
import { TransactionGenerator, type Transaction } from '../../src/generator/transactions.js';
import { FeatureMapper } from '../../src/features/feature-mapper.js';
import { columnNames } from '../../src/features/feature-spec.js';
import { validateFeatureSpec } from '../../src/features/validate-feature-spec.js';
import { rocAuc } from '../../src/inference/auc.js';
import { fileSaveHandler } from '../../src/inference/tfjs-file-io.js';
import { fitFraudFeatures } from './fraud-features.js';
import { fitFraudMlp, seededOrder } from './fraud-mlp.js';
import { denseGraph, writeOnnxModel } from './onnx-writer.js';
import { denseLayers } from './tfjs-to-onnx.js';

const { values: args } = parseArgs({ options: { seed: { type: 'string', default: '42' }, out: { type: 'string', default: 'functions/fraud-scorer' } } });
const seed = Number(args.seed);
const outDir = resolve(args.out ?? 'functions/fraud-scorer');
const TRAIN = 280_000;
const VALID = 40_000;
const TEST = 80_000;
const EPOCHS = 6;
const BATCH = 256;

await tf.setBackend('cpu');
tf.env().set('PROD', true);
const started = Date.now();

// Time-ordered split: train on the past, pick the threshold on the next slice, report on the latest.
const gen = new TransactionGenerator({ seed, keyCount: 20_000, fraudRate: 0.02, eventsPerSecond: 1 });
const all = gen.batch(TRAIN + VALID + TEST);
const train = all.slice(0, TRAIN);
const valid = all.slice(TRAIN, TRAIN + VALID);
const test = all.slice(TRAIN + VALID);

const rawFeatures = fitFraudFeatures(train);
const checked = validateFeatureSpec(rawFeatures, 'features', { mode: 'event' });
if (checked.value === undefined) throw new Error(`fitted features do not validate: ${JSON.stringify(checked.errors)}`);
const featureSpec = checked.value;
const mapper = new FeatureMapper(featureSpec);
const names = featureSpec.inputs[0]!.columns.flatMap(columnNames);
const width = names.length;

function encode(rows: readonly Transaction[]): { x: Float32Array; y: Float32Array } {
  const { tensors, rows: kept, rowErrors } = mapper.toTensor(rows);
  if (rowErrors.size > 0) throw new Error(`unexpected feature errors: ${[...rowErrors.values()][0]?.message}`);
  return { x: tensors.features!.data, y: Float32Array.from(kept, (i) => (rows[i]!.is_fraud ? 1 : 0)) };
}

const order = seededOrder(TRAIN, seed);
const trainSet = encode(order.map((i) => train[i]!));
const validSet = encode(valid);
const testSet = encode(test);
const { model, predict } = await fitFraudMlp(trainSet, { width, seed, name: 'fraud_mlp', epochs: EPOCHS, batchSize: BATCH });

// Threshold: best F1 on the validation slice.
const validScores = predict(validSet.x);
let threshold = 0.5;
let bestF1 = -1;
for (let t = 0.05; t < 0.96; t += 0.01) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  validScores.forEach((s, i) => {
    const pos = validSet.y[i] === 1;
    if (s >= t && pos) tp++;
    else if (s >= t) fp++;
    else if (pos) fn++;
  });
  const f1 = (2 * tp) / (2 * tp + fp + fn);
  if (f1 > bestF1) {
    bestF1 = f1;
    threshold = Number(t.toFixed(2));
  }
}

const testScores = predict(testSet.x);
const auc = rocAuc(testScores, testSet.y);
let tp = 0;
let fp = 0;
let fn = 0;
const byPattern = new Map<string, { caught: number; total: number }>();
testScores.forEach((s, i) => {
  const pos = testSet.y[i] === 1;
  const flagged = s >= threshold;
  if (flagged && pos) tp++;
  else if (flagged) fp++;
  else if (pos) fn++;
  const p = test[i]!.fraud_pattern;
  if (p) {
    const e = byPattern.get(p) ?? { caught: 0, total: 0 };
    e.total++;
    if (flagged) e.caught++;
    byPattern.set(p, e);
  }
});
const metrics = {
  auc: Number(auc.toFixed(4)),
  threshold,
  precision: Number((tp / (tp + fp)).toFixed(4)),
  recall: Number((tp / (tp + fn)).toFixed(4)),
  testRows: test.length,
  testFraud: testSet.y.reduce((a, b) => a + b, 0),
  recallByPattern: Object.fromEntries([...byPattern].sort().map(([p, e]) => [p, Number((e.caught / e.total).toFixed(3))])),
};
console.log(JSON.stringify(metrics, null, 2));

// Export both formats from the same weights and check they agree.
await mkdir(outDir, { recursive: true });
await model.save(fileSaveHandler(join(outDir, 'model-tfjs')));
const layers = denseLayers(model);
const onnxBytes = writeOnnxModel(
  denseGraph({
    name: 'fraud_mlp',
    input: 'features',
    output: 'score',
    layers,
    docString: `Strobe example fraud MLP, trained by scripts/models/train-fraud.ts --seed ${seed}`,
    metadata: { 'strobe.training_seed': String(seed), 'strobe.feature_columns': names.join(',') },
  }),
);
await writeFile(join(outDir, 'model.onnx'), onnxBytes);

const outputs = {
  transaction_id: { kind: 'field' },
  card_id: { kind: 'field' },
  event_time: { kind: 'field' },
  fraud_score: { kind: 'score', output: 'score' },
  is_fraud_predicted: { kind: 'label', output: 'score', threshold },
};
const header = `# Feature and output mapping the fraud MLP was trained with (${width} input columns).\n# Generated by scripts/models/train-fraud.ts --seed ${seed}; do not edit by hand, re-run the script.\n`;
// One line per column and per output: flow style for the innermost mappings.
const doc = new Document({ features: rawFeatures, outputs });
visit(doc, { Map: (_, node) => void (node.items.some((p) => isScalar(p.key) && (p.key.value === 'field' || p.key.value === 'kind')) && (node.flow = true)) });
await writeFile(join(outDir, 'features.yaml'), header + doc.toString({ lineWidth: 0 }));
await writeFile(join(outDir, 'training-metrics.json'), `${JSON.stringify({ seed, width, columns: names, epochs: EPOCHS, batchSize: BATCH, rows: { train: TRAIN, valid: VALID, test: TEST }, ...metrics }, null, 2)}\n`);
console.log(`wrote ${outDir}: model.onnx (${onnxBytes.length} bytes), model-tfjs/, features.yaml, training-metrics.json in ${((Date.now() - started) / 1000).toFixed(1)} s`);
