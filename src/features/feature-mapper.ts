/**
 * Turns decoded records into model input tensors following a FeatureSpec. Rows whose fields cannot be
 * encoded are left out of the tensors and reported in `rowErrors`, so the runtime dead-letters them and
 * scores the rest of the batch.
 */
import { FeatureValidationError } from '../errors.js';
import type { ExpectedInput } from '../inference/check-signature.js';
import type { Float32Tensor } from '../inference/tensor.js';
import { type ColumnEncoder, compileColumn, readField } from './column-encoder.js';
import { expectedInputs } from './expected-signature.js';
import { type FeatureSpec, type InputSpec, columnWidth, inputWidth } from './feature-spec.js';

export interface MappedBatch {
  /** Keyed by model input name; row r of every tensor belongs to input record/group `rows[r]`. */
  readonly tensors: Record<string, Float32Tensor>;
  /** Indices (into the records or groups passed in) of the rows present in the tensors, ascending. */
  readonly rows: number[];
  /** Records or groups left out, by index, with the first field that failed. */
  readonly rowErrors: Map<number, FeatureValidationError>;
}

interface CompiledColumn {
  readonly field: string;
  readonly path: readonly string[];
  readonly offset: number;
  readonly width: number;
  readonly encode: ColumnEncoder;
}

interface CompiledInput {
  readonly spec: InputSpec;
  readonly width: number;
  readonly columns: readonly CompiledColumn[];
}

function compileInput(spec: InputSpec): CompiledInput {
  let offset = 0;
  const columns = spec.columns.map((c) => {
    const width = columnWidth(c);
    const compiled = { field: c.field, path: c.fieldPath, offset, width, encode: compileColumn(c) };
    offset += width;
    return compiled;
  });
  return { spec, width: inputWidth(spec), columns };
}

/** Encodes one event into `out` at `base`; on failure clears what it wrote and returns the error. */
function encodeEvent(input: CompiledInput, record: unknown, out: Float32Array, base: number, where: Record<string, number>): FeatureValidationError | undefined {
  for (const col of input.columns) {
    const value = col.path.length === 1 ? readField1(record, col.path[0] ?? '') : readField(record, col.path);
    const problem = col.encode(value, out, base + col.offset, record);
    if (problem !== undefined) {
      out.fill(0, base, base + input.width);
      return new FeatureValidationError(col.field, `${col.field}: ${problem}`, { context: { ...where, input: input.spec.input } });
    }
  }
  return undefined;
}

function readField1(record: unknown, key: string): unknown {
  return typeof record === 'object' && record !== null ? (record as Record<string, unknown>)[key] : undefined;
}

function tensor(data: Float32Array, used: number, dims: number[]): Float32Tensor {
  // Copy only when rows were dropped; the common all-valid case hands over the buffer as is.
  return { data: used === data.length ? data : data.slice(0, used), dims };
}

export class FeatureMapper {
  readonly spec: FeatureSpec;
  private readonly inputs: readonly CompiledInput[];

  constructor(spec: FeatureSpec) {
    this.spec = spec;
    this.inputs = spec.inputs.map(compileInput);
  }

  /** The inputs the model must accept (names and shapes), for checkSignature at startup. */
  expectedInputs(): ExpectedInput[] {
    return expectedInputs(this.spec);
  }

  /** `mode: event`: one row per record. */
  toTensor(records: readonly unknown[]): MappedBatch {
    const n = records.length;
    const buffers = this.inputs.map((inp) => new Float32Array(n * inp.width));
    const rows: number[] = [];
    const rowErrors = new Map<number, FeatureValidationError>();
    let valid = 0;
    for (let r = 0; r < n; r++) {
      const record = records[r];
      let error: FeatureValidationError | undefined;
      for (let k = 0; k < this.inputs.length && error === undefined; k++) {
        const inp = this.inputs[k]!;
        error = encodeEvent(inp, record, buffers[k]!, valid * inp.width, { row: r });
        if (error !== undefined) for (let j = 0; j < k; j++) buffers[j]!.fill(0, valid * this.inputs[j]!.width, (valid + 1) * this.inputs[j]!.width);
      }
      if (error === undefined) {
        rows.push(r);
        valid++;
      } else rowErrors.set(r, error);
    }
    const tensors: Record<string, Float32Tensor> = {};
    this.inputs.forEach((inp, k) => {
      tensors[inp.spec.input] = tensor(buffers[k]!, valid * inp.width, [valid, inp.width]);
    });
    return { tensors, rows, rowErrors };
  }

  /**
   * `mode: key`: one row per group (a key's events, oldest first). Sequence inputs take the newest
   * `length` events with padding; other inputs take the newest event. A group with any bad event in its
   * window fails as a whole; the error's context names the event.
   */
  toSequenceTensor(groups: readonly (readonly unknown[])[]): MappedBatch {
    const n = groups.length;
    const plans = this.inputs.map((inp) => {
      const len = inp.spec.sequence?.length ?? 1;
      return { inp, len, rowSize: len * inp.width, data: new Float32Array(n * len * inp.width), mask: inp.spec.sequence?.mask !== undefined ? new Float32Array(n * len) : undefined };
    });
    const rows: number[] = [];
    const rowErrors = new Map<number, FeatureValidationError>();
    let valid = 0;
    for (let g = 0; g < n; g++) {
      const events = groups[g] ?? [];
      let error: FeatureValidationError | undefined;
      if (events.length === 0) error = new FeatureValidationError('(key)', 'empty key window: nothing to score', { context: { row: g } });
      for (let k = 0; k < plans.length && error === undefined; k++) {
        const { inp, len, rowSize, data, mask } = plans[k]!;
        const rowBase = valid * rowSize;
        const seq = inp.spec.sequence;
        if (seq === undefined) {
          error = encodeEvent(inp, events[events.length - 1], data, rowBase, { row: g, event: events.length - 1 });
          continue;
        }
        const take = Math.min(len, events.length);
        const first = events.length - take;
        const start = seq.padding === 'left' ? len - take : 0;
        if (seq.padValue !== 0) {
          data.fill(seq.padValue, rowBase, rowBase + start * inp.width);
          data.fill(seq.padValue, rowBase + (start + take) * inp.width, rowBase + rowSize);
        }
        for (let e = 0; e < take && error === undefined; e++) {
          error = encodeEvent(inp, events[first + e], data, rowBase + (start + e) * inp.width, { row: g, event: first + e });
          if (error === undefined && mask !== undefined) mask[valid * len + start + e] = 1;
        }
      }
      if (error === undefined) {
        rows.push(g);
        valid++;
      } else {
        for (const { rowSize, data, mask, len } of plans) {
          data.fill(0, valid * rowSize, (valid + 1) * rowSize);
          mask?.fill(0, valid * len, (valid + 1) * len);
        }
        rowErrors.set(g, error);
      }
    }
    const tensors: Record<string, Float32Tensor> = {};
    for (const { inp, len, rowSize, data, mask } of plans) {
      const seq = inp.spec.sequence;
      const dims = seq === undefined ? [valid, inp.width] : inp.width === 1 ? [valid, len] : [valid, len, inp.width];
      tensors[inp.spec.input] = tensor(data, valid * rowSize, dims);
      if (mask !== undefined && seq?.mask !== undefined) tensors[seq.mask] = tensor(mask, valid * len, [valid, len]);
    }
    return { tensors, rows, rowErrors };
  }
}
