import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FeatureStoreUnavailableError, MissingFeatureError, StaleFeatureError, StreamStateConflictError, FeatureValidationError } from '../../../../src/errors.js';
import { FeatureEnricher, type FeatureStoreClient } from '../../../../src/features/store/feature-enricher.js';
import type { EnrichmentSpec } from '../../../../src/features/store/enrichment-spec.js';
import type { EntityRead, ReadResult, StateWrite } from '../../../../src/features/store/redis-feature-store.js';
import { validateFeatureSources, validateStreamFeatures } from '../../../../src/features/store/validate-enrichment-spec.js';
import type { EnrichmentObserver } from '../../../../src/features/store/enrichment-observer.js';

/** An in-memory store with the same semantics as RedisFeatureStore; can be taken down. */
class FakeStore implements FeatureStoreClient {
  readonly hashes = new Map<string, Map<string, string>>();
  reads = 0;
  writes = 0;
  down = false;
  isClosed = false;
  /** Called before a state write, to simulate another writer. */
  beforeWrite: (() => void) | undefined;

  get ready(): boolean {
    return !this.down;
  }

  set(key: string, fields: Record<string, string | number>): void {
    const h = this.hashes.get(key) ?? new Map<string, string>();
    for (const [k, v] of Object.entries(fields)) h.set(k, String(v));
    this.hashes.set(key, h);
  }

  async read(entities: readonly EntityRead[], stateKeys: readonly string[]): Promise<ReadResult> {
    this.reads++;
    if (this.down) throw new FeatureStoreUnavailableError('down');
    const get = (k: string, f: string): string | null => this.hashes.get(k)?.get(f) ?? null;
    return {
      entities: entities.map((e) => e.fields.map((f) => get(e.key, f))),
      states: stateKeys.map((k) => ({ version: Number(get(k, 'v') ?? 0), data: get(k, 's') })),
    };
  }

  async writeStates(writes: readonly StateWrite[]): Promise<Set<string>> {
    this.writes++;
    if (this.down) throw new FeatureStoreUnavailableError('down');
    this.beforeWrite?.();
    const conflicts = new Set<string>();
    for (const w of writes) {
      const v = Number(this.hashes.get(w.key)?.get('v') ?? 0);
      if (v !== w.expectedVersion) conflicts.add(w.key);
      else this.set(w.key, { v: v + 1, s: w.data });
    }
    return conflicts;
  }

  async waitReady(timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.down && !this.isClosed && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    return !this.down;
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }
}

const NOW = 1_700_000_000_000;

function spec(sources: unknown, stream?: unknown): EnrichmentSpec {
  const s = validateFeatureSources(sources);
  const g = stream === undefined ? { value: [], errors: [] } : validateStreamFeatures(stream);
  assert.deepEqual([...s.errors, ...g.errors], []);
  return { sources: s.value ?? [], stream: g.value ?? [] };
}

const MERCHANT = {
  name: 'merchant',
  key: 'merchant:{merchant_id}',
  maxAgeMs: 60_000,
  features: [
    { name: 'risk', default: 0.5, onStale: 'default', onMissing: 'default' },
    { name: 'cb_rate', as: 'chargebacks', onStale: 'score', onMissing: 'score' },
  ],
};

function rec(i: number, merchant: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: `t${i}`, card: `c${i % 3}`, merchant_id: merchant, amount: 10 * (i + 1), event_time: NOW - 10_000 + i * 1000, ...extra };
}

interface Counted { values: Map<string, number>; calls: { op: string; ok: boolean }[]; hits: number }
function recorder(): EnrichmentObserver & Counted {
  const c: Counted = { values: new Map(), calls: [], hits: 0 };
  return Object.assign(c, {
    featureValues: (source: string, state: string, action: string, n: number) => c.values.set(`${source}/${state}/${action}`, (c.values.get(`${source}/${state}/${action}`) ?? 0) + n),
    featureSourceAge: () => undefined,
    featureStoreCall: (op: string, _ms: number, ok: boolean) => c.calls.push({ op, ok }),
    featureCacheHits: (_s: string, n: number) => {
      c.hits += n;
    },
  });
}

