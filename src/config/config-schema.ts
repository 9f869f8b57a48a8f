/**
 * Strobe's config schemas are convict schemas whose leaves carry a little more than convict needs: a
 * check that explains the fix, a type label for the docs, and how to normalize a value. `checkAgainstSchema`
 * walks raw input with them and collects every problem (unknown fields with the closest known name,
 * missing required fields, bad values); `applyConvict` then lets convict fill defaults and validate strictly.
 */
import convict from 'convict';
import { ConfigError } from '../errors.js';
import { closestName, FieldProblem, showValue, type Check } from './field-checks.js';
import { isPlainObject, setPath, type RawObject } from './raw-object.js';

export interface FieldSpec {
  readonly doc: string;
  /** `null` means no default: the field is required unless `nullable`. */
  readonly default: unknown;
  readonly format: Check;
  readonly nullable?: boolean;
  readonly env?: string;
  readonly sensitive?: boolean;
  /** Type as shown in docs/config-reference.md. */
  readonly type: string;
  /** Stored form of a valid value, e.g. "4MiB" → 4194304. */
  readonly normalize?: (value: unknown) => unknown;
  /** Value of an environment variable or command-line string. */
  readonly fromString?: (text: string) => unknown;
  /** A file system path: relative paths in a config file resolve against the file's directory. */
  readonly isPath?: boolean;
  /** Example value used in the fix of a missing required field. */
  readonly example?: string;
  /** How the default reads in the docs when it is computed from other fields. */
  readonly defaultDoc?: string;
  /**
   * A section checked by its own validator (model, features, userConfig): convict keeps it as one
   * opaque value instead of merging its keys into the default.
   */
  readonly opaque?: boolean;
}

export interface SchemaGroup {
  readonly [key: string]: SchemaNode;
}

export type SchemaNode = FieldSpec | SchemaGroup;

export function isFieldSpec(node: SchemaNode): node is FieldSpec {
  return Object.prototype.hasOwnProperty.call(node, 'default') && typeof node.format === 'function';
}

/** One problem in one field. `field` is a dotted path from the root of the input. */
export interface ConfigIssue {
  readonly field: string;
  readonly message: string;
  readonly fix?: string;
  /** Set for a required field that is absent. */
  readonly missing?: boolean;
}

export { isPlainObject, type RawObject };

