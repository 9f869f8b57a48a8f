/**
 * Types of the `featureSources:` (online store lookups with freshness limits) and `streamFeatures:`
 * (per-key rolling aggregates computed in the worker) sections of a function file. Both add fields to
 * each input record before `features:` maps it to tensors, under the names given by `as`.
 */

/** What to do with a looked-up value that is older than `maxAgeMs` (stale) or absent (missing). */
export const FRESHNESS_ACTIONS = ['default', 'retry', 'deadLetter', 'score'] as const;
/**
 * - default: use the declared default and mark the output (`strobe.features.defaulted`)
 * - retry: negatively acknowledge the input, try again later (dead letter after maxMessageRetries)
 * - deadLetter: send the input to the dead-letter topic with the reason
 * - score: use the value as it is (stale) or leave the field empty (missing) and mark the output
 */
export type FreshnessAction = (typeof FRESHNESS_ACTIONS)[number];

/** What to do with a batch while the store does not answer. */
export const UNAVAILABLE_ACTIONS = ['wait', 'retry', 'default'] as const;
/**
 * - wait: hold the batch until the store answers again (consumption stops by backpressure, nothing is nacked)
 * - retry: negatively acknowledge the batch's inputs now
 * - default: score with the declared defaults, marked `strobe.features.unavailable` (lookups only)
 */
export type UnavailableAction = (typeof UNAVAILABLE_ACTIONS)[number];

export const VALUE_TYPES = ['number', 'string', 'boolean'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export interface SourceFeatureSpec {
  /** Field of the entity's Redis hash. */
  readonly name: string;
  /** Record field the value is written to. @default `<source>_<name>` */
  readonly as: string;
  /** @default "number" */
  readonly type: ValueType;
  /** Used by the `default` actions; without one a `default` action leaves the field empty. */
  readonly default: number | string | boolean | undefined;
  /** Oldest acceptable value; `undefined`: no limit. @default the source's */
  readonly maxAgeMs: number | undefined;
  readonly onStale: FreshnessAction;
  readonly onMissing: FreshnessAction;
}

export interface FeatureSourceSpec {
  /** Short name, used in metrics labels and marks. */
  readonly name: string;
  /** Entity key template, e.g. `merchant:{merchant_id}`: `{field}` takes a record field (dotted allowed). */
  readonly key: string;
  /** The record fields the key template reads, in order. */
  readonly keyFields: readonly string[];
  readonly features: readonly SourceFeatureSpec[];
  /** In-process cache lifetime of a looked-up entity; 0 turns it off. Never serves a value past its maxAgeMs. @default 0 */
  readonly cacheTtlMs: number;
  /** @default "wait" */
  readonly onUnavailable: UnavailableAction;
}

export const AGGREGATES = ['count', 'sum', 'mean', 'max', 'min', 'timeSincePrevious'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export interface StreamFeatureSpec {
  /** Record field the value is written to. */
  readonly as: string;
  readonly agg: Aggregate;
  /** Record field aggregated (sum, mean, max, min). */
  readonly field: string | undefined;
  /** Window length for count, sum, mean, max, min: events of the key with event time in (t - window, t]. */
  readonly windowMs: number;
  /** Value when there is nothing to aggregate (mean, max, min over no value; timeSincePrevious of a first event). */
  readonly default: number | undefined;
  /** timeSincePrevious: divide milliseconds by this (1000: seconds). @default 1 */
  readonly unitMs: number;
}

export interface StreamFeatureGroupSpec {
  /** Short name: part of the Redis state key and of metrics labels. */
  readonly name: string;
  /** Record field whose value is the aggregation key (e.g. card_id). */
  readonly key: string;
  /** Record field holding the event time in epoch ms (or a Date). @default "event_time" */
  readonly timeField: string;
  /** Record field unique per event (e.g. transaction_id): a redelivered event is applied once. */
  readonly idField: string;
  readonly features: readonly StreamFeatureSpec[];
  /** Longest window; state older than this (relative to the key's newest event) is dropped. */
  readonly horizonMs: number;
  /** Most events kept per key; older ones beyond it are dropped (aggregates become approximate). @default 10000 */
  readonly maxEventsPerKey: number;
}

export interface EnrichmentSpec {
  readonly sources: readonly FeatureSourceSpec[];
  readonly stream: readonly StreamFeatureGroupSpec[];
}

/** The record fields enrichment adds (they may be used by `features:` and `outputs:` like input fields). */
export function enrichedFields(spec: EnrichmentSpec): string[] {
  return [...spec.sources.flatMap((s) => s.features.map((f) => f.as)), ...spec.stream.flatMap((g) => g.features.map((f) => f.as))];
}

/** The input record fields enrichment reads, each with the config field that names it. */
export function fieldsRead(spec: EnrichmentSpec, sourcesPath = 'featureSources', streamPath = 'streamFeatures'): { field: string; where: string }[] {
  const out: { field: string; where: string }[] = [];
  spec.sources.forEach((s, i) => {
    for (const f of s.keyFields) out.push({ field: f, where: `${sourcesPath}[${i}].key` });
  });
  spec.stream.forEach((g, i) => {
    const at = `${streamPath}[${i}]`;
    out.push({ field: g.key, where: `${at}.key` }, { field: g.timeField, where: `${at}.timeField` }, { field: g.idField, where: `${at}.idField` });
    g.features.forEach((f, j) => {
      if (f.field !== undefined) out.push({ field: f.field, where: `${at}.features[${j}].field` });
    });
  });
  return out;
}
