/**
 * Picks a TF.js runtime by trying backends in the configured order: native TensorFlow with CUDA
 * (@tensorflow/tfjs-node-gpu), native TensorFlow on CPU (@tensorflow/tfjs-node), WebAssembly
 * (@tensorflow/tfjs-backend-wasm) and the pure-JavaScript CPU kernels. The native ones are optional
 * dependencies, so each import may fail; failures are kept and logged, never thrown until none is left.
 *
 * TF.js keeps one global engine per process: the chosen backend applies to every TF.js model in it.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import type { InferenceLogger } from './backend.js';
import type { TfjsBackendName } from './model-spec.js';

export type TfNamespace = typeof Tf;
export type ModuleImporter = (specifier: string) => Promise<unknown>;

export interface TfjsAttempt {
  readonly backend: TfjsBackendName;
  readonly error: string;
}

export interface LoadedTfjs {
  readonly tf: TfNamespace;
  readonly backend: TfjsBackendName;
  /** What `InferenceBackend.device` reports: tfjs-node-gpu | tfjs-node | tfjs-wasm | tfjs-cpu. */
  readonly device: string;
  /** Backends tried before this one, with why they failed. */
  readonly attempts: readonly TfjsAttempt[];
}

export interface TfjsLoaderOptions {
  /** Replaces dynamic import() (tests simulate missing native packages with it). */
  readonly importModule?: ModuleImporter;
  /** @default 1 */
  readonly wasmThreads?: number;
  readonly logger?: InferenceLogger;
}

interface WasmModule {
  setWasmPaths(prefix: string): void;
  setThreadsCount?(n: number): void;
}

const DEVICE: Readonly<Record<TfjsBackendName, string>> = {
  'tfjs-node-gpu': 'tfjs-node-gpu',
  'tfjs-node': 'tfjs-node',
  wasm: 'tfjs-wasm',
  cpu: 'tfjs-cpu',
};

const defaultImport: ModuleImporter = (specifier) => import(specifier);

function isTf(m: unknown): m is TfNamespace {
  return typeof m === 'object' && m !== null && typeof (m as Partial<TfNamespace>).setBackend === 'function' && typeof (m as Partial<TfNamespace>).tidy === 'function';
}

async function importTf(importModule: ModuleImporter, specifier: string): Promise<TfNamespace> {
  const m = await importModule(specifier);
  if (isTf(m)) return m;
  // CommonJS packages imported from ESM put their exports under `default`.
  const d = (m as { default?: unknown } | null)?.default;
  if (isTf(d)) return d;
  throw new Error(`${specifier} does not export the TF.js API`);
}

/** Directory of the .wasm binaries shipped inside @tensorflow/tfjs-backend-wasm (dist/). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

async function activate(tf: TfNamespace, backendName: string): Promise<void> {
  if (!(await tf.setBackend(backendName))) throw new Error(`tf.setBackend('${backendName}') failed`);
  await tf.ready();
  // PROD silences the "install tfjs-node" banner and dev-only checks; we log what loaded ourselves.
  tf.env().set('PROD', true);
}

async function tryBackend(name: TfjsBackendName, options: TfjsLoaderOptions): Promise<TfNamespace> {
  const importModule = options.importModule ?? defaultImport;
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      const tf = await importTf(importModule, `@tensorflow/${name}`);
      await activate(tf, 'tensorflow');
      return tf;
    }
    case 'wasm': {
      const tf = await importTf(importModule, '@tensorflow/tfjs');
      const wasm = (await importModule('@tensorflow/tfjs-backend-wasm')) as WasmModule;
      wasm.setWasmPaths(wasmBinaryDir());
      const threads = options.wasmThreads ?? 1;
      if (threads > 1) wasm.setThreadsCount?.(threads);
      await activate(tf, 'wasm');
      return tf;
    }
    case 'cpu': {
      const tf = await importTf(importModule, '@tensorflow/tfjs');
      await activate(tf, 'cpu');
      return tf;
    }
  }
}

/**
 * Loads the first backend of `order` that works. Throws an Error listing every attempt when none does
 * (the caller wraps it into ModelLoadError or DeviceUnavailableError).
 */
export async function loadTfjs(order: readonly TfjsBackendName[], options: TfjsLoaderOptions = {}): Promise<LoadedTfjs> {
  const attempts: TfjsAttempt[] = [];
  for (const backend of order) {
    try {
      const tf = await tryBackend(backend, options);
      options.logger?.info({ backend, device: DEVICE[backend], skipped: attempts }, `tfjs backend ${backend} loaded`);
      return { tf, backend, device: DEVICE[backend], attempts };
    } catch (e) {
      const error = e instanceof Error ? e.message.split('\n')[0] ?? e.message : String(e);
      attempts.push({ backend, error });
      options.logger?.info({ backend, error }, `tfjs backend ${backend} unavailable`);
    }
  }
  throw new Error(`no TF.js backend could be loaded: ${attempts.map((a) => `${a.backend} (${a.error})`).join('; ') || 'none configured'}`);
}
