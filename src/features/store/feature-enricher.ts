/**
 * The BatchEnricher of a function with `featureSources:` and/or `streamFeatures:`. Per micro-batch:
 * one read round trip to Redis for every entity and every key state the batch needs (entities still in
 * the in-process cache are not read), the freshness policy on each looked-up value, the rolling
 * aggregates of each event, and one write of the changed key states (version-checked) — all before the
 * batch is scored, so a state is persisted before any input it includes is acknowledged.
 */
import { FeatureStoreUnavailableError, FeatureValidationError, StreamStateConflictError, StrobeError } from '../../errors.js';
import type { BatchEnricher, EnrichResult } from '../../pipeline/batch-enricher.js';
import type { EnrichmentSpec, FeatureSourceSpec, StreamFeatureGroupSpec } from './enrichment-spec.js';
import { noopEnrichmentObserver, type EnrichmentObserver, type FeatureAction, type FeatureState } from './enrichment-observer.js';
import { FeatureCache } from './feature-cache.js';
import { applyFreshness, MARKS, unavailableOutcome, type FeatureOutcome } from './freshness-policy.js';
import { compileKeyTemplate, keyPart } from './key-template.js';
import { ENTITY_TS_FIELD, TS_SUFFIX, type EntityRead, type ReadResult, type StateWrite, type StoredState } from './redis-feature-store.js';
import { RollingState } from './rolling-state.js';

/** The store operations the enricher needs (RedisFeatureStore; a fake in unit tests). */
export interface FeatureStoreClient {
  readonly ready: boolean;
  readonly isClosed: boolean;
  read(entities: readonly EntityRead[], stateKeys: readonly string[]): Promise<ReadResult>;
  writeStates(writes: readonly StateWrite[]): Promise<Set<string>>;
  waitReady(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface FeatureEnricherOptions {
  readonly functionName: string;
  readonly spec: EnrichmentSpec;
  readonly store: FeatureStoreClient;
  readonly observer?: EnrichmentObserver;
  /** @default Date.now */
  readonly now?: () => number;
  /** State of a key without events for this long (wall clock) is dropped by Redis. @default max(2 × longest window, 1 day) */
  readonly stateTtlMs?: number;
  /** Entities kept in the in-process cache. @default 100000 */
  readonly cacheEntries?: number;
}

interface CompiledSource {
  readonly spec: FeatureSourceSpec;
  readonly entityOf: (record: unknown) => string | undefined;
  /** HMGET fields: value and `@ts` per feature, then the entity `@ts`. */
  readonly fields: readonly string[];
  readonly cache: FeatureCache | undefined;
}

interface CompiledGroup {
  readonly spec: StreamFeatureGroupSpec;
  readonly keyPath: readonly string[];
  readonly timePath: readonly string[];
  readonly idPath: readonly string[];
  /** Aggregated fields, in column order. */
  readonly fields: readonly string[];
  readonly fieldPaths: readonly (readonly string[])[];
  readonly fieldIndex: ReadonlyMap<string, number>;
  readonly stateKeyPrefix: string;
}

type Rec = Record<string, unknown>;

/** Per batch: which row each flat record belongs to, and what each row collected. */
class RowResults {
  readonly errors = new Map<number, Error>();
  readonly marks = new Map<number, Record<string, Set<string>>>();
  readonly ages = new Map<number, number>();
  private readonly counts = new Map<string, { source: string; state: FeatureState; action: FeatureAction; n: number }>();

  error(row: number, err: Error): void {
    const had = this.errors.get(row);
    // A permanent error (dead letter) wins over a retriable one: retrying would not help.
    if (had === undefined || (had instanceof StrobeError && had.retriable && !(err instanceof StrobeError && err.retriable))) this.errors.set(row, err);
  }

  mark(row: number, name: string, value: string): void {
    let m = this.marks.get(row);
    if (m === undefined) this.marks.set(row, (m = {}));
    (m[name] ??= new Set()).add(value);
  }

  age(row: number, ms: number): void {
    if (ms > (this.ages.get(row) ?? -1)) this.ages.set(row, ms);
  }

  count(source: string, state: FeatureState, action: FeatureAction): void {
    const k = `${source}\u0000${state}\u0000${action}`;
    const c = this.counts.get(k);
    if (c === undefined) this.counts.set(k, { source, state, action, n: 1 });
    else c.n++;
  }

  report(observer: EnrichmentObserver): void {
    for (const c of this.counts.values()) observer.featureValues(c.source, c.state, c.action, c.n);
  }
}

function readPath(record: unknown, path: readonly string[]): unknown {
  let v: unknown = record;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Rec)[p];
  }
  return v;
}

