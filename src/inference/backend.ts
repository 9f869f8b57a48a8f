/**
 * The contract between the pipeline and a model runtime. Implementations: OnnxBackend, TfjsBackend.
 * Lifecycle: load() once (fatal ModelLoadError on failure) → warmUp() → run() many times → dispose().
 */
import type { BackendName, DeviceName } from './model-spec.js';
import type { Float32Tensor, ModelSignature } from './tensor.js';

export interface InferenceBackend {
  readonly name: BackendName;
  /**
   * The device actually in use once loaded, e.g. `cpu`, `cuda`, `tensorrt`, `tfjs-wasm`, `tfjs-cpu`,
   * `tfjs-node-gpu`. Differs from the requested device after a fallback.
   */
  readonly device: string;
  /** Set when the requested device was not usable and the backend fell back to CPU. */
  readonly fallback: DeviceFallbackInfo | undefined;
  /** Loads the model and picks the device. Throws ModelLoadError / DeviceUnavailableError. */
  load(): Promise<void>;
  /** Runs one zero-filled batch so the first real batch does not pay for lazy initialisation. */
  warmUp(batchSize: number): Promise<void>;
  /** Input and output names, dtypes and shapes as the model declares them (-1 = dynamic). */
  describe(): ModelSignature;
  /**
   * Scores one batch. Inputs are keyed by model input name; outputs by model output name. Returned
   * arrays are owned by the caller. Throws InferenceError (retriable) when the runtime fails.
   */
  run(inputs: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>>;
  /** Releases the session or model; further calls to run() throw. */
  dispose(): Promise<void>;
}

export interface DeviceFallbackInfo {
  readonly requested: DeviceName;
  readonly used: string;
  readonly reason: string;
}

/** The subset of a pino logger the backends use; keeps src/inference independent of pino. */
export interface InferenceLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const silentLogger: InferenceLogger = {
  info: () => undefined,
  warn: () => undefined,
};
