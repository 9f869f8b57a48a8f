/**
 * TensorFlow.js backend: loads a layers or graph model from local files on the first TF.js runtime
 * that works (see tfjs-loader.ts) and runs each batch inside tf.tidy, so no intermediate tensor
 * outlives its batch.
 */
import { readFile } from 'node:fs/promises';
import type * as Tf from '@tensorflow/tfjs';
import { DeviceUnavailableError, InferenceError, ModelLoadError } from '../errors.js';
import { type DeviceFallbackInfo, type InferenceBackend, type InferenceLogger, silentLogger } from './backend.js';
import type { ModelSpec, TfjsBackendName } from './model-spec.js';
import { type Float32Tensor, type ModelSignature, type TensorDType, type TensorInfo, zeroInputs } from './tensor.js';
import { fileLoadHandler, modelJsonPath } from './tfjs-file-io.js';
import { type LoadedTfjs, type ModuleImporter, loadTfjs } from './tfjs-loader.js';

export interface TfjsBackendDeps {
  /** Absolute path of model.json or of the directory holding it. */
  readonly model: string;
  readonly logger?: InferenceLogger;
  /** Replaces dynamic import() when picking the TF.js runtime (tests). */
  readonly importModule?: ModuleImporter;
}

type LoadedModel = { readonly kind: 'layers'; readonly model: Tf.LayersModel } | { readonly kind: 'graph'; readonly model: Tf.GraphModel };

function dtypeOf(d: string | undefined): TensorDType {
  return d === 'float32' || d === 'int32' || d === 'bool' || d === 'string' ? d : d === undefined ? 'float32' : 'unknown';
}

function dims(shape: readonly (number | null)[] | undefined): number[] {
  return (shape ?? []).map((d) => (d === null || d < 0 ? -1 : d));
}

export class TfjsBackend implements InferenceBackend {
  readonly name = 'tfjs' as const;
  private readonly spec: ModelSpec;
  private readonly deps: TfjsBackendDeps;
  private readonly logger: InferenceLogger;
  private runtime: LoadedTfjs | undefined;
  private loaded: LoadedModel | undefined;
  private signature: ModelSignature | undefined;
  private fallbackInfo: DeviceFallbackInfo | undefined;
  private disposed = false;

  constructor(spec: ModelSpec, deps: TfjsBackendDeps) {
    this.spec = spec;
    this.deps = deps;
    this.logger = deps.logger ?? silentLogger;
  }

  /** tfjs-node-gpu | tfjs-node | tfjs-wasm | tfjs-cpu once loaded. */
  get device(): string {
    return this.runtime?.device ?? 'none';
  }

  get fallback(): DeviceFallbackInfo | undefined {
    return this.fallbackInfo;
  }

  /** Live TF.js tensors in this process (for leak checks). */
  numTensors(): number {
    return this.runtime?.tf.memory().numTensors ?? 0;
  }

  private async pickRuntime(): Promise<LoadedTfjs> {
    const options = { importModule: this.deps.importModule, wasmThreads: this.spec.tfjs.wasmThreads, logger: this.logger };
    const order = this.spec.tfjs.backends;
    const cpuOrder: TfjsBackendName[] = order.filter((b) => b !== 'tfjs-node-gpu');
    if (this.spec.device === 'cpu') return loadTfjs(cpuOrder, options);
    let reason: string;
    if (!order.includes('tfjs-node-gpu')) reason = 'tfjs-node-gpu is not listed in model.tfjs.backends';
    else {
      try {
        return await loadTfjs(['tfjs-node-gpu'], options);
      } catch (e) {
        reason = (e as Error).message;
      }
    }
    if (this.spec.deviceFallback === 'fail') {
      throw new DeviceUnavailableError(this.spec.device, `model.device is ${this.spec.device} but the TF.js GPU runtime cannot be used: ${reason}. Install @tensorflow/tfjs-node-gpu with CUDA, or set model.deviceFallback: cpu.`, { modelPath: this.deps.model });
    }
    const rt = await loadTfjs(cpuOrder, options);
    this.fallbackInfo = { requested: this.spec.device, used: rt.device, reason };
    this.logger.warn({ model: this.spec.name, requested: this.spec.device, used: rt.device, reason }, `GPU unavailable, running ${this.spec.name} on ${rt.device}`);
    return rt;
  }

