/** Turns model output tensors back into output record fields following an OutputSpec. */
import { InferenceError } from '../errors.js';
import type { ExpectedOutput } from '../inference/check-signature.js';
import type { Float32Tensor } from '../inference/tensor.js';
import { readField } from './column-encoder.js';
import { expectedOutputs } from './expected-signature.js';
import type { OutputSpec } from './output-spec.js';

export interface TopKItem {
  item_id: string;
  score: number;
}

interface View {
  readonly data: Float32Array;
  readonly width: number;
}

function view(t: Float32Tensor | undefined, name: string, rows: number): View {
  if (t === undefined) throw new InferenceError(`model returned no output "${name}"`);
  const batch = t.dims[0] ?? 0;
  if (batch !== rows) throw new InferenceError(`model output "${name}" has ${batch} rows for ${rows} inputs`);
  return { data: t.data, width: rows === 0 ? 0 : t.data.length / rows };
}

/** Indices of the k largest values of row `r`, best first (ties keep the lower index first). */
function topK(v: View, r: number, k: number): number[] {
  const base = r * v.width;
  const idx: number[] = [];
  for (let j = 0; j < v.width; j++) {
    const s = v.data[base + j] ?? -Infinity;
    if (idx.length === k && s <= (v.data[base + idx[k - 1]!] ?? -Infinity)) continue;
    let pos = idx.length < k ? idx.length : k - 1;
    while (pos > 0 && (v.data[base + idx[pos - 1]!] ?? -Infinity) < s) pos--;
    idx.splice(pos, 0, j);
    if (idx.length > k) idx.pop();
  }
  return idx;
}

export class OutputMapper {
  readonly spec: OutputSpec;

  constructor(spec: OutputSpec) {
    this.spec = spec;
  }

  /** The outputs the model must produce (names and minimum widths), for checkSignature at startup. */
  expectedOutputs(): ExpectedOutput[] {
    return expectedOutputs(this.spec);
  }

  /**
   * One output record per tensor row. `inputs[r]` is the input record of row r (in `mode: key`, the
   * key's newest event), used by `kind: field`. Throws InferenceError if the outputs are malformed.
   */
  toRecords(outputs: Readonly<Record<string, Float32Tensor>>, inputs: readonly unknown[]): Record<string, unknown>[] {
    const rows = inputs.length;
    const views = new Map<string, View>();
    for (const { spec } of this.spec.fields) {
      if (spec.kind !== 'field' && !views.has(spec.output)) views.set(spec.output, view(outputs[spec.output], spec.output, rows));
    }
    const out: Record<string, unknown>[] = new Array<Record<string, unknown>>(rows);
    for (let r = 0; r < rows; r++) {
      const rec: Record<string, unknown> = {};
      for (const { name, spec } of this.spec.fields) {
        if (spec.kind === 'field') {
          rec[name] = readField(inputs[r], spec.fromPath);
          continue;
        }
        const v = views.get(spec.output)!;
        const base = r * v.width;
        switch (spec.kind) {
          case 'score':
            rec[name] = v.data[base + spec.index];
            break;
          case 'label':
            if (spec.threshold !== undefined) {
              const above = (v.data[base + spec.index] ?? NaN) >= spec.threshold;
              rec[name] = spec.labels === undefined ? above : spec.labels[above ? 1 : 0];
            } else {
              const best = topK(v, r, 1)[0] ?? 0;
              rec[name] = spec.labels?.[best] ?? best;
            }
            break;
          case 'topK':
            rec[name] = topK(v, r, spec.k).map((j): TopKItem => ({ item_id: spec.vocabulary[j] ?? String(j), score: v.data[base + j] ?? NaN }));
            break;
        }
      }
      out[r] = rec;
    }
    return out;
  }
}
