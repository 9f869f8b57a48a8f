/**
 * ONNX Runtime backend (onnxruntime-node). Execution providers come from `model.device`: cpu, cuda
 * (CUDA EP, then CPU for unsupported nodes) or tensorrt (TensorRT EP, then CUDA, then CPU). When the
 * device cannot be used, `deviceFallback: cpu` loads on CPU and records why; `fail` refuses to start.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { DeviceUnavailableError, InferenceError, ModelLoadError } from '../errors.js';
import { type DeviceFallbackInfo, type InferenceBackend, type InferenceLogger, silentLogger } from './backend.js';
import type { DeviceName, ModelSpec, OnnxOptions } from './model-spec.js';
import { type Float32Tensor, type ModelSignature, type TensorDType, type TensorInfo, zeroInputs } from './tensor.js';

/** Says whether an execution provider can be tried at all, before a session is created with it. */
export type OnnxDeviceProbe = (device: Exclude<DeviceName, 'cpu'>, deviceId: number) => Promise<{ available: boolean; reason?: string }>;

/** Asks onnxruntime-node which execution providers this build knows on this platform. */
export const defaultOnnxDeviceProbe: OnnxDeviceProbe = (device) => {
  const known = ort.listSupportedBackends().map((b) => b.name);
  return Promise.resolve(
    known.includes(device)
      ? { available: true }
      : { available: false, reason: `onnxruntime-node ${ort.env.versions.common} on ${process.platform}-${process.arch} has no ${device} execution provider (has: ${known.join(', ')})` },
  );
};

export interface OnnxBackendDeps {
  /** Absolute path of the .onnx file (or its bytes, for tests and embedded models). */
  readonly model: string | Uint8Array;
  readonly logger?: InferenceLogger;
  readonly probe?: OnnxDeviceProbe;
}

type Provider = ort.InferenceSession.ExecutionProviderConfig;

/** The execution providers for a device, most preferred first, CPU always last. */
export function executionProviders(device: DeviceName, deviceId: number): Provider[] {
  switch (device) {
    case 'cpu':
      return ['cpu'];
    case 'cuda':
      return [{ name: 'cuda', deviceId }, 'cpu'];
    case 'tensorrt':
      return [{ name: 'tensorrt', deviceId }, { name: 'cuda', deviceId }, 'cpu'];
  }
}

/** onnxruntime session options from the `model.onnx` section; 0 threads leaves the choice to onnxruntime. */
export function sessionOptions(o: OnnxOptions, providers: Provider[], quiet = false): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: providers,
    graphOptimizationLevel: o.graphOptimizationLevel,
    executionMode: o.executionMode,
    ...(o.intraOpNumThreads > 0 ? { intraOpNumThreads: o.intraOpNumThreads } : {}),
    ...(o.interOpNumThreads > 0 ? { interOpNumThreads: o.interOpNumThreads } : {}),
    // A device that fails to initialise logs at error level inside onnxruntime; we report it ourselves.
    ...(quiet ? { logSeverityLevel: 4 as const } : {}),
  };
}

function dtypeOf(t: string): TensorDType {
  switch (t) {
    case 'float32':
    case 'float64':
    case 'int32':
    case 'int64':
    case 'bool':
    case 'string':
      return t;
    default:
      return 'unknown';
  }
}

function info(m: ort.InferenceSession.ValueMetadata): TensorInfo {
  if (!m.isTensor) return { name: m.name, dtype: 'unknown', shape: [] };
  // Symbolic dimensions ('batch', 'N') and unknown ones are dynamic.
  return { name: m.name, dtype: dtypeOf(m.type), shape: m.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)) };
}

function toOrt(t: Float32Tensor, dtype: TensorDType): ort.Tensor {
  const dims = [...t.dims];
  switch (dtype) {
    case 'int64':
      return new ort.Tensor('int64', BigInt64Array.from(t.data, (v) => BigInt(Math.round(v))), dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(t.data, (v) => Math.round(v)), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(t.data), dims);
    default:
      return new ort.Tensor('float32', t.data, dims);
  }
}

function fromOrt(t: ort.Tensor): Float32Tensor {
  const dims = [...t.dims];
  const d = t.data;
  if (d instanceof Float32Array) return { data: d, dims };
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return { data: Float32Array.from(d, (v) => Number(v)), dims };
  if (typeof d[0] === 'string' || Array.isArray(d)) throw new InferenceError('model returned a string tensor; Strobe reads numeric outputs only');
  return { data: Float32Array.from(d as ArrayLike<number>), dims };
}

