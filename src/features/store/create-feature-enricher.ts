/**
 * Builds the enricher of one function from its `featureSources:` / `streamFeatures:` and the worker's
 * feature store settings, connected (or reconnecting) to Redis.
 */
import type { EnrichmentSpec } from './enrichment-spec.js';
import type { EnrichmentObserver } from './enrichment-observer.js';
import { FeatureEnricher } from './feature-enricher.js';
import { RedisFeatureStore } from './redis-feature-store.js';

export interface FeatureStoreSettings {
  readonly url: string;
  readonly commandTimeoutMs: number;
}

export interface CreateFeatureEnricherOptions {
  readonly functionName: string;
  readonly spec: EnrichmentSpec | undefined;
  readonly store: FeatureStoreSettings;
  readonly observer?: EnrichmentObserver;
  /** Hears each change of the store connection's readiness (e.g. to drive /readyz). */
  readonly onReadyChange?: (ready: boolean) => void;
}

/** The enricher, or undefined for a function without enrichment. Resolves even if Redis is down now. */
export async function createFeatureEnricher(o: CreateFeatureEnricherOptions): Promise<FeatureEnricher | undefined> {
  if (o.spec === undefined || (o.spec.sources.length === 0 && o.spec.stream.length === 0)) return undefined;
  const store = new RedisFeatureStore({ url: o.store.url, commandTimeoutMs: o.store.commandTimeoutMs });
  store.onReadyChange((ready) => {
    o.observer?.featureStoreReady?.(ready);
    o.onReadyChange?.(ready);
  });
  await store.connect();
  o.observer?.featureStoreReady?.(store.ready);
  o.onReadyChange?.(store.ready);
  return new FeatureEnricher({ functionName: o.functionName, spec: o.spec, store, ...(o.observer === undefined ? {} : { observer: o.observer }) });
}
