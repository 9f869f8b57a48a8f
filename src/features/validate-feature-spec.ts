/**
 * Validates the `features:` section of a function file into a FeatureSpec, collecting every error with
 * its field path and a hint. Vocabulary files are read here (synchronously, like the rest of config
 * loading) so the mapper itself never touches the disk.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type RawObject, type Validated, SpecReader, joinPath } from '../inference/spec-reader.js';
import {
  COLUMN_KINDS,
  ENCODINGS,
  OOV_POLICIES,
  SCALINGS,
  TIME_PARTS,
  type ColumnSpec,
  type FeatureSpec,
  type InputSpec,
  type SequenceSpec,
  type TimePart,
} from './feature-spec.js';

export interface FeatureSpecOptions {
  /** The function's batching mode, when known, to check sequence inputs against it. */
  readonly mode?: 'event' | 'key';
  /** Directory that `vocabularyFile` paths are relative to (the function directory). */
  readonly baseDir?: string;
}

const KIND_KEYS: Record<(typeof COLUMN_KINDS)[number], readonly string[]> = {
  numeric: ['log1p', 'scaling', 'mean', 'std', 'min', 'max', 'clip', 'default'],
  categorical: ['vocabulary', 'vocabularyFile', 'encoding', 'oov', 'default'],
  hashed: ['buckets', 'encoding', 'default'],
  boolean: ['default'],
  equals: ['otherField', 'default'],
  timestamp: ['parts', 'cyclical', 'utcOffsetMinutes', 'default'],
};

/** Reads a vocabulary: inline `vocabulary: [...]` or `vocabularyFile:` (one entry per line). */
export function readVocabulary(r: SpecReader, o: RawObject, path: string, baseDir: string | undefined): string[] | undefined {
  if (o.vocabulary !== undefined && o.vocabularyFile !== undefined) {
    r.error(joinPath(path, 'vocabulary'), 'both vocabulary and vocabularyFile are set', 'keep one of them');
    return undefined;
  }
  if (o.vocabulary !== undefined) return r.stringList(o.vocabulary, joinPath(path, 'vocabulary'));
  const file = r.optionalString(o, 'vocabularyFile', path);
  if (file === undefined) {
    r.error(joinPath(path, 'vocabulary'), 'is required', 'list the categories inline (vocabulary: [a, b]) or give vocabularyFile: <file>');
    return undefined;
  }
  const field = joinPath(path, 'vocabularyFile');
  if (baseDir === undefined) {
    r.error(field, 'vocabularyFile cannot be resolved without the function directory');
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(resolve(baseDir, file), 'utf8');
  } catch (e) {
    r.error(field, `cannot read ${resolve(baseDir, file)}: ${(e as Error).message}`, 'the path is relative to the function directory');
    return undefined;
  }
  const entries = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
  return r.stringList(entries, field);
}

function readDefault(r: SpecReader, o: RawObject, path: string, type: 'number' | 'string' | 'boolean'): number | string | boolean | undefined {
  const v = o.default;
  if (v === undefined || v === null) return undefined;
  if (type === 'string' && (typeof v === 'string' || typeof v === 'number')) return String(v);
  if (type === 'number' && typeof v === 'number' && Number.isFinite(v)) return v;
  if (type === 'boolean' && typeof v === 'boolean') return v;
  r.error(joinPath(path, 'default'), `expected a ${type === 'number' ? 'finite number' : type}, got ${JSON.stringify(v)}`);
  return undefined;
}

function readClip(r: SpecReader, raw: unknown, field: string): readonly [number, number] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (Array.isArray(raw) && raw.length === 2 && typeof raw[0] === 'number' && typeof raw[1] === 'number' && raw[0] < raw[1]) {
    return [raw[0], raw[1]];
  }
  r.error(field, 'expected [low, high] with low < high', 'e.g. clip: [-5, 5]');
  return undefined;
}

