// Loads the committed example fraud model's mapping and scores generated transactions with a backend.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { FeatureMapper } from '../../../src/features/feature-mapper.js';
import { validateFeatureSpec } from '../../../src/features/validate-feature-spec.js';
import { validateOutputSpec } from '../../../src/features/validate-output-spec.js';
import type { FeatureSpec } from '../../../src/features/feature-spec.js';
import type { OutputSpec } from '../../../src/features/output-spec.js';
import { TransactionGenerator, type Transaction } from '../../../src/generator/transactions.js';
import type { InferenceBackend } from '../../../src/inference/backend.js';

export const fraudDir = fileURLToPath(new URL('../../../functions/fraud-scorer/', import.meta.url));

export function fraudMapping(): { features: FeatureSpec; outputs: OutputSpec } {
  const raw = parse(readFileSync(`${fraudDir}features.yaml`, 'utf8')) as { features: unknown; outputs: unknown };
  const features = validateFeatureSpec(raw.features, 'features', { mode: 'event' });
  const outputs = validateOutputSpec(raw.outputs);
  if (features.value === undefined || outputs.value === undefined) throw new Error(JSON.stringify([...features.errors, ...outputs.errors]));
  return { features: features.value, outputs: outputs.value };
}

/** `n` transactions from a seed the model was not trained on, mapped to the model's input. */
export function fraudBatch(n: number, seed = 2024): { txs: Transaction[]; x: Float32Array; width: number } {
  const txs = new TransactionGenerator({ seed, keyCount: 5000, fraudRate: 0.02, eventsPerSecond: 1 }).batch(n);
  const { tensors, rowErrors } = new FeatureMapper(fraudMapping().features).toTensor(txs);
  if (rowErrors.size > 0) throw new Error('generated transactions failed feature mapping');
  const t = tensors.features!;
  return { txs, x: t.data, width: t.dims[1]! };
}

/** Scores all rows in batches of `batch`. */
export async function scoreAll(b: InferenceBackend, x: Float32Array, width: number, batch = 1024): Promise<Float32Array> {
  const rows = x.length / width;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r += batch) {
    const n = Math.min(batch, rows - r);
    const res = await b.run({ features: { data: x.subarray(r * width, (r + n) * width), dims: [n, width] } });
    out.set(res.score!.data, r);
  }
  return out;
}
