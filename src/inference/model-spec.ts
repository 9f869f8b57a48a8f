/**
 * The `model:` section of a function file: which backend runs which model file on which device.
 *
 * ```yaml
 * model:
 *   backend: onnx            # onnx | tfjs
 *   path: model.onnx         # relative to the function directory; tfjs: model.json or its directory
 *   device: cuda             # cpu | cuda | tensorrt (tfjs: cpu | cuda)   @default cpu
 *   deviceId: 0              # GPU ordinal                                  @default 0
 *   deviceFallback: cpu      # cpu: run on CPU with a warning | fail: refuse to start   @default cpu
 *   name: fraud-mlp          # written to outputs as model_name            @default file name
 *   version: "3"             # written to outputs as model_version         @default "1"
 *   warmUpBatchSize: 64      # dummy batch run once before ready           @default 1
 *   onnx: { graphOptimizationLevel: all, intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: sequential }
 *   tfjs: { backends: [tfjs-node-gpu, tfjs-node, wasm, cpu], wasmThreads: 1 }
 * ```
 */
import { type RawObject, type Validated, SpecReader, joinPath } from './spec-reader.js';

export const BACKENDS = ['onnx', 'tfjs'] as const;
export type BackendName = (typeof BACKENDS)[number];

export const DEVICES = ['cpu', 'cuda', 'tensorrt'] as const;
export type DeviceName = (typeof DEVICES)[number];

export type DeviceFallback = 'cpu' | 'fail';

export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimizationLevel = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

/** TF.js backends in the default order of preference. */
export const TFJS_BACKENDS = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type TfjsBackendName = (typeof TFJS_BACKENDS)[number];

export interface OnnxOptions {
  /** @default 'all' */
  readonly graphOptimizationLevel: GraphOptimizationLevel;
  /** Threads inside one operator; 0 lets onnxruntime choose (one per core). @default 0 */
  readonly intraOpNumThreads: number;
  /** Threads across operators (parallel mode only); 0 lets onnxruntime choose. @default 0 */
  readonly interOpNumThreads: number;
  /** @default 'sequential' */
  readonly executionMode: 'sequential' | 'parallel';
}

export interface TfjsOptions {
  /** Tried in this order; the first that loads is used. @default all of TFJS_BACKENDS */
  readonly backends: readonly TfjsBackendName[];
  /** Threads of the WebAssembly backend (needs worker support; 1 is always safe). @default 1 */
  readonly wasmThreads: number;
}

export interface ModelSpec {
  readonly backend: BackendName;
  /** As written in the file; resolve against the function directory before loading. */
  readonly path: string;
  readonly device: DeviceName;
  readonly deviceId: number;
  readonly deviceFallback: DeviceFallback;
  readonly name: string;
  readonly version: string;
  readonly warmUpBatchSize: number;
  readonly onnx: OnnxOptions;
  readonly tfjs: TfjsOptions;
}

const KEYS = ['backend', 'path', 'device', 'deviceId', 'deviceFallback', 'name', 'version', 'warmUpBatchSize', 'onnx', 'tfjs'];

function baseName(path: string): string {
  const file = path.split(/[\\/]/).filter((p) => p.length > 0).pop() ?? path;
  return file.replace(/\.(onnx|json)$/, '');
}

function readOnnx(r: SpecReader, raw: unknown, path: string): OnnxOptions {
  const defaults: OnnxOptions = { graphOptimizationLevel: 'all', intraOpNumThreads: 0, interOpNumThreads: 0, executionMode: 'sequential' };
  if (raw === undefined || raw === null) return defaults;
  const o = r.object(raw, path);
  if (o === undefined) return defaults;
  r.knownKeys(o, Object.keys(defaults), path);
  const threads = { min: 0, max: 1024, integer: true };
  return {
    graphOptimizationLevel: r.oneOf(o, 'graphOptimizationLevel', path, GRAPH_OPTIMIZATION_LEVELS, 'all') ?? 'all',
    intraOpNumThreads: r.number(o, 'intraOpNumThreads', path, { ...threads, default: 0 }) ?? 0,
    interOpNumThreads: r.number(o, 'interOpNumThreads', path, { ...threads, default: 0 }) ?? 0,
    executionMode: r.oneOf(o, 'executionMode', path, ['sequential', 'parallel'] as const, 'sequential') ?? 'sequential',
  };
}