function readColumn(r: SpecReader, raw: unknown, path: string, baseDir: string | undefined): ColumnSpec | undefined {
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  const field = r.string(o, 'field', path);
  const kind = r.oneOf(o, 'kind', path, COLUMN_KINDS);
  if (field === undefined || kind === undefined) return undefined;
  r.knownKeys(o, ['field', 'kind', ...KIND_KEYS[kind]], path);
  const base = { field, fieldPath: field.split('.') };
  const before = r.errors.length;
  let col: ColumnSpec;
  switch (kind) {
    case 'numeric': {
      const scaling = r.oneOf(o, 'scaling', path, SCALINGS, 'none') ?? 'none';
      const mean = scaling === 'standard' ? r.number(o, 'mean', path) : 0;
      const std = scaling === 'standard' ? r.number(o, 'std', path, { above: 0 }) : 1;
      const min = scaling === 'minmax' ? r.number(o, 'min', path) : 0;
      const max = scaling === 'minmax' ? r.number(o, 'max', path) : 1;
      if (scaling !== 'standard' && (o.mean !== undefined || o.std !== undefined)) {
        r.error(joinPath(path, 'scaling'), 'mean/std are set but scaling is not standard', 'add scaling: standard');
      }
      if (scaling !== 'minmax' && (o.min !== undefined || o.max !== undefined)) {
        r.error(joinPath(path, 'scaling'), 'min/max are set but scaling is not minmax', 'add scaling: minmax');
      }
      if (min !== undefined && max !== undefined && scaling === 'minmax' && !(min < max)) {
        r.error(joinPath(path, 'max'), `max (${max}) must be greater than min (${min})`);
      }
      col = {
        ...base,
        kind,
        log1p: r.boolean(o, 'log1p', path, false),
        scaling,
        mean: mean ?? 0,
        std: std ?? 1,
        min: min ?? 0,
        max: max ?? 1,
        clip: readClip(r, o.clip, joinPath(path, 'clip')),
        default: readDefault(r, o, path, 'number') as number | undefined,
      };
      break;
    }
    case 'categorical':
      col = {
        ...base,
        kind,
        vocabulary: readVocabulary(r, o, path, baseDir) ?? [],
        encoding: r.oneOf(o, 'encoding', path, ENCODINGS, 'onehot') ?? 'onehot',
        oov: r.oneOf(o, 'oov', path, OOV_POLICIES, 'bucket') ?? 'bucket',
        default: readDefault(r, o, path, 'string') as string | undefined,
      };
      break;
    case 'hashed':
      col = {
        ...base,
        kind,
        buckets: r.number(o, 'buckets', path, { min: 1, max: 1 << 24, integer: true }) ?? 1,
        encoding: r.oneOf(o, 'encoding', path, ENCODINGS, 'onehot') ?? 'onehot',
        default: readDefault(r, o, path, 'string') as string | undefined,
      };
      break;
    case 'boolean':
      col = { ...base, kind, default: readDefault(r, o, path, 'boolean') as boolean | undefined };
      break;
    case 'equals': {
      const other = r.string(o, 'otherField', path) ?? '';
      col = { ...base, kind, otherField: other, otherFieldPath: other.split('.'), default: readDefault(r, o, path, 'boolean') as boolean | undefined };
      break;
    }
    case 'timestamp': {
      let parts: TimePart[] = ['hourOfDay', 'dayOfWeek'];
      if (o.parts !== undefined) {
        const list = r.stringList(o.parts, joinPath(path, 'parts'));
        const bad = list?.filter((p) => !(TIME_PARTS as readonly string[]).includes(p)) ?? [];
        if (bad.length > 0) r.error(joinPath(path, 'parts'), `unknown part(s): ${bad.join(', ')}`, `use some of: ${TIME_PARTS.join(', ')}`);
        else if (list !== undefined) parts = list as TimePart[];
      }
      col = {
        ...base,
        kind,
        parts,
        cyclical: r.boolean(o, 'cyclical', path, true),
        utcOffsetMinutes: r.number(o, 'utcOffsetMinutes', path, { min: -24 * 60, max: 24 * 60, integer: true, default: 0 }) ?? 0,
        default: readDefault(r, o, path, 'number') as number | undefined,
      };
      break;
    }
  }
  return r.errors.length === before ? col : undefined;
}

function readSequence(r: SpecReader, raw: unknown, path: string): SequenceSpec | undefined {
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  r.knownKeys(o, ['length', 'padding', 'padValue', 'mask'], path);
  return {
    length: r.number(o, 'length', path, { min: 1, max: 1 << 16, integer: true }) ?? 1,
    padding: r.oneOf(o, 'padding', path, ['left', 'right'] as const, 'left') ?? 'left',
    padValue: r.number(o, 'padValue', path, { default: 0 }) ?? 0,
    mask: r.optionalString(o, 'mask', path),
  };
}

function readInput(r: SpecReader, raw: unknown, path: string, baseDir: string | undefined): InputSpec | undefined {
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  r.knownKeys(o, ['input', 'columns', 'sequence'], path);
  const input = r.string(o, 'input', path);
  const columnsField = joinPath(path, 'columns');
  const rawColumns = o.columns === undefined ? (r.error(columnsField, 'is required', 'list the record fields this input is built from'), undefined) : r.list(o.columns, columnsField);
  if (rawColumns !== undefined && rawColumns.length === 0) r.error(columnsField, 'must not be empty');
  const columns = (rawColumns ?? []).map((c, i) => readColumn(r, c, joinPath(columnsField, i), baseDir));
  const sequence = o.sequence === undefined || o.sequence === null ? undefined : readSequence(r, o.sequence, joinPath(path, 'sequence'));
  if (input === undefined || columns.some((c) => c === undefined)) return undefined;
  return { input, columns: columns as ColumnSpec[], sequence };
}

/**
 * Validates `features:` (a list of model inputs). `path` is the section's field path (usually `features`).
 */
export function validateFeatureSpec(raw: unknown, path = 'features', options: FeatureSpecOptions = {}): Validated<FeatureSpec> {
  const r = new SpecReader();
  const list = r.list(raw, path);
  if (list === undefined) return r.result<FeatureSpec>(undefined);
  if (list.length === 0) {
    r.error(path, 'must list at least one model input', 'e.g. - { input: features, columns: [...] }');
    return r.result<FeatureSpec>(undefined);
  }
  const inputs = list.map((item, i) => readInput(r, item, joinPath(path, i), options.baseDir));
  const names = new Map<string, number>();
  inputs.forEach((inp, i) => {
    if (inp === undefined) return;
    for (const name of [inp.input, ...(inp.sequence?.mask !== undefined ? [inp.sequence.mask] : [])]) {
      const prev = names.get(name);
      if (prev !== undefined) r.error(joinPath(joinPath(path, i), 'input'), `model input "${name}" is already fed by ${joinPath(path, prev)}`, 'each model input is fed once');
      else names.set(name, i);
    }
  });
  const hasSequence = inputs.some((inp) => inp?.sequence !== undefined);
  if (hasSequence && options.mode === 'event') {
    const i = inputs.findIndex((inp) => inp?.sequence !== undefined);
    r.error(joinPath(joinPath(path, i), 'sequence'), 'sequence inputs need one row per key', 'set batching.mode: key, or remove sequence:');
  }
  if (inputs.some((inp) => inp === undefined)) return r.result<FeatureSpec>(undefined);
  return r.result<FeatureSpec>({ mode: options.mode ?? (hasSequence ? 'key' : 'event'), inputs: inputs as InputSpec[] });
}