  async load(): Promise<void> {
    if (this.loaded !== undefined) return;
    const modelPath = modelJsonPath(this.deps.model);
    let format: string | undefined;
    try {
      format = (JSON.parse(await readFile(modelPath, 'utf8')) as { format?: string }).format;
    } catch (e) {
      throw new ModelLoadError(`cannot read TF.js model ${modelPath}: ${(e as Error).message}`, { cause: e, modelPath });
    }
    try {
      this.runtime = await this.pickRuntime();
    } catch (e) {
      if (e instanceof DeviceUnavailableError) throw e;
      throw new ModelLoadError((e as Error).message, { cause: e, modelPath });
    }
    const tf = this.runtime.tf;
    try {
      this.loaded = format === 'graph-model'
        ? { kind: 'graph', model: await tf.loadGraphModel(fileLoadHandler(modelPath)) }
        : { kind: 'layers', model: await tf.loadLayersModel(fileLoadHandler(modelPath)) };
    } catch (e) {
      throw new ModelLoadError(`cannot load TF.js ${format ?? 'layers-model'} ${modelPath}: ${(e as Error).message}`, { cause: e, modelPath });
    }
    this.signature = this.readSignature(this.loaded);
    this.logger.info({ model: this.spec.name, backend: 'tfjs', device: this.device, signature: this.signature }, 'model loaded');
  }

  private readSignature(m: LoadedModel): ModelSignature {
    if (m.kind === 'layers') {
      const inputs: TensorInfo[] = m.model.inputs.map((t, i) => ({ name: m.model.inputNames[i] ?? t.name, dtype: dtypeOf(t.dtype), shape: dims(t.shape) }));
      const outputs: TensorInfo[] = m.model.outputs.map((t, i) => ({ name: m.model.outputNames[i] ?? t.name, dtype: dtypeOf(t.dtype), shape: dims(t.shape) }));
      return { inputs, outputs };
    }
    const info = (t: Tf.ModelTensorInfo): TensorInfo => ({ name: t.name, dtype: dtypeOf(t.dtype), shape: dims(t.shape) });
    return { inputs: m.model.inputs.map(info), outputs: m.model.outputs.map(info) };
  }

  describe(): ModelSignature {
    if (this.signature === undefined) throw new ModelLoadError('describe() before load()');
    return this.signature;
  }

  async warmUp(batchSize: number): Promise<void> {
    await this.run(zeroInputs(this.describe(), batchSize));
  }

  async run(inputs: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
    const loaded = this.loaded;
    const rt = this.runtime;
    const sig = this.signature;
    if (loaded === undefined || rt === undefined || sig === undefined || this.disposed) throw new InferenceError(`model ${this.spec.name} is not loaded`, { retriable: false });
    const tf = rt.tf;
    let outputs: Tf.Tensor[];
    try {
      // Everything created in here except the returned outputs is released when tidy returns.
      outputs = tf.tidy(() => {
        const xs = sig.inputs.map((info) => {
          const t = inputs[info.name];
          if (t === undefined) throw new Error(`missing input "${info.name}"`);
          return info.dtype === 'int32' ? tf.tensor(Int32Array.from(t.data, Math.round), [...t.dims], 'int32') : tf.tensor(t.data, [...t.dims], 'float32');
        });
        if (loaded.kind === 'layers') {
          const ys = loaded.model.predictOnBatch(xs.length === 1 ? xs[0]! : xs);
          return Array.isArray(ys) ? ys : [ys];
        }
        const feed: Tf.NamedTensorMap = {};
        sig.inputs.forEach((info, i) => (feed[info.name] = xs[i]!));
        const ys = loaded.model.execute(feed, sig.outputs.map((o) => o.name));
        return Array.isArray(ys) ? ys : [ys];
      });
    } catch (e) {
      throw new InferenceError(`TF.js failed on model ${this.spec.name}: ${(e as Error).message}`, { cause: e });
    }
    try {
      const out: Record<string, Float32Tensor> = {};
      for (let i = 0; i < outputs.length; i++) {
        const t = outputs[i]!;
        const data = await t.data();
        out[sig.outputs[i]?.name ?? `output_${i}`] = { data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), dims: t.shape };
      }
      return out;
    } finally {
      tf.dispose(outputs);
    }
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.loaded?.model.dispose();
    this.loaded = undefined;
    return Promise.resolve();
  }
}