describe('FeatureEnricher', () => {
  it('reads every entity of a batch in one round trip and applies fresh, stale and missing policies per feature', async () => {
    const store = new FakeStore();
    store.set('merchant:m1', { risk: 0.9, 'risk@ts': NOW - 1000, cb_rate: 0.02, 'cb_rate@ts': NOW - 1000 });
    store.set('merchant:m2', { risk: 0.8, 'risk@ts': NOW - 120_000, cb_rate: 0.03, '@ts': NOW - 90_000 });
    const observer = recorder();
    const e = new FeatureEnricher({ functionName: 'f', spec: spec([MERCHANT]), store, observer, now: () => NOW });
    const rows = [[rec(0, 'm1')], [rec(1, 'm2')], [rec(2, 'm3')], [rec(3, 'm1')]];
    const r = await e.enrich(rows, ['c0', 'c1', 'c2', 'c0']);
    assert.equal(store.reads, 1, 'one round trip for the batch');
    const out = r.rows.map((row) => row[0] as Record<string, unknown>);
    assert.equal(out[0]?.merchant_risk, 0.9);
    assert.equal(out[0]?.chargebacks, 0.02);
    assert.equal(r.marks.get(0), undefined, 'fresh values leave no mark');
    assert.equal(r.oldestFeatureAgeMs.get(0), 1000);
    // m2: risk stale (120 s > 60 s) → default; cb_rate has no own @ts, the entity's (90 s) → stale, scored.
    assert.equal(out[1]?.merchant_risk, 0.5);
    assert.equal(out[1]?.chargebacks, 0.03);
    assert.deepEqual(r.marks.get(1), { 'strobe.features.defaulted': 'merchant_risk', 'strobe.features.stale': 'chargebacks' });
    assert.equal(r.oldestFeatureAgeMs.get(1), 90_000, 'the stale value used counts in the oldest age');
    // m3 missing: risk → default, chargebacks scored empty.
    assert.equal(out[2]?.merchant_risk, 0.5);
    assert.equal(out[2]?.chargebacks, null);
    assert.deepEqual(r.marks.get(2), { 'strobe.features.defaulted': 'merchant_risk', 'strobe.features.missing': 'chargebacks' });
    assert.equal(r.errors.size, 0);
    assert.equal(rows[0]?.[0] && 'merchant_risk' in (rows[0][0] as object), false, 'input records are not modified');
    assert.equal(observer.values.get('merchant/fresh/used'), 4);
    assert.equal(observer.values.get('merchant/stale/default'), 1);
    assert.equal(observer.values.get('merchant/stale/used'), 1);
    assert.equal(observer.values.get('merchant/missing/default'), 1);
    assert.equal(observer.values.get('merchant/missing/used'), 1);
  });

  it('retry and deadLetter policies fail only the rows concerned, with retriable and permanent errors', async () => {
    const store = new FakeStore();
    store.set('merchant:old', { risk: 1, '@ts': NOW - 3_600_000 });
    const src = { name: 'merchant', key: 'merchant:{merchant_id}', maxAgeMs: 60_000, onStale: 'retry', onMissing: 'deadLetter', features: [{ name: 'risk' }] };
    const e = new FeatureEnricher({ functionName: 'f', spec: spec([src]), store, now: () => NOW });
    const r = await e.enrich([[rec(0, 'old')], [rec(1, 'none')], [{ id: 'x' }]], ['', '', '']);
    const stale = r.errors.get(0);
    assert.ok(stale instanceof StaleFeatureError && stale.retriable && stale.ageMs === 3_600_000);
    const missing = r.errors.get(1);
    assert.ok(missing instanceof MissingFeatureError && !missing.retriable);
    assert.ok(r.errors.get(2) instanceof MissingFeatureError, 'a record without the key field has no entity: missing');
  });

  it('serves cached entities until cacheTtlMs or until a value would turn stale, whichever is first', async () => {
    const store = new FakeStore();
    let now = NOW;
    store.set('merchant:m1', { risk: 0.9, 'risk@ts': NOW - 55_000, cb_rate: 0.1, 'cb_rate@ts': NOW });
    const observer = recorder();
    const e = new FeatureEnricher({ functionName: 'f', spec: spec([{ ...MERCHANT, cacheTtlMs: 30_000 }]), store, observer, now: () => now });
    await e.enrich([[rec(0, 'm1')]], ['']);
    store.set('merchant:m1', { risk: 0.1, 'risk@ts': NOW });
    now = NOW + 4000;
    const cachedRead = await e.enrich([[rec(1, 'm1')]], ['']);
    assert.equal(store.reads, 1, 'second batch served from the cache');
    assert.equal((cachedRead.rows[0]?.[0] as Record<string, unknown>).merchant_risk, 0.9);
    assert.equal(observer.hits, 1);
    now = NOW + 5001; // risk (55 s old at NOW) passes maxAgeMs 60 s: the entry must not be served
    const reread = await e.enrich([[rec(2, 'm1')]], ['']);
    assert.equal(store.reads, 2);
    assert.equal((reread.rows[0]?.[0] as Record<string, unknown>).merchant_risk, 0.1, 'the fresher stored value');
    assert.equal(reread.marks.get(0), undefined);
  });

  it('while the store is down: retry fails the rows, default scores with defaults and marks, wait holds the batch until it returns', async () => {
    const store = new FakeStore();
    store.down = true;
    const retry = new FeatureEnricher({ functionName: 'f', spec: spec([{ ...MERCHANT, onUnavailable: 'retry' }]), store, now: () => NOW });
    const r1 = await retry.enrich([[rec(0, 'm1')]], ['']);
    assert.ok(r1.errors.get(0) instanceof FeatureStoreUnavailableError);
    assert.equal((r1.errors.get(0) as FeatureStoreUnavailableError).retriable, true);

    const dflt = new FeatureEnricher({ functionName: 'f', spec: spec([{ ...MERCHANT, onUnavailable: 'default', features: [{ name: 'risk', default: 0.5 }] }]), store, now: () => NOW });
    const r2 = await dflt.enrich([[rec(0, 'm1')]], ['']);
    assert.equal(r2.errors.size, 0);
    assert.equal((r2.rows[0]?.[0] as Record<string, unknown>).merchant_risk, 0.5);
    assert.deepEqual(r2.marks.get(0), { 'strobe.features.unavailable': 'merchant' });

    store.set('merchant:m1', { risk: 0.9, '@ts': NOW });
    const wait = new FeatureEnricher({ functionName: 'f', spec: spec([MERCHANT]), store, now: () => NOW });
    assert.equal(wait.ready, false);
    const pending = wait.enrich([[rec(0, 'm1')]], ['']);
    let settled = false;
    void pending.then(() => (settled = true));
    const deadline = Date.now() + 5000;
    while (store.reads < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(settled, false, 'held while the store is down');
    store.down = false;
    const r3 = await pending;
    assert.equal(r3.errors.size, 0);
    assert.equal((r3.rows[0]?.[0] as Record<string, unknown>).merchant_risk, 0.9);
  });

  describe('stream features', () => {
    const STREAM = [{ name: 'card', key: 'card', idField: 'id', features: [{ as: 'n1m', agg: 'count', window: '1m' }, { as: 'sum1m', agg: 'sum', field: 'amount', window: '1m' }, { as: 'gap_s', agg: 'timeSincePrevious', unit: '1s', default: -1 }] }];

    it('reads key states with the lookups (one read), writes changed states once, and continues from the stored state', async () => {
      const store = new FakeStore();
      const mk = (): FeatureEnricher => new FeatureEnricher({ functionName: 'f', spec: spec([MERCHANT], STREAM), store, now: () => NOW });
      const a = mk();
      const r1 = await a.enrich([[rec(0, 'm1')], [rec(3, 'm1')], [rec(1, 'm1')]], ['', '', '']);
      assert.equal(store.reads, 1);
      assert.equal(store.writes, 1);
      const o1 = r1.rows.map((r) => r[0] as Record<string, unknown>);
      assert.deepEqual([o1[0]?.n1m, o1[1]?.n1m, o1[2]?.n1m], [1, 2, 1]);
      assert.deepEqual([o1[0]?.gap_s, o1[1]?.gap_s], [-1, 3]);
      // Another enricher (a restarted worker, or the key's new owner) continues from Redis.
      const b = mk();
      const r2 = await b.enrich([[rec(6, 'm1')]], ['']);
      const o2 = r2.rows[0]?.[0] as Record<string, unknown>;
      assert.equal(o2.n1m, 3, 'c0: t0, t3, t6');
      assert.equal(o2.sum1m, 10 + 40 + 70);
      assert.equal(o2.gap_s, 3);
      // A redelivery of t3 changes nothing and gets the same features.
      const writes = store.writes;
      const r3 = await b.enrich([[rec(3, 'm1')]], ['']);
      assert.equal((r3.rows[0]?.[0] as Record<string, unknown>).n1m, 2);
      assert.equal(store.writes, writes, 'nothing new to write');
    });

    it('a concurrent writer makes the rows of that key retriable; other keys are kept', async () => {
      const store = new FakeStore();
      const e = new FeatureEnricher({ functionName: 'f', spec: spec([], STREAM), store, now: () => NOW });
      store.beforeWrite = () => store.set('strobe:state:f:card:c0', { v: 7 });
      const r = await e.enrich([[rec(0, 'm')], [rec(1, 'm')]], ['', '']);
      assert.ok(r.errors.get(0) instanceof StreamStateConflictError);
      assert.equal(r.errors.get(1), undefined);
    });

    it('a record without the time or id field is dead-lettered (permanent)', async () => {
      const e = new FeatureEnricher({ functionName: 'f', spec: spec([], STREAM), store: new FakeStore(), now: () => NOW });
      const r = await e.enrich([[rec(0, 'm', { event_time: null })]], ['']);
      assert.ok(r.errors.get(0) instanceof FeatureValidationError);
    });
  });
});