function toMs(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  return undefined;
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return null;
}

const WAIT_STEP_MS = 1000;

export class FeatureEnricher implements BatchEnricher {
  private readonly store: FeatureStoreClient;
  private readonly observer: EnrichmentObserver;
  private readonly now: () => number;
  private readonly sources: readonly CompiledSource[];
  private readonly groups: readonly CompiledGroup[];
  private readonly stateTtlMs: number;

  constructor(options: FeatureEnricherOptions) {
    this.store = options.store;
    this.observer = options.observer ?? noopEnrichmentObserver;
    this.now = options.now ?? Date.now;
    this.sources = options.spec.sources.map((spec) => ({
      spec,
      entityOf: compileKeyTemplate(spec.key),
      fields: [...spec.features.flatMap((f) => [f.name, f.name + TS_SUFFIX]), ENTITY_TS_FIELD],
      cache: spec.cacheTtlMs > 0 ? new FeatureCache(options.cacheEntries) : undefined,
    }));
    this.groups = options.spec.stream.map((spec) => {
      const fields = [...new Set(spec.features.flatMap((f) => (f.field === undefined ? [] : [f.field])))];
      return {
        spec,
        keyPath: spec.key.split('.'),
        timePath: spec.timeField.split('.'),
        idPath: spec.idField.split('.'),
        fields,
        fieldPaths: fields.map((f) => f.split('.')),
        fieldIndex: new Map(fields.map((f, i) => [f, i])),
        stateKeyPrefix: `strobe:state:${options.functionName}:${spec.name}:`,
      };
    });
    const longest = Math.max(0, ...options.spec.stream.map((g) => g.horizonMs));
    this.stateTtlMs = options.stateTtlMs ?? Math.max(2 * longest, 86_400_000);
  }