export class OnnxBackend implements InferenceBackend {
  readonly name = 'onnx' as const;
  private readonly spec: ModelSpec;
  private readonly deps: OnnxBackendDeps;
  private readonly logger: InferenceLogger;
  private session: ort.InferenceSession | undefined;
  private signature: ModelSignature | undefined;
  private inputTypes = new Map<string, TensorDType>();
  private deviceInUse = 'none';
  private fallbackInfo: DeviceFallbackInfo | undefined;
  private disposed = false;

  constructor(spec: ModelSpec, deps: OnnxBackendDeps) {
    this.spec = spec;
    this.deps = deps;
    this.logger = deps.logger ?? silentLogger;
  }

  get device(): string {
    return this.deviceInUse;
  }

  get fallback(): DeviceFallbackInfo | undefined {
    return this.fallbackInfo;
  }

  private modelPath(): string | undefined {
    return typeof this.deps.model === 'string' ? this.deps.model : undefined;
  }

  private async create(bytes: Uint8Array, providers: Provider[], quiet = false): Promise<ort.InferenceSession> {
    return ort.InferenceSession.create(bytes, sessionOptions(this.spec.onnx, providers, quiet));
  }

  async load(): Promise<void> {
    if (this.session !== undefined) return;
    const modelPath = this.modelPath();
    let bytes: Uint8Array;
    try {
      bytes = typeof this.deps.model === 'string' ? await readFile(this.deps.model) : this.deps.model;
    } catch (e) {
      throw new ModelLoadError(`cannot read ONNX model ${modelPath}: ${(e as Error).message}`, { cause: e, modelPath });
    }
    const { device, deviceId } = this.spec;
    let session: ort.InferenceSession | undefined;
    let unavailable: string | undefined;
    if (device !== 'cpu') {
      const probe = await (this.deps.probe ?? defaultOnnxDeviceProbe)(device, deviceId);
      if (!probe.available) unavailable = probe.reason ?? `${device} is not available`;
      else {
        try {
          session = await this.create(bytes, executionProviders(device, deviceId), true);
          this.deviceInUse = device;
        } catch (e) {
          unavailable = (e as Error).message;
        }
      }
    }
    if (session === undefined) {
      let cpuError: unknown;
      try {
        session = await this.create(bytes, ['cpu']);
      } catch (e) {
        cpuError = e;
      }
      if (session === undefined) {
        throw new ModelLoadError(`cannot load ONNX model ${modelPath ?? '(bytes)'}: ${(cpuError as Error).message}`, { cause: cpuError, modelPath });
      }
      if (unavailable !== undefined) {
        // The model loads on CPU, so the device was the problem.
        if (this.spec.deviceFallback === 'fail') {
          await session.release();
          throw new DeviceUnavailableError(device, `model.device is ${device} (deviceId ${deviceId}) but it cannot be used: ${unavailable}. Set model.deviceFallback: cpu to run on CPU instead, or model.device: cpu.`, { modelPath });
        }
        this.fallbackInfo = { requested: device, used: 'cpu', reason: unavailable };
        this.logger.warn({ model: this.spec.name, requested: device, used: 'cpu', reason: unavailable }, `${device} unavailable, running ${this.spec.name} on CPU`);
      }
      this.deviceInUse = 'cpu';
    }
    this.session = session;
    this.signature = { inputs: session.inputMetadata.map(info), outputs: session.outputMetadata.map(info) };
    this.inputTypes = new Map(this.signature.inputs.map((i) => [i.name, i.dtype]));
    this.logger.info({ model: this.spec.name, backend: 'onnx', device: this.deviceInUse, signature: this.signature }, 'model loaded');
  }

  describe(): ModelSignature {
    if (this.signature === undefined) throw new ModelLoadError('describe() before load()');
    return this.signature;
  }

  async warmUp(batchSize: number): Promise<void> {
    await this.run(zeroInputs(this.describe(), batchSize));
  }

  async run(inputs: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
    const session = this.session;
    if (session === undefined || this.disposed) throw new InferenceError(`model ${this.spec.name} is not loaded`, { retriable: false });
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(inputs)) feeds[name] = toOrt(t, this.inputTypes.get(name) ?? 'float32');
    let results: ort.InferenceSession.ReturnType;
    try {
      results = await session.run(feeds);
    } catch (e) {
      throw new InferenceError(`onnxruntime failed on model ${this.spec.name}: ${(e as Error).message}`, { cause: e });
    }
    const out: Record<string, Float32Tensor> = {};
    for (const [name, t] of Object.entries(results)) out[name] = fromOrt(t);
    return out;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const s = this.session;
    this.session = undefined;
    if (s !== undefined) await s.release();
  }
}
