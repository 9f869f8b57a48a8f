/**
 * Compares a model's declared signature with what the function will feed it and read from it, so a
 * mismatched model is refused at startup with every difference named, not at the first event.
 */
import { ModelSignatureError } from '../errors.js';
import { type ModelSignature, type TensorInfo, formatShape } from './tensor.js';

export interface ExpectedInput {
  readonly name: string;
  /** -1 for the batch dimension. */
  readonly shape: readonly number[];
  /** Where this input is defined, for the message (e.g. `features[0]`). */
  readonly source?: string;
}

export interface ExpectedOutput {
  readonly name: string;
  /** The last dimension must be at least this wide (e.g. 1 for a score, the vocabulary size for top-k). */
  readonly minWidth: number;
  readonly source?: string;
}

export interface ExpectedSignature {
  readonly inputs: readonly ExpectedInput[];
  readonly outputs: readonly ExpectedOutput[];
}

/** Input dtypes the backends can feed from float32 (they convert to the model's integer types). */
const FEEDABLE = new Set(['float32', 'int32', 'int64', 'float64']);

function names(list: readonly TensorInfo[]): string {
  return list.length === 0 ? '(none)' : list.map((t) => `${t.name} ${formatShape(t.shape)}`).join(', ');
}

function from(source: string | undefined): string {
  return source === undefined ? '' : ` (${source})`;
}

/** Lists the mismatches between a model signature and the expected one; empty when they agree. */
export function signatureMismatches(signature: ModelSignature, expected: ExpectedSignature): string[] {
  const out: string[] = [];
  const byName = new Map(signature.inputs.map((t) => [t.name, t]));
  for (const exp of expected.inputs) {
    const got = byName.get(exp.name);
    if (got === undefined) {
      out.push(`input "${exp.name}"${from(exp.source)} expected with shape ${formatShape(exp.shape)}, but the model has no such input; model inputs: ${names(signature.inputs)}`);
      continue;
    }
    if (!FEEDABLE.has(got.dtype)) out.push(`input "${exp.name}" has dtype ${got.dtype}; Strobe feeds float32 (or converts to int32/int64)`);
    if (got.shape.length !== exp.shape.length) {
      out.push(`input "${exp.name}"${from(exp.source)}: feature mapping builds ${formatShape(exp.shape)}, model expects ${formatShape(got.shape)} (rank ${exp.shape.length} vs ${got.shape.length})`);
      continue;
    }
    if (got.shape.length > 0 && got.shape[0] !== -1) {
      out.push(`input "${exp.name}": model batch dimension is fixed at ${got.shape[0]}; export the model with a dynamic batch dimension`);
    }
    for (let i = 1; i < exp.shape.length; i++) {
      const g = got.shape[i] ?? -1;
      if (g !== -1 && g !== exp.shape[i]) {
        out.push(`input "${exp.name}"${from(exp.source)}: feature mapping builds ${formatShape(exp.shape)}, model expects ${formatShape(got.shape)} (dimension ${i}: ${exp.shape[i]} vs ${g})`);
        break;
      }
    }
  }
  const fed = new Set(expected.inputs.map((e) => e.name));
  for (const t of signature.inputs) {
    if (!fed.has(t.name)) out.push(`model input "${t.name}" ${formatShape(t.shape)} is not fed by any feature mapping entry; mapped inputs: ${[...fed].join(', ') || '(none)'}`);
  }
  const outputs = new Map(signature.outputs.map((t) => [t.name, t]));
  for (const exp of expected.outputs) {
    const got = outputs.get(exp.name);
    if (got === undefined) {
      out.push(`output "${exp.name}"${from(exp.source)} is read by the output mapping, but the model has no such output; model outputs: ${names(signature.outputs)}`);
      continue;
    }
    const last = got.shape.length < 2 ? 1 : (got.shape[got.shape.length - 1] ?? -1);
    if (last !== -1 && last < exp.minWidth) {
      out.push(`output "${exp.name}"${from(exp.source)} needs at least ${exp.minWidth} column(s), model output shape is ${formatShape(got.shape)}`);
    }
  }
  return out;
}

/** Throws ModelSignatureError naming every mismatch. */
export function checkSignature(signature: ModelSignature, expected: ExpectedSignature, modelPath?: string): void {
  const mismatches = signatureMismatches(signature, expected);
  if (mismatches.length > 0) throw new ModelSignatureError(mismatches, modelPath === undefined ? {} : { modelPath, context: { modelPath } });
}