  get ready(): boolean {
    return this.store.ready;
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  async enrich(rows: readonly (readonly unknown[])[], _keys: readonly string[]): Promise<EnrichResult> {
    const out = new RowResults();
    // Records are copied so the enriched fields never leak into anything else holding the decoded input.
    const enriched: Rec[][] = rows.map((r) => r.map((rec) => ({ ...(rec as Rec) })));
    const flat: { row: number; rec: Rec }[] = [];
    enriched.forEach((r, row) => {
      for (const rec of r) flat.push({ row, rec });
    });
    const now = this.now();

    // What to read: per source, the entities not in the cache; per group, the key states.
    const reads: EntityRead[] = [];
    const readAt = this.sources.map(() => new Map<string, number>());
    const cached = this.sources.map(() => new Map<string, readonly (string | null)[]>());
    const entities = this.sources.map((s, si) =>
      flat.map(({ rec }) => {
        const e = s.entityOf(rec);
        if (e === undefined || readAt[si]?.has(e) || cached[si]?.has(e)) return e;
        const hit = s.cache?.get(e, now);
        if (hit !== undefined) cached[si]?.set(e, hit);
        else {
          readAt[si]?.set(e, reads.length);
          reads.push({ key: e, fields: s.fields });
        }
        return e;
      }),
    );
    this.sources.forEach((s, si) => {
      const hits = cached[si]?.size ?? 0;
      if (hits > 0) this.observer.featureCacheHits(s.spec.name, hits);
    });
    const stateKeys: string[] = [];
    const stateAt = new Map<string, number>();
    const stateKeyOf = this.groups.map((g) =>
      flat.map(({ rec }) => {
        const k = keyPart(rec, g.keyPath);
        if (k === undefined) return undefined;
        const sk = g.stateKeyPrefix + k;
        if (!stateAt.has(sk)) {
          stateAt.set(sk, stateKeys.length);
          stateKeys.push(sk);
        }
        return sk;
      }),
    );

    const mustWait = stateKeys.length > 0 || this.sources.some((s, si) => s.spec.onUnavailable === 'wait' && (readAt[si]?.size ?? 0) > 0);
    const result = await this.readOnce(reads, stateKeys, mustWait);

    this.sources.forEach((s, si) => this.applySource(s, flat, entities[si] ?? [], (e) => cached[si]?.get(e) ?? (result instanceof Error ? undefined : result.entities[readAt[si]?.get(e) ?? -1]), result instanceof Error ? result : undefined, now, out));
    if (this.groups.length > 0) {
      if (result instanceof Error) for (const { row } of flat) out.error(row, result);
      else await this.applyStream(flat, stateKeyOf, result.states.map((st, i) => ({ key: stateKeys[i] ?? '', st })), out);
    }

    out.report(this.observer);
    const marks = new Map<number, Record<string, string>>();
    for (const [row, m] of out.marks) marks.set(row, Object.fromEntries(Object.entries(m).map(([k, v]) => [k, [...v].sort().join(',')])));
    return { rows: enriched, errors: out.errors, marks, oldestFeatureAgeMs: out.ages };
  }

  /** One read round trip; while the store is down, waits for it when `mustWait`, else returns the error. */
  private async readOnce(reads: readonly EntityRead[], stateKeys: readonly string[], mustWait: boolean): Promise<ReadResult | FeatureStoreUnavailableError> {
    if (reads.length === 0 && stateKeys.length === 0) return { entities: [], states: [] };
    for (;;) {
      const t0 = performance.now();
      try {
        const r = await this.store.read(reads, stateKeys);
        this.observer.featureStoreCall('read', performance.now() - t0, true);
        return r;
      } catch (err) {
        this.observer.featureStoreCall('read', performance.now() - t0, false);
        const e = err instanceof FeatureStoreUnavailableError ? err : new FeatureStoreUnavailableError(String(err), { cause: err });
        if (!mustWait || this.store.isClosed) return e;
        await this.store.waitReady(WAIT_STEP_MS);
      }
    }
  }

  private applySource(
    s: CompiledSource,
    flat: readonly { row: number; rec: Rec }[],
    entities: readonly (string | undefined)[],
    fieldsOf: (entity: string) => readonly (string | null)[] | undefined,
    unavailable: FeatureStoreUnavailableError | undefined,
    now: number,
    out: RowResults,
  ): void {
    const spec = s.spec;
    const seen = new Set<string>();
    const notFresh = new Set<string>();
    flat.forEach(({ row, rec }, i) => {
      const entity = entities[i];
      if (unavailable !== undefined && entity !== undefined && fieldsOf(entity) === undefined) {
        // Not cached and the store did not answer.
        if (spec.onUnavailable === 'retry' || spec.onUnavailable === 'wait') {
          out.error(row, unavailable);
          for (let k = 0; k < spec.features.length; k++) out.count(spec.name, 'unavailable', 'retry');
          return;
        }
        for (const f of spec.features) {
          this.put(rec, f.as, unavailableOutcome(f).value);
          out.count(spec.name, 'unavailable', 'default');
        }
        out.mark(row, MARKS.unavailable, spec.name);
        return;
      }
      const fields = entity === undefined ? undefined : fieldsOf(entity);
      const entityTs = Number(fields?.[fields.length - 1] ?? NaN);
      let oldest = -1;
      spec.features.forEach((f, k) => {
        const tsText = fields?.[2 * k + 1];
        const ts = tsText !== null && tsText !== undefined ? Number(tsText) : Number.isFinite(entityTs) ? entityTs : undefined;
        const o: FeatureOutcome = applyFreshness(f, fields?.[2 * k], ts !== undefined && Number.isFinite(ts) ? ts : undefined, now, entity ?? `${spec.key} (no key)`);
        out.count(spec.name, o.state, o.action);
        if (o.error !== undefined) out.error(row, o.error);
        this.put(rec, f.as, o.value);
        if (o.ageMs !== undefined && o.ageMs > oldest) oldest = o.ageMs;
        if (o.state === 'stale' && o.action === 'used') out.mark(row, MARKS.stale, f.as);
        else if (o.action === 'default') out.mark(row, MARKS.defaulted, f.as);
        else if (o.state === 'missing' && o.action === 'used') out.mark(row, MARKS.missing, f.as);
        if (entity !== undefined && o.state !== 'fresh') notFresh.add(entity);
      });
      if (oldest >= 0) {
        out.age(row, oldest);
        this.observer.featureSourceAge(spec.name, oldest);
      }
      if (entity !== undefined) seen.add(entity);
    });
    if (s.cache === undefined || unavailable !== undefined) return;
    for (const entity of seen) {
      if (notFresh.has(entity)) continue;
      const fields = fieldsOf(entity);
      if (fields === undefined) continue;
      s.cache.set(entity, fields, this.expiry(s, fields, now));
    }
  }

  /** Cache expiry: `cacheTtlMs` from now, but never past the moment a value turns stale. */
  private expiry(s: CompiledSource, fields: readonly (string | null)[], now: number): number {
    let at = now + s.spec.cacheTtlMs;
    const entityTs = Number(fields[fields.length - 1] ?? NaN);
    s.spec.features.forEach((f, k) => {
      if (f.maxAgeMs === undefined) return;
      const tsText = fields[2 * k + 1];
      const ts = tsText !== null && tsText !== undefined ? Number(tsText) : entityTs;
      if (Number.isFinite(ts)) at = Math.min(at, ts + f.maxAgeMs);
    });
    return at;
  }

  private put(rec: Rec, field: string, value: unknown): void {
    rec[field] = value === undefined ? null : value;
  }

  private async applyStream(
    flat: readonly { row: number; rec: Rec }[],
    stateKeyOf: readonly (readonly (string | undefined)[])[],
    stored: readonly { key: string; st: StoredState }[],
    out: RowResults,
  ): Promise<void> {
    const states = new Map<string, { version: number; state: RollingState; changed: boolean; rows: number[] }>();
    const groupOfKey = new Map<string, CompiledGroup>();
    this.groups.forEach((g, gi) => {
      for (const sk of stateKeyOf[gi] ?? []) if (sk !== undefined) groupOfKey.set(sk, g);
    });
    for (const { key, st } of stored) {
      const g = groupOfKey.get(key);
      if (g !== undefined) states.set(key, { version: st.version, state: RollingState.decode(st.data, g.fields.length), changed: false, rows: [] });
    }
    this.groups.forEach((g, gi) => {
      flat.forEach(({ row, rec }, i) => {
        const sk = stateKeyOf[gi]?.[i];
        const t = toMs(readPath(rec, g.timePath));
        const idv = readPath(rec, g.idPath);
        const id = typeof idv === 'string' ? idv : typeof idv === 'number' || typeof idv === 'bigint' ? String(idv) : undefined;
        const entry = sk === undefined ? undefined : states.get(sk);
        if (entry === undefined || t === undefined || id === undefined) {
          const what = sk === undefined ? g.spec.key : t === undefined ? g.spec.timeField : g.spec.idField;
          out.error(row, new FeatureValidationError(what, `${what}: needed by streamFeatures ${g.spec.name}, but absent or of the wrong type`));
          for (const f of g.spec.features) this.put(rec, f.as, undefined);
          return;
        }
        if (entry.state.apply(t, id, g.fieldPaths.map((p) => toNumber(readPath(rec, p))))) entry.changed = true;
        entry.rows.push(row);
        const values = entry.state.compute(t, id, g.spec.features, g.fieldIndex);
        for (const f of g.spec.features) this.put(rec, f.as, values[f.as]);
      });
    });
    const writes: StateWrite[] = [];
    for (const [key, e] of states) {
      if (!e.changed) continue;
      const g = groupOfKey.get(key);
      if (g !== undefined) e.state.evict(g.spec.horizonMs, g.spec.maxEventsPerKey);
      writes.push({ key, expectedVersion: e.version, data: e.state.encode(), ttlMs: this.stateTtlMs });
    }
    const conflicts = await this.writeStates(writes);
    if (conflicts instanceof Error) {
      for (const e of states.values()) for (const row of e.rows) out.error(row, conflicts);
      return;
    }
    for (const key of conflicts) for (const row of states.get(key)?.rows ?? []) out.error(row, new StreamStateConflictError(key));
  }

  /**
   * Writes the batch's states; waits while the store is down (the inputs are not acknowledged yet, so
   * waiting loses nothing). A write whose reply was lost is retried and then conflicts with itself: the
   * rows are retried and re-applied from the stored state, which is idempotent.
   */
  private async writeStates(writes: readonly StateWrite[]): Promise<Set<string> | FeatureStoreUnavailableError> {
    if (writes.length === 0) return new Set();
    for (;;) {
      const t0 = performance.now();
      try {
        const r = await this.store.writeStates(writes);
        this.observer.featureStoreCall('write', performance.now() - t0, true);
        return r;
      } catch (err) {
        this.observer.featureStoreCall('write', performance.now() - t0, false);
        if (this.store.isClosed) return err instanceof FeatureStoreUnavailableError ? err : new FeatureStoreUnavailableError(String(err), { cause: err });
        await this.store.waitReady(WAIT_STEP_MS);
      }
    }
  }
}
