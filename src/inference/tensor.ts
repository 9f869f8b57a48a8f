/**
 * Plain tensors exchanged with inference backends. Backend-neutral on purpose: no onnxruntime or tfjs
 * types leak past src/inference, and the feature mapper can fill a reused Float32Array directly.
 */

/** A dense row-major float32 tensor. `data.length` equals the product of `dims`. */
export interface Float32Tensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** Element types a model may declare; backends feed float32 and convert where the model asks for ints. */
export type TensorDType = 'float32' | 'float64' | 'int32' | 'int64' | 'bool' | 'string' | 'unknown';

/** One named model input or output. `shape` uses -1 for a dynamic dimension (usually the batch). */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
}

/** What a loaded model consumes and produces, read from the model file itself. */
export interface ModelSignature {
  readonly inputs: readonly TensorInfo[];
  readonly outputs: readonly TensorInfo[];
}

/** Number of elements for fully known dims. */
export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Formats a shape the way error messages show it: `[-1, 30]`, `[?]` when unknown. */
export function formatShape(shape: readonly number[] | undefined): string {
  if (shape === undefined) return '[?]';
  return `[${shape.join(', ')}]`;
}

/**
 * A concrete shape for a dummy batch: the first dynamic dimension becomes `batchSize`, other dynamic
 * dimensions become 1 (a model with such dims accepts any size, so the smallest is the cheapest warm-up).
 */
export function concreteShape(shape: readonly number[], batchSize: number): number[] {
  return shape.map((d, i) => (d >= 0 ? d : i === 0 ? batchSize : 1));
}

/** A zero-filled tensor for warm-up calls. */
export function zeros(dims: readonly number[]): Float32Tensor {
  return { data: new Float32Array(elementCount(dims)), dims: [...dims] };
}

/** Zero-filled tensors for every input of a signature, with the batch dimension set (warm-up calls). */
export function zeroInputs(signature: ModelSignature, batchSize: number): Record<string, Float32Tensor> {
  const inputs: Record<string, Float32Tensor> = {};
  for (const i of signature.inputs) inputs[i.name] = zeros(concreteShape(i.shape, batchSize));
  return inputs;
}
