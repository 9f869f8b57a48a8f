/** What the enricher reports; FunctionMetrics implements it (src/metrics). Every method is cheap. */

/** fresh: within maxAgeMs; stale: older; missing: absent; unavailable: the store did not answer. */
export type FeatureState = 'fresh' | 'stale' | 'missing' | 'unavailable';
/** What was done with the value: used as read, replaced by the default, or the input retried / dead-lettered. */
export type FeatureAction = 'used' | 'default' | 'retry' | 'deadLetter';

export interface EnrichmentObserver {
  /** `n` looked-up values of `source` in `state`, handled by `action`. */
  featureValues(source: string, state: FeatureState, action: FeatureAction, n: number): void;
  /** Age of a value of `source` used for scoring. */
  featureSourceAge(source: string, ageMs: number): void;
  /** One round trip to the store (`read` or `write`), its time and whether it succeeded. */
  featureStoreCall(op: 'read' | 'write', ms: number, ok: boolean): void;
  /** Entities served from the in-process cache instead of the store. */
  featureCacheHits(source: string, n: number): void;
  /** The store connection became ready (true) or was lost (false). */
  featureStoreReady?(ready: boolean): void;
}

const noop = (): void => {};
export const noopEnrichmentObserver: EnrichmentObserver = {
  featureValues: noop,
  featureSourceAge: noop,
  featureStoreCall: noop,
  featureCacheHits: noop,
};
