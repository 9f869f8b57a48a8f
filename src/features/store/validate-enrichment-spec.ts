/**
 * Validates the `featureSources:` and `streamFeatures:` sections of a function file, collecting every
 * problem with its field path and a fix, like the other section validators.
 */
import { type RawObject, type Validated, SpecReader, joinPath } from '../../inference/spec-reader.js';
import {
  AGGREGATES,
  FRESHNESS_ACTIONS,
  UNAVAILABLE_ACTIONS,
  VALUE_TYPES,
  type FeatureSourceSpec,
  type FreshnessAction,
  type SourceFeatureSpec,
  type StreamFeatureGroupSpec,
  type StreamFeatureSpec,
} from './enrichment-spec.js';
import { parseKeyTemplate } from './key-template.js';

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** "500ms", "30s", "1m", "1h", "7d" or a number of milliseconds. */
export function parseDuration(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(v);
  const unit = m?.[2] === undefined ? undefined : UNITS[m[2]];
  return m?.[1] === undefined || unit === undefined ? undefined : Number(m[1]) * unit;
}

function duration(r: SpecReader, o: RawObject, key: string, path: string, example: string): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  const ms = parseDuration(v);
  if (ms === undefined || ms <= 0) r.error(joinPath(path, key), `expected a positive duration, got ${JSON.stringify(v)}`, `write e.g. ${example} (ms, s, m, h, d) or a number of milliseconds`);
  return ms;
}

function name(r: SpecReader, o: RawObject, key: string, path: string, fallback?: string): string | undefined {
  const n = fallback === undefined ? r.string(o, key, path) : r.string(o, key, path, fallback);
  if (n !== undefined && !NAME.test(n)) r.error(joinPath(path, key), `"${n}" is not a plain name`, 'use letters, digits, _ and -, starting with a letter');
  return n;
}

function readSourceFeature(r: SpecReader, raw: unknown, path: string, source: { name: string; maxAgeMs: number | undefined; onStale: FreshnessAction; onMissing: FreshnessAction }): SourceFeatureSpec | undefined {
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  r.knownKeys(o, ['name', 'as', 'type', 'default', 'maxAgeMs', 'onStale', 'onMissing'], path);
  const before = r.errors.length;
  const n = r.string(o, 'name', path);
  const as = n === undefined ? undefined : r.string(o, 'as', path, `${source.name}_${n}`);
  const type = r.oneOf(o, 'type', path, VALUE_TYPES, 'number') ?? 'number';
  const d = o.default;
  if (d !== undefined && d !== null && typeof d !== (type === 'number' ? 'number' : type)) {
    r.error(joinPath(path, 'default'), `expected a ${type} (the feature's type), got ${JSON.stringify(d)}`, type === 'number' ? 'e.g. default: 0' : undefined);
  }
  const maxAgeMs = o.maxAgeMs === undefined ? source.maxAgeMs : duration(r, o, 'maxAgeMs', path, '1h');
  const onStale = r.oneOf(o, 'onStale', path, FRESHNESS_ACTIONS, source.onStale) ?? source.onStale;
  const onMissing = r.oneOf(o, 'onMissing', path, FRESHNESS_ACTIONS, source.onMissing) ?? source.onMissing;
  const def = d === null || d === undefined ? undefined : (d as number | string | boolean);
  for (const [key, action] of [['onStale', onStale], ['onMissing', onMissing]] as const) {
    if (action === 'default' && def === undefined) {
      r.error(joinPath(path, key), `${key}: default needs a default value`, 'add default: <value> to the feature, or choose score | retry | deadLetter');
    }
  }
  if (n === undefined || as === undefined || r.errors.length > before) return undefined;
  return { name: n, as, type, default: def, maxAgeMs, onStale, onMissing };
}

function readSource(r: SpecReader, raw: unknown, path: string): FeatureSourceSpec | undefined {
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  r.knownKeys(o, ['name', 'store', 'key', 'maxAgeMs', 'onStale', 'onMissing', 'onUnavailable', 'cacheTtlMs', 'features'], path);
  const before = r.errors.length;
  const n = name(r, o, 'name', path);
  r.oneOf(o, 'store', path, ['redis'] as const, 'redis');
  const template = r.string(o, 'key', path);
  const parsed = template === undefined ? undefined : parseKeyTemplate(template);
  if (parsed !== undefined && 'problem' in parsed) r.error(joinPath(path, 'key'), parsed.problem, 'write e.g. "merchant:{merchant_id}"');
  const maxAgeMs = duration(r, o, 'maxAgeMs', path, '1h');
  const onStale = r.oneOf(o, 'onStale', path, FRESHNESS_ACTIONS, 'score') ?? 'score';
  const onMissing = r.oneOf(o, 'onMissing', path, FRESHNESS_ACTIONS, 'default') ?? 'default';
  const onUnavailable = r.oneOf(o, 'onUnavailable', path, UNAVAILABLE_ACTIONS, 'wait') ?? 'wait';
  const cacheTtlMs = o.cacheTtlMs === undefined ? 0 : (duration(r, o, 'cacheTtlMs', path, '1s') ?? 0);
  const list = r.list(o.features, joinPath(path, 'features'));
  const features: SourceFeatureSpec[] = [];
  if (list !== undefined && list.length === 0) r.error(joinPath(path, 'features'), 'must list at least one feature', 'e.g. features: [{ name: risk_score, default: 0 }]');
  list?.forEach((f, i) => {
    const spec = n === undefined ? undefined : readSourceFeature(r, f, joinPath(joinPath(path, 'features'), i), { name: n, maxAgeMs, onStale, onMissing });
    if (spec !== undefined) features.push(spec);
  });
  if (onUnavailable === 'default') {
    features.forEach((f, i) => {
      if (f.default === undefined) r.error(joinPath(joinPath(path, 'features'), i), `onUnavailable: default needs a default for ${f.name}`, 'add default: <value>, or use onUnavailable: wait | retry');
    });
  }
  if (n === undefined || template === undefined || parsed === undefined || 'problem' in parsed || r.errors.length > before) return undefined;
  return { name: n, key: template, keyFields: parsed.fields, features, cacheTtlMs, onUnavailable };
}