export function joinField(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

export interface CheckResult {
  /** The input's fields, normalized; absent fields stay absent (convict adds defaults). */
  readonly value: RawObject;
  readonly issues: ConfigIssue[];
}

/**
 * Checks `raw` against `schema`: unknown fields (strict), missing required fields and bad values, all
 * collected. `skipRequired` is for partial inputs (one source among several) that are merged later.
 */
export function checkAgainstSchema(
  schema: SchemaGroup,
  raw: unknown,
  options: { path?: string; skipRequired?: boolean } = {},
): CheckResult {
  const issues: ConfigIssue[] = [];
  const value = walk(schema, raw, options.path ?? '', options.skipRequired ?? false, issues);
  return { value, issues };
}

function walk(schema: SchemaGroup, raw: unknown, path: string, skipRequired: boolean, issues: ConfigIssue[]): RawObject {
  const out: RawObject = {};
  if (raw === undefined || raw === null) raw = {};
  if (!isPlainObject(raw)) {
    issues.push({
      field: path === '' ? '(root)' : path,
      message: `must be a mapping of field names to values, got ${showValue(raw)}`,
      fix: 'write "field: value" lines',
    });
    return out;
  }
  const known = Object.keys(schema);
  for (const key of Object.keys(raw)) {
    const node = schema[key];
    const field = joinField(path, key);
    const v = raw[key];
    if (node === undefined) {
      const near = closestName(key, known);
      issues.push({
        field,
        message: 'unknown field',
        fix: near !== undefined ? `did you mean "${near}"?` : `known fields here: ${known.join(', ')}`,
      });
      continue;
    }
    if (!isFieldSpec(node)) {
      out[key] = walk(node, v, field, skipRequired, issues);
      continue;
    }
    if (v === undefined || (v === null && node.nullable === true)) {
      if (v === null) out[key] = null;
      continue;
    }
    if (v === null) {
      if (!skipRequired && node.default === null) issues.push(missing(field, node));
      continue;
    }
    const problem = runCheck(node.format, v);
    if (problem !== undefined) {
      // Secrets are never echoed back, not even when malformed.
      const got = node.sensitive === true ? '' : `, got ${showValue(v)}`;
      issues.push({ field, message: `${problem.message}${got}`, ...fixOf(problem) });
      continue;
    }
    out[key] = node.normalize === undefined ? v : node.normalize(v);
  }
  if (!skipRequired) {
    for (const key of known) {
      const node = schema[key];
      if (node === undefined) continue;
      if (!isFieldSpec(node)) {
        // An absent group may still hold required fields.
        if (raw[key] === undefined) walk(node, {}, joinField(path, key), skipRequired, issues);
        continue;
      }
      if (node.default === null && node.nullable !== true && raw[key] === undefined) {
        issues.push(missing(joinField(path, key), node));
      }
    }
  }
  return out;
}

function fixOf(p: FieldProblem): { fix?: string } {
  return p.fix === undefined ? {} : { fix: p.fix };
}

function missing(field: string, node: FieldSpec): ConfigIssue {
  const key = field.slice(field.lastIndexOf('.') + 1);
  return {
    field,
    missing: true,
    message: 'is required',
    fix: node.example === undefined ? `add ${key}` : `add e.g. "${key}: ${node.example}"`,
  };
}

/** Runs a check; returns its problem, or undefined when the value passes. */
export function runCheck(check: Check, value: unknown): FieldProblem | undefined {
  try {
    check(value);
    return undefined;
  } catch (e) {
    if (e instanceof FieldProblem) return e;
    throw e;
  }
}

/**
 * Fills defaults with convict and validates strictly (unknown fields are errors). `value` should have
 * passed `checkAgainstSchema`; convict is the second line of defence and the source of defaults.
 * With `validate: false` it only fills defaults around the valid part of a partly invalid input, so the
 * rules across fields can still be checked and reported in the same run.
 */
export function applyConvict<T>(schema: SchemaGroup, value: RawObject, options: { validate?: boolean } = {}): T {
  const opaque: [string, unknown][] = [];
  const convictSchema = toConvictSchema(schema, value, opaque);
  // Environment and argv are passed in explicitly: convict would otherwise read the process's own.
  const config = convict<T>(convictSchema as unknown as convict.Schema<T>, { env: {}, args: [] });
  config.load(value);
  // Without validation (input known to be partial), absent required fields come back as null.
  if (options.validate !== false) config.validate({ allowed: 'strict' });
  const props = config.getProperties() as RawObject;
  for (const [path, v] of opaque) setPath(props, path, v);
  return props as T;
}

/**
 * Convict merges nested objects key by key, which is wrong for opaque sections; their values are taken
 * out of `value` (into `opaque`) and convict sees a placeholder.
 */
function toConvictSchema(schema: SchemaGroup, value: RawObject, opaque: [string, unknown][], path = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, node] of Object.entries(schema)) {
    const field = joinField(path, key);
    if (!isFieldSpec(node)) {
      const child = value[key];
      out[key] = toConvictSchema(node, isPlainObject(child) ? child : {}, opaque, field);
      continue;
    }
    if (node.opaque === true) {
      opaque.push([field, key in value ? value[key] : node.default]);
      delete value[key];
      out[key] = { doc: node.doc, default: null, nullable: true, format: '*' };
    } else {
      out[key] = node;
    }
  }
  return out;
}

/** One ConfigError per issue, each message naming the source, the field and the fix. */
export function issueToError(source: string, issue: ConfigIssue): ConfigError {
  const fix = issue.fix === undefined ? '' : ` — ${issue.fix}`;
  return new ConfigError(`${source}: ${issue.field}: ${issue.message}${fix}`, {
    file: source,
    field: issue.field,
    context: issue.fix === undefined ? {} : { fix: issue.fix },
  });
}

/** Visits every leaf of a schema with its dotted path. */
export function forEachField(schema: SchemaGroup, visit: (path: string, spec: FieldSpec) => void, path = ''): void {
  for (const [key, node] of Object.entries(schema)) {
    const field = joinField(path, key);
    if (isFieldSpec(node)) visit(field, node);
    else forEachField(node, visit, field);
  }
}
