/**
 * Compiles a column spec into an encoder that writes its columns for one value into a row of a float32
 * buffer. Encoders return an error message instead of throwing: bad rows are expected and counted, and
 * the mapper turns the message into a FeatureValidationError only for the rows that fail.
 */
import type { ColumnSpec, NumericColumn } from './feature-spec.js';
import { fnv1a32 } from './fnv1a.js';

/**
 * Writes `width` values at `out[offset..]`; returns undefined on success, else why the value is unusable.
 * `record` is the whole record, for kinds that read a second field.
 */
export type ColumnEncoder = (value: unknown, out: Float32Array, offset: number, record: unknown) => string | undefined;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const TWO_PI = 2 * Math.PI;

function describe(v: unknown): string {
  if (typeof v === 'string') return `string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return `${typeof v} ${v}`;
  if (v instanceof Date) return 'Date';
  return Array.isArray(v) ? 'array' : typeof v;
}

function toNumber(v: unknown): number | string {
  if (typeof v === 'number') return Number.isFinite(v) ? v : `${v} is not a finite number`;
  if (typeof v === 'bigint') return Number(v);
  return `expected a number, got ${describe(v)}`;
}

function numericEncoder(c: NumericColumn): (value: unknown, out: Float32Array, offset: number) => string | undefined {
  const { log1p, scaling, mean, std, min, clip } = c;
  const range = c.max - c.min;
  return (value, out, offset) => {
    let x = toNumber(value ?? c.default);
    if (typeof x === 'string') return x;
    if (log1p) {
      if (x <= -1) return `log1p needs a value > -1, got ${x}`;
      x = Math.log1p(x);
    }
    if (scaling === 'standard') x = (x - mean) / std;
    else if (scaling === 'minmax') x = (x - min) / range;
    if (clip !== undefined) x = x < clip[0] ? clip[0] : x > clip[1] ? clip[1] : x;
    out[offset] = x;
    return undefined;
  };
}

function categoryString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if ((typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint') return String(v);
  return undefined;
}

export function compileColumn(c: ColumnSpec): ColumnEncoder {
  const missing = (v: unknown): boolean => v === null || v === undefined;
  switch (c.kind) {
    case 'numeric': {
      const enc = numericEncoder(c);
      return (v, out, offset) => (missing(v) && c.default === undefined ? 'is missing and has no default' : enc(v, out, offset));
    }
    case 'boolean':
      return (v, out, offset) => {
        const b = missing(v) ? c.default : v;
        if (b === undefined) return 'is missing and has no default';
        if (typeof b !== 'boolean') return `expected a boolean, got ${describe(b)}`;
        out[offset] = b ? 1 : 0;
        return undefined;
      };
    case 'equals':
      return (v, out, offset, record) => {
        const other = readField(record, c.otherFieldPath);
        if (missing(v) || missing(other)) {
          if (c.default === undefined) return `${missing(v) ? c.field : c.otherField} is missing and has no default`;
          out[offset] = c.default ? 1 : 0;
          return undefined;
        }
        if (typeof v === 'object' || typeof other === 'object') return 'equals compares strings, numbers or booleans only';
        out[offset] = v === other ? 1 : 0;
        return undefined;
      };
    case 'categorical': {
      const index = new Map(c.vocabulary.map((v, i) => [v, i]));
      const oneHot = c.encoding === 'onehot';
      const shift = c.oov === 'bucket' ? 1 : 0;
      return (v, out, offset) => {
        const s = categoryString(missing(v) ? c.default : v);
        if (s === undefined) return missing(v) ? 'is missing and has no default' : `expected a string, got ${describe(v)}`;
        const i = index.get(s);
        if (i === undefined) {
          if (c.oov === 'error') return `"${s}" is not in the vocabulary`;
          if (oneHot) {
            if (c.oov === 'bucket') out[offset] = 1;
          } else out[offset] = 0;
          return undefined;
        }
        if (oneHot) out[offset + shift + i] = 1;
        else out[offset] = i + 1;
        return undefined;
      };
    }
    case 'hashed': {
      const oneHot = c.encoding === 'onehot';
      return (v, out, offset) => {
        const s = categoryString(missing(v) ? c.default : v);
        if (s === undefined) return missing(v) ? 'is missing and has no default' : `expected a string, got ${describe(v)}`;
        const bucket = fnv1a32(s) % c.buckets;
        if (oneHot) out[offset + bucket] = 1;
        else out[offset] = bucket;
        return undefined;
      };
    }
    case 'timestamp': {
      const shift = c.utcOffsetMinutes * 60_000;
      const parts = c.parts;
      const cyclical = c.cyclical;
      return (v, out, offset) => {
        const raw = missing(v) ? c.default : v;
        if (raw === undefined) return 'is missing and has no default';
        const t = raw instanceof Date ? raw.getTime() : toNumber(raw);
        if (typeof t === 'string') return t;
        if (Number.isNaN(t)) return 'is an invalid Date';
        const local = t + shift;
        let o = offset;
        for (const p of parts) {
          // Hours keep their minutes (a smooth daily cycle); days are whole, Monday = 0 (1970-01-01 was a Thursday).
          const value = p === 'hourOfDay' ? (((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS : (((Math.floor(local / DAY_MS) + 3) % 7) + 7) % 7;
          const period = p === 'hourOfDay' ? 24 : 7;
          if (cyclical) {
            out[o++] = Math.sin((TWO_PI * value) / period);
            out[o++] = Math.cos((TWO_PI * value) / period);
          } else out[o++] = value / period;
        }
        return undefined;
      };
    }
  }
}

/** Reads a possibly dotted field from a record. */
export function readField(record: unknown, path: readonly string[]): unknown {
  let cur = record;
  for (const key of path) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

