/**
 * Applies a looked-up feature's freshness policy to the value read from the store: decides whether it
 * is fresh, stale or missing, and what the row gets (the value, the default, nothing) or whether the
 * row must be retried or dead-lettered.
 */
import { MissingFeatureError, StaleFeatureError } from '../../errors.js';
import type { FreshnessAction, SourceFeatureSpec } from './enrichment-spec.js';
import type { FeatureAction, FeatureState } from './enrichment-observer.js';

export type FeatureValue = number | string | boolean;

export interface FeatureOutcome {
  readonly state: FeatureState;
  readonly action: FeatureAction;
  /** Written to the record; undefined leaves the field empty. */
  readonly value: FeatureValue | undefined;
  /** Age of the value used (set when a stored value with a known time was used). */
  readonly ageMs: number | undefined;
  readonly error: StaleFeatureError | MissingFeatureError | undefined;
}

/** Property names of output marks. */
export const MARKS = {
  stale: 'strobe.features.stale',
  defaulted: 'strobe.features.defaulted',
  missing: 'strobe.features.missing',
  unavailable: 'strobe.features.unavailable',
} as const;

export function parseValue(text: string | null | undefined, type: SourceFeatureSpec['type']): FeatureValue | undefined {
  if (text === null || text === undefined) return undefined;
  switch (type) {
    case 'string':
      return text;
    case 'boolean':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : undefined;
    case 'number': {
      const n = text.trim() === '' ? NaN : Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
  }
}

function actOn(state: 'stale' | 'missing', action: FreshnessAction, f: SourceFeatureSpec, value: FeatureValue | undefined, ageMs: number | undefined, entity: string): FeatureOutcome {
  const error =
    action === 'retry' || action === 'deadLetter'
      ? state === 'stale'
        ? new StaleFeatureError(f.as, ageMs ?? Infinity, f.maxAgeMs ?? 0, action === 'retry', { context: { entity } })
        : new MissingFeatureError(f.as, entity, action === 'retry')
      : undefined;
  switch (action) {
    case 'default':
      return { state, action: 'default', value: f.default, ageMs: undefined, error: undefined };
    case 'score':
      return { state, action: 'used', value, ageMs: state === 'stale' ? ageMs : undefined, error: undefined };
    case 'retry':
    case 'deadLetter':
      return { state, action, value: undefined, ageMs: undefined, error };
  }
}

/**
 * `text` and `ts` as read from the entity hash (`ts` from the feature's `@ts` field, else the entity's);
 * a value without a known time cannot be shown fresh, so with a maxAgeMs it counts as stale.
 */
export function applyFreshness(f: SourceFeatureSpec, text: string | null | undefined, ts: number | undefined, now: number, entity: string): FeatureOutcome {
  const value = parseValue(text, f.type);
  if (value === undefined) return actOn('missing', f.onMissing, f, undefined, undefined, entity);
  const ageMs = ts === undefined ? undefined : Math.max(0, now - ts);
  if (f.maxAgeMs !== undefined && (ageMs === undefined || ageMs > f.maxAgeMs)) return actOn('stale', f.onStale, f, value, ageMs, entity);
  return { state: 'fresh', action: 'used', value, ageMs, error: undefined };
}

/** The outcome when the store could not be read and the source's policy is `default`. */
export function unavailableOutcome(f: SourceFeatureSpec): FeatureOutcome {
  return { state: 'unavailable', action: 'default', value: f.default, ageMs: undefined, error: undefined };
}
