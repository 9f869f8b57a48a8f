// A small function for runtime tests: Avro schemas, a function.yaml and a scripted model written to a
// temp dir. The scripted backend scores score = amount / 1000 and can be told to fail on chosen rows.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceError } from '../../src/errors.js';
import { loadFunctionFile, type FunctionConfig } from '../../src/config/function-config.js';
import type { FeatureSpec } from '../../src/features/feature-spec.js';
import type { OutputSpec } from '../../src/features/output-spec.js';
import type { InferenceBackend } from '../../src/inference/backend.js';
import type { ModelSpec } from '../../src/inference/model-spec.js';
import type { Float32Tensor, ModelSignature } from '../../src/inference/tensor.js';

export const PAYMENT_V1 = {
  type: 'record', name: 'Payment', namespace: 'dev.strobe.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'card', type: 'string' },
    { name: 'seq', type: 'long' },
    { name: 'amount', type: 'double' },
  ],
};

/** v2 adds a field with a default (backward compatible for readers of v1 data). */
export const PAYMENT_V2 = {
  ...PAYMENT_V1,
  fields: [...PAYMENT_V1.fields, { name: 'channel', type: 'string', default: 'pos' }],
};

export const SCORE = {
  type: 'record', name: 'Score', namespace: 'dev.strobe.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'card', type: 'string' },
    { name: 'seq', type: 'long' },
    { name: 'score', type: 'double' },
    { name: 'model_name', type: 'string' },
    { name: 'model_version', type: 'string' },
    { name: 'event_time', type: 'long' },
    { name: 'scored_at', type: 'long' },
    { name: 'scoring_latency_ms', type: 'double' },
  ],
};

export interface TestFunctionOptions {
  readonly name: string;
  readonly input: string;
  readonly output: string;
  readonly inputSchema?: unknown;
  readonly batching?: Record<string, unknown>;
  readonly extra?: Record<string, unknown>;
}

/**
 * The settings every scripted test function shares: Key_Shared on `card`, small batches, quick retries, the
 * scripted model (not loaded: tests inject ScriptedBackend) scoring the `amount` column.
 */
export function scriptedFunctionYaml(name: string, input: string, output: string): Record<string, unknown> {
  return {
    name,
    inputs: [input],
    output,
    subscriptionType: 'Key_Shared',
    subscriptionPosition: 'Earliest',
    maxMessageRetries: 2,
    negativeAckBackoff: { minDelayMs: 100, maxDelayMs: 400, multiplier: 2 },
    key: 'card',
    batching: { mode: 'event', maxBatchSize: 64, maxBatchBytes: '1MiB', maxWaitMs: 10, maxInflightBatches: 2 },
    model: { backend: 'onnx', path: 'model.onnx', device: 'cpu', name: 'scripted', version: '7' },
    features: [{ input: 'features', columns: [{ field: 'amount', kind: 'numeric' }] }],
  };
}

/** Writes `<tmp>/<name>/function.yaml` (+ a placeholder model) and `<tmp>/schemas/*.avsc`, then loads it. */
export function writeFunctionDir(name: string, schemas: Readonly<Record<string, unknown>>, yaml: Record<string, unknown>): { dir: string; config: FunctionConfig } {
  const root = mkdtempSync(join(tmpdir(), 'strobe-fn-'));
  const dir = join(root, name);
  const schemasDir = join(root, 'schemas');
  mkdirSync(dir, { recursive: true });
  mkdirSync(schemasDir, { recursive: true });
  for (const [file, schema] of Object.entries(schemas)) writeFileSync(join(schemasDir, file), JSON.stringify(schema));
  writeFileSync(join(dir, 'model.onnx'), 'scripted model: not loaded');
  const file = join(dir, 'function.yaml');
  writeFileSync(file, JSON.stringify(yaml, null, 2));
  const r = loadFunctionFile<FeatureSpec, OutputSpec, ModelSpec>({ file, schemasDir });
  if (!r.value) throw new Error(`test function invalid:\n${r.errors.map((e) => e.message).join('\n')}`);
  return { dir, config: r.value };
}

export function writeTestFunction(o: TestFunctionOptions): { dir: string; config: FunctionConfig } {
  const base = scriptedFunctionYaml(o.name, o.input, o.output);
  return writeFunctionDir(o.name, { 'payment.avsc': o.inputSchema ?? PAYMENT_V1, 'score.avsc': SCORE }, {
    ...base,
    schemas: { input: 'payment.avsc', output: 'score.avsc' },
    batching: { ...(base.batching as Record<string, unknown>), ...o.batching },
    outputs: {
      id: { kind: 'field' },
      card: { kind: 'field' },
      seq: { kind: 'field' },
      score: { kind: 'score', output: 'score', index: 0 },
    },
    ...o.extra,
  });
}

/** A model double: score = amount / 1000. `failWhen(amount, call)` makes a call with that row throw. */
export class ScriptedBackend implements InferenceBackend {
  readonly name = 'onnx' as const;
  readonly device = 'cpu';
  readonly fallback = undefined;
  calls = 0;
  rows = 0;
  private readonly failWhen: (amount: number, call: number) => boolean;

  constructor(failWhen: (amount: number, call: number) => boolean = () => false) {
    this.failWhen = failWhen;
  }

  async load(): Promise<void> {}
  async warmUp(): Promise<void> {}
  async dispose(): Promise<void> {}

  describe(): ModelSignature {
    return {
      inputs: [{ name: 'features', dtype: 'float32', shape: [-1, 1] }],
      outputs: [{ name: 'score', dtype: 'float32', shape: [-1, 1] }],
    };
  }

  async run(inputs: Readonly<Record<string, Float32Tensor>>): Promise<Record<string, Float32Tensor>> {
    const call = ++this.calls;
    const x = inputs.features;
    if (!x) throw new InferenceError('no features input');
    for (const v of x.data) if (this.failWhen(v, call)) throw new InferenceError(`scripted failure on amount ${v} (call ${call})`);
    this.rows += x.data.length;
    return { score: { data: x.data.map((v) => v / 1000), dims: [x.data.length, 1] } };
  }
}
