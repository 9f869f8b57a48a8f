/**
 * Chooses the inference backend named by `model.backend` and runs the startup sequence (load, check
 * the signature against the mappings, warm up) so a function becomes ready only with a usable model.
 */
import { resolve } from 'node:path';
import { ModelLoadError } from '../errors.js';
import type { InferenceBackend, InferenceLogger } from './backend.js';
import { type ExpectedSignature, checkSignature } from './check-signature.js';
import type { BackendName, ModelSpec } from './model-spec.js';
import { type OnnxDeviceProbe, OnnxBackend } from './onnx-backend.js';
import { TfjsBackend } from './tfjs-backend.js';
import type { ModuleImporter } from './tfjs-loader.js';

export interface BackendDeps {
  /** Directory `model.path` is relative to (the function directory). */
  readonly baseDir: string;
  readonly logger?: InferenceLogger;
  /** ONNX: replaces the execution-provider probe (tests simulate a missing GPU with it). */
  readonly onnxDeviceProbe?: OnnxDeviceProbe;
  /** TF.js: replaces dynamic import() of the runtime packages. */
  readonly importModule?: ModuleImporter;
}

type Factory = (spec: ModelSpec, modelPath: string, deps: BackendDeps) => InferenceBackend;

const FACTORIES: Readonly<Record<BackendName, Factory>> = {
  onnx: (spec, model, deps) => new OnnxBackend(spec, { model, logger: deps.logger, probe: deps.onnxDeviceProbe }),
  tfjs: (spec, model, deps) => new TfjsBackend(spec, { model, logger: deps.logger, importModule: deps.importModule }),
};

/** A backend for the spec, not yet loaded. */
export function createBackend(spec: ModelSpec, deps: BackendDeps): InferenceBackend {
  return FACTORIES[spec.backend](spec, resolve(deps.baseDir, spec.path), deps);
}

/**
 * Creates, loads, checks and warms up a backend. Throws ModelLoadError (or its subclasses
 * DeviceUnavailableError, ModelSignatureError) and releases the backend on any failure.
 */
export async function prepareBackend(spec: ModelSpec, deps: BackendDeps, expected: ExpectedSignature): Promise<InferenceBackend> {
  const backend = createBackend(spec, deps);
  try {
    await backend.load();
    checkSignature(backend.describe(), expected, resolve(deps.baseDir, spec.path));
    try {
      await backend.warmUp(spec.warmUpBatchSize);
    } catch (e) {
      throw new ModelLoadError(`warm-up of ${spec.name} with a batch of ${spec.warmUpBatchSize} failed: ${(e as Error).message}`, { cause: e, modelPath: resolve(deps.baseDir, spec.path) });
    }
    return backend;
  } catch (e) {
    await backend.dispose();
    throw e;
  }
}
