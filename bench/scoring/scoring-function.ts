// A private copy of functions/fraud-scorer for one contender run: its own input, output and subscription,
// optionally other batching settings; loaded through Strobe's own config code so the Python loop gets the
// exact validated feature mapping Strobe scores with.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadFunctionFile, type FunctionConfig } from '../../src/config/function-config.js';
import { StrobeError } from '../../src/errors.js';
import type { FeatureSpec } from '../../src/features/feature-spec.js';
import type { OutputSpec } from '../../src/features/output-spec.js';
import type { ModelSpec } from '../../src/inference/model-spec.js';

export const FUNCTION_NAME = 'fraud-scorer';

export interface ScoringFunctionOptions {
  readonly projectRoot: string;
  /** Parent of the functions dir to create (one per contender run). */
  readonly workDir: string;
  /** Distinguishes this copy's directory. */
  readonly tag: string;
  readonly input: string;
  readonly output: string;
  readonly subName: string;
  /** Sets fields by dotted path (e.g. `batching.maxBatchSize: 1`, `model.onnx.intraOpNumThreads: 1`). */
  readonly set?: Readonly<Record<string, number | string | boolean>>;
}

export interface ScoringFunction {
  readonly functionsDir: string;
  readonly schemasDir: string;
  readonly config: FunctionConfig;
}

/** Copies the example, sets topics, subscription and batching, and validates it as `strobe run` would. */
export function prepareScoringFunction(o: ScoringFunctionOptions): ScoringFunction {
  const functionsDir = join(o.workDir, `functions-${o.tag}`);
  const dir = join(functionsDir, FUNCTION_NAME);
  mkdirSync(functionsDir, { recursive: true });
  cpSync(join(o.projectRoot, 'functions', FUNCTION_NAME), dir, { recursive: true });
  const file = join(dir, 'function.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  doc.set('inputs', [o.input]);
  doc.set('output', o.output);
  doc.set('subName', o.subName);
  for (const [path, v] of Object.entries(o.set ?? {})) doc.setIn(path.split('.'), v);
  writeFileSync(file, doc.toString());
  const schemasDir = join(o.projectRoot, 'schemas');
  const loaded = loadFunctionFile<FeatureSpec, OutputSpec, ModelSpec>({ file, schemasDir });
  if (!loaded.value) {
    throw new StrobeError('BENCH_FUNCTION_INVALID', `the benchmark's copy of ${FUNCTION_NAME} is invalid: ${loaded.errors.map((e) => e.message).join('; ')}`);
  }
  return { functionsDir, schemasDir, config: loaded.value };
}

/** What the Python classic loop needs of the function: the model, its feature columns and the label threshold. */
export interface PythonModelJob {
  readonly model: string;
  readonly modelInput: string;
  readonly modelOutput: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly columns: unknown;
  readonly threshold: number;
  readonly inputSchema: string;
  readonly outputSchema: string;
}

export function pythonModelJob(fn: ScoringFunction): PythonModelJob {
  const c = fn.config;
  const input = c.features.inputs[0];
  if (c.features.inputs.length !== 1 || !input || input.sequence !== undefined) {
    throw new StrobeError('BENCH_FUNCTION_UNSUPPORTED', 'the classic loop ports one event-mode model input only');
  }
  const label = c.outputs.fields.find((f) => f.spec.kind === 'label')?.spec;
  const score = c.outputs.fields.find((f) => f.spec.kind === 'score')?.spec;
  if (label?.kind !== 'label' || label.threshold === undefined || score?.kind !== 'score') {
    throw new StrobeError('BENCH_FUNCTION_UNSUPPORTED', 'the classic loop expects one score output and one thresholded label');
  }
  return {
    model: isAbsolute(c.model.path) ? c.model.path : join(fn.functionsDir, FUNCTION_NAME, c.model.path),
    modelInput: input.input,
    modelOutput: score.output,
    modelName: c.model.name,
    modelVersion: c.model.version,
    columns: input.columns,
    threshold: label.threshold,
    inputSchema: c.schemas.input.path,
    outputSchema: c.schemas.output.path,
  };
}