function readTfjs(r: SpecReader, raw: unknown, path: string): TfjsOptions {
  const defaults: TfjsOptions = { backends: TFJS_BACKENDS, wasmThreads: 1 };
  if (raw === undefined || raw === null) return defaults;
  const o = r.object(raw, path);
  if (o === undefined) return defaults;
  r.knownKeys(o, ['backends', 'wasmThreads'], path);
  let backends: readonly TfjsBackendName[] = TFJS_BACKENDS;
  if (o.backends !== undefined) {
    const field = joinPath(path, 'backends');
    const list = r.stringList(o.backends, field);
    if (list !== undefined) {
      const bad = list.filter((b) => !(TFJS_BACKENDS as readonly string[]).includes(b));
      if (bad.length > 0) r.error(field, `unknown tfjs backend(s): ${bad.join(', ')}`, `use some of: ${TFJS_BACKENDS.join(', ')}`);
      else backends = list as TfjsBackendName[];
    }
  }
  return { backends, wasmThreads: r.number(o, 'wasmThreads', path, { min: 1, max: 64, integer: true, default: 1 }) ?? 1 };
}

/**
 * Validates the `model:` section. `path` is the section's own field path (usually `model`).
 * Defaults are filled in; the result is complete and immutable.
 */
export function validateModelSpec(raw: unknown, path = 'model'): Validated<ModelSpec> {
  const r = new SpecReader();
  const o = r.object(raw, path);
  if (o === undefined) return r.result<ModelSpec>(undefined);
  r.knownKeys(o, KEYS, path);
  const backend = r.oneOf(o, 'backend', path, BACKENDS);
  const file = r.string(o, 'path', path);
  const device = r.oneOf(o, 'device', path, DEVICES, 'cpu') ?? 'cpu';
  if (backend === 'tfjs' && device === 'tensorrt') {
    r.error(joinPath(path, 'device'), 'tensorrt is an onnxruntime execution provider, not a tfjs device', 'use device: cuda (tfjs-node-gpu) or backend: onnx');
  }
  if (backend === 'tfjs' && o.onnx !== undefined) {
    r.error(joinPath(path, 'onnx'), 'onnx options given for a tfjs model', 'remove the onnx: block or set backend: onnx');
  }
  if (backend === 'onnx' && o.tfjs !== undefined) {
    r.error(joinPath(path, 'tfjs'), 'tfjs options given for an onnx model', 'remove the tfjs: block or set backend: tfjs');
  }
  const spec: ModelSpec = {
    backend: backend ?? 'onnx',
    path: file ?? '',
    device,
    deviceId: r.number(o, 'deviceId', path, { min: 0, integer: true, default: 0 }) ?? 0,
    deviceFallback: r.oneOf(o, 'deviceFallback', path, ['cpu', 'fail'] as const, 'cpu') ?? 'cpu',
    name: r.string(o, 'name', path, baseName(file ?? 'model')),
    version: readVersion(r, o, path),
    warmUpBatchSize: r.number(o, 'warmUpBatchSize', path, { min: 1, max: 1 << 20, integer: true, default: 1 }) ?? 1,
    onnx: readOnnx(r, o.onnx, joinPath(path, 'onnx')),
    tfjs: readTfjs(r, o.tfjs, joinPath(path, 'tfjs')),
  };
  return r.result(backend === undefined || file === undefined ? undefined : spec);
}

function readVersion(r: SpecReader, o: RawObject, path: string): string {
  const v = o.version;
  // YAML reads `version: 3` as a number; accept it rather than make users quote it.
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return r.string(o, 'version', path, '1');
}

