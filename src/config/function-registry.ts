/**
 * The functions a worker can run: every `<functionsDir>/<name>/function.yaml`, compiled and checked
 * together. Used by `strobe validate`, `strobe list` and `strobe run`; collects all errors across files
 * rather than stopping at the first.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfigError } from '../errors.js';
import { issueToError } from './config-schema.js';
import { closestName } from './field-checks.js';
import { displayPath, loadFunctionFile, type FunctionConfig } from './function-config.js';
import type { FeatureSpec } from '../features/feature-spec.js';
import type { OutputSpec } from '../features/output-spec.js';
import type { ModelSpec } from '../inference/model-spec.js';
import type { SectionValidators } from './section-validators.js';

export const FUNCTION_FILE = 'function.yaml';

export interface LoadFunctionsOptions<F, O, M> {
  /** Directory of shared .avsc files. @default "<dir>/../schemas" */
  readonly schemasDir?: string;
  /** Validators of the features, outputs and model sections. */
  readonly validators?: SectionValidators<F, O, M>;
}

export interface LoadedFunctions<F, O, M> {
  /** Valid functions, sorted by name. */
  readonly functions: readonly FunctionConfig<F, O, M>[];
  /** Every problem found, in every file. A worker should refuse to start when this is not empty. */
  readonly errors: readonly ConfigError[];
}

/** Names of the function directories (those holding a function.yaml), sorted. */
export function listFunctionNames(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory() && existsSync(join(dir, n, FUNCTION_FILE)))
    .sort();
}

/**
 * Loads the functions in `dir` (all of them, or those in `names`) and checks them together.
 * Never throws for bad config: problems are returned in `errors`.
 */
export function loadFunctions<F = FeatureSpec, O = OutputSpec, M = ModelSpec>(
  dir: string,
  names?: readonly string[],
  options: LoadFunctionsOptions<F, O, M> = {},
): LoadedFunctions<F, O, M> {
  const root = resolve(dir);
  const shownDir = displayPath(root);
  const errors: ConfigError[] = [];
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    errors.push(issueToError(shownDir, { field: '(directory)', message: 'functions directory does not exist', fix: 'create it, or point functionsDir (--functions-dir, STROBE_FUNCTIONS_DIR) at it' }));
    return { functions: [], errors };
  }
  const available = listFunctionNames(root);
  let selected = available;
  if (names !== undefined && names.length > 0) {
    selected = [];
    for (const n of names) {
      if (available.includes(n)) {
        if (!selected.includes(n)) selected.push(n);
        continue;
      }
      const near = closestName(n, available);
      errors.push(
        issueToError(shownDir, {
          field: n,
          message: `no function "${n}" (no ${n}/${FUNCTION_FILE})`,
          fix: near !== undefined ? `did you mean "${near}"?` : available.length > 0 ? `known functions: ${available.join(', ')}` : `create ${n}/${FUNCTION_FILE}`,
        }),
      );
    }
  } else if (available.length === 0) {
    errors.push(issueToError(shownDir, { field: '(directory)', message: `no function found (no */${FUNCTION_FILE})`, fix: `add <name>/${FUNCTION_FILE}` }));
  }

  const schemasDir = options.schemasDir ?? resolve(root, '..', 'schemas');
  const functions: FunctionConfig<F, O, M>[] = [];
  for (const name of selected) {
    const file = join(root, name, FUNCTION_FILE);
    const result = loadFunctionFile<F, O, M>({ file, schemasDir, ...(options.validators === undefined ? {} : { validators: options.validators }) });
    errors.push(...result.errors);
    if (result.value !== undefined) functions.push(result.value);
  }
  errors.push(...crossFunctionErrors(functions));
  return { functions: errors.length === 0 ? functions : functions.filter((f) => !errors.some((e) => e.file === displayPath(f.file))), errors };
}

/** Two functions with one subscription name on one topic would split each other's messages. */
function crossFunctionErrors(functions: readonly FunctionConfig<unknown, unknown, unknown>[]): ConfigError[] {
  const errors: ConfigError[] = [];
  const seen = new Map<string, string>();
  for (const f of functions) {
    for (const input of f.inputs) {
      const id = `${input}\u0000${f.subName}`;
      const other = seen.get(id);
      if (other !== undefined) {
        errors.push(
          issueToError(displayPath(f.file), {
            field: 'subName',
            message: `function "${other}" already subscribes to ${input} as "${f.subName}", so the two would split its messages`,
            fix: `give one of them another subName (it defaults to the function name)`,
          }),
        );
      } else seen.set(id, f.name);
    }
  }
  return errors;
}