/** Validates `featureSources:` (a list of online-store sources). */
export function validateFeatureSources(raw: unknown, path = 'featureSources'): Validated<FeatureSourceSpec[]> {
  const r = new SpecReader();
  const list = r.list(raw, path);
  const out: FeatureSourceSpec[] = [];
  list?.forEach((s, i) => {
    const spec = readSource(r, s, joinPath(path, i));
    if (spec !== undefined) out.push(spec);
  });
  uniqueNames(r, out.map((s) => s.name), (i) => joinPath(joinPath(path, i), 'name'));
  return r.result(out);
}

function readStreamFeature(r: SpecReader, raw: unknown, path: string): StreamFeatureSpec | undefined {
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  r.knownKeys(o, ['as', 'agg', 'field', 'window', 'default', 'unit'], path);
  const before = r.errors.length;
  const as = r.string(o, 'as', path);
  const agg = r.oneOf(o, 'agg', path, AGGREGATES);
  const needsField = agg === 'sum' || agg === 'mean' || agg === 'max' || agg === 'min';
  const field = needsField ? r.string(o, 'field', path) : r.optionalString(o, 'field', path);
  if (!needsField && field !== undefined && agg !== undefined) r.error(joinPath(path, 'field'), `${agg} reads no field`, 'remove field');
  let windowMs = 0;
  if (agg !== undefined && agg !== 'timeSincePrevious') {
    if (o.window === undefined) r.error(joinPath(path, 'window'), `is required for ${agg}`, 'write e.g. window: 1m');
    else windowMs = duration(r, o, 'window', path, '1m') ?? 0;
  } else if (o.window !== undefined) {
    r.error(joinPath(path, 'window'), 'timeSincePrevious has no window', 'remove window');
  }
  const d = o.default === undefined || o.default === null ? undefined : r.number(o, 'default', path);
  const unitMs = o.unit === undefined ? 1 : (duration(r, o, 'unit', path, '1s') ?? 1);
  if (o.unit !== undefined && agg !== 'timeSincePrevious') r.error(joinPath(path, 'unit'), 'only timeSincePrevious takes a unit', 'remove unit');
  if (as === undefined || agg === undefined || r.errors.length > before) return undefined;
  return { as, agg, field, windowMs, default: d, unitMs };
}

function readStreamGroup(r: SpecReader, raw: unknown, path: string): StreamFeatureGroupSpec | undefined {
  const o = r.object(raw, path);
  if (o === undefined) return undefined;
  r.knownKeys(o, ['name', 'key', 'timeField', 'idField', 'maxEventsPerKey', 'features'], path);
  const before = r.errors.length;
  const n = name(r, o, 'name', path);
  const key = r.string(o, 'key', path);
  const timeField = r.string(o, 'timeField', path, 'event_time');
  const idField = o.idField === undefined ? undefined : r.string(o, 'idField', path);
  if (o.idField === undefined) r.error(joinPath(path, 'idField'), 'is required: a field unique per event, so a redelivered event is applied once', 'write e.g. idField: transaction_id');
  const maxEventsPerKey = r.number(o, 'maxEventsPerKey', path, { min: 1, max: 1_000_000, integer: true, default: 10_000 }) ?? 10_000;
  const list = r.list(o.features, joinPath(path, 'features'));
  if (list !== undefined && list.length === 0) r.error(joinPath(path, 'features'), 'must list at least one feature', 'e.g. features: [{ as: tx_count_1m, agg: count, window: 1m }]');
  const features: StreamFeatureSpec[] = [];
  list?.forEach((f, i) => {
    const spec = readStreamFeature(r, f, joinPath(joinPath(path, 'features'), i));
    if (spec !== undefined) features.push(spec);
  });
  if (n === undefined || key === undefined || idField === undefined || r.errors.length > before) return undefined;
  // timeSincePrevious needs only the previous event; keep at least 1 ms of state for it.
  const horizonMs = Math.max(1, ...features.map((f) => f.windowMs));
  return { name: n, key, timeField, idField, features, horizonMs, maxEventsPerKey };
}

/** Validates `streamFeatures:` (a list of per-key rolling aggregate groups). */
export function validateStreamFeatures(raw: unknown, path = 'streamFeatures'): Validated<StreamFeatureGroupSpec[]> {
  const r = new SpecReader();
  const list = r.list(raw, path);
  const out: StreamFeatureGroupSpec[] = [];
  list?.forEach((g, i) => {
    const spec = readStreamGroup(r, g, joinPath(path, i));
    if (spec !== undefined) out.push(spec);
  });
  uniqueNames(r, out.map((g) => g.name), (i) => joinPath(joinPath(path, i), 'name'));
  return r.result(out);
}

function uniqueNames(r: SpecReader, names: readonly string[], field: (i: number) => string): void {
  names.forEach((n, i) => {
    if (names.indexOf(n) !== i) r.error(field(i), `"${n}" is used twice`, 'give each a name of its own');
  });
}
