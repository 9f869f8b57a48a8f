/**
 * The enrichment step between decode and features: adds looked-up and in-stream features to a batch's
 * records with one round trip per batch (see src/features for implementations). A row is one record
 * (`mode: event`) or one key's window (`mode: key`), as in BatchScorer.
 */
export interface EnrichResult {
  /** The rows with their records enriched (same shape and order as given). */
  readonly rows: readonly (readonly unknown[])[];
  /** Rows that must not be scored now: a permanent error dead-letters them, a retriable one nacks them. */
  readonly errors: ReadonlyMap<number, Error>;
  /** Properties to put on a row's output (e.g. which features were stale or defaulted). */
  readonly marks: ReadonlyMap<number, Readonly<Record<string, string>>>;
  /** Age in ms of the oldest feature value a row used, for outputs and the feature-age metric. */
  readonly oldestFeatureAgeMs: ReadonlyMap<number, number>;
}

export interface BatchEnricher {
  enrich(rows: readonly (readonly unknown[])[], keys: readonly string[]): Promise<EnrichResult>;
  /** False while a required store is unreachable (the function reports not ready). */
  readonly ready: boolean;
  close(): Promise<void>;
}
