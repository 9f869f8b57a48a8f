// Model-based property tests: random add / advance / poll / complete sequences against a plain model of
// what the KeyBatcher must guarantee (per-key order, exactly-once, one in-flight batch per key, bounds,
// flush when due and only when due, backpressure hysteresis).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KeyBatcher, type Batch, type KeyBatcherOptions } from '../../../src/pipeline/key-batcher.js';
import { ManualScheduler } from '../../../src/pipeline/scheduler.js';

interface Ev {
  readonly id: number;
  readonly bytes: number;
  readonly at: number;
}

type Command =
  | { readonly t: 'add'; readonly key: number; readonly bytes: number }
  | { readonly t: 'advance'; readonly ms: number }
  | { readonly t: 'poll' }
  | { readonly t: 'complete'; readonly pick: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('add' as const), key: fc.integer({ min: 0, max: 5 }), bytes: fc.integer({ min: 1, max: 300 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('poll' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('complete' as const), pick: fc.nat() }) },
);

const options = fc.record({
  mode: fc.constantFrom('event' as const, 'key' as const),
  maxBatchSize: fc.integer({ min: 1, max: 8 }),
  maxBatchBytes: fc.integer({ min: 50, max: 600 }),
  maxWaitMs: fc.integer({ min: 0, max: 25 }),
  maxInflightBatches: fc.integer({ min: 1, max: 3 }),
  maxQueuedEvents: fc.integer({ min: 2, max: 20 }),
  maxEventsPerKey: fc.integer({ min: 1, max: 8 }),
});

class Model {
  readonly queues = new Map<string, Ev[]>();
  readonly inflight: Batch<Ev>[] = [];
  readonly inflightKeys = new Set<string>();
  readonly batchedIds: number[] = [];
  paused = false;
  queued = 0;
  draining = false;

  constructor(readonly o: Required<Omit<KeyBatcherOptions, 'scheduler' | 'resumeQueuedEvents'>>) {}

  get perKey(): number {
    return Math.min(this.o.maxEventsPerKey, this.o.maxBatchSize);
  }

  readyKeys(): string[] {
    return [...this.queues].filter(([k, q]) => q.length > 0 && !this.inflightKeys.has(k)).map(([k]) => k);
  }

  /** What must make poll() return a batch now. */
  due(now: number): boolean {
    if (this.inflight.length >= this.o.maxInflightBatches) return false;
    const ready = this.readyKeys().map((k) => (this.queues.get(k) ?? []).slice(0, this.perKey));
    if (ready.length === 0) return false;
    const events = ready.reduce((n, q) => n + q.length, 0);
    const bytes = ready.reduce((n, q) => n + q.reduce((b, e) => b + e.bytes, 0), 0);
    const oldest = Math.min(...ready.map((q) => q[0]?.at ?? Infinity));
    return this.draining || events >= this.o.maxBatchSize || bytes >= this.o.maxBatchBytes || now - oldest >= this.o.maxWaitMs;
  }

  /** Checks a batch against the guarantees and records it. */
  accept(batch: Batch<Ev>, now: number): void {
    const o = this.o;
    assert.ok(batch.size >= 1 && batch.size <= o.maxBatchSize, `size ${batch.size}`);
    assert.ok(batch.bytes <= o.maxBatchBytes || batch.size === 1, `bytes ${batch.bytes} over ${o.maxBatchBytes}`);
    assert.equal(batch.size, batch.groups.reduce((n, g) => n + g.events.length, 0));
    assert.equal(batch.bytes, batch.groups.reduce((n, g) => n + g.events.reduce((b, e) => b + e.bytes, 0), 0));
    const keys = new Set<string>();
    let oldest = Infinity;
    for (const g of batch.groups) {
      assert.ok(!keys.has(g.key), `key ${g.key} twice in one batch`);
      keys.add(g.key);
      assert.ok(!this.inflightKeys.has(g.key), `key ${g.key} already has a batch in flight`);
      assert.ok(g.events.length >= 1 && g.events.length <= this.perKey, `group of ${g.events.length}`);
      const q = this.queues.get(g.key) ?? [];
      // Per-key order and exactly-once: the group is the head of the key's queue, in order.
      assert.deepEqual(g.events.map((e) => e.id), q.slice(0, g.events.length).map((e) => e.id));
      assert.deepEqual(g.receivedAt, g.events.map((e) => e.at));
      q.splice(0, g.events.length);
      oldest = Math.min(oldest, g.events[0]?.at ?? Infinity);
    }
    assert.equal(batch.oldestReceivedAt, oldest);
    if (batch.reason === 'size') assert.equal(batch.size, o.maxBatchSize);
    if (batch.reason === 'time') assert.ok(now - oldest >= o.maxWaitMs);
    if (batch.reason === 'drain') assert.ok(this.draining);
    for (const k of keys) this.inflightKeys.add(k);
    this.inflight.push(batch);
    assert.ok(this.inflight.length <= o.maxInflightBatches);
    for (const g of batch.groups) for (const e of g.events) this.batchedIds.push(e.id);
    this.queued -= batch.size;
    if (this.paused && this.queued <= Math.floor(o.maxQueuedEvents / 2)) this.paused = false;
  }

  release(index: number): Batch<Ev> | undefined {
    const [b] = this.inflight.splice(index, 1);
    for (const g of b?.groups ?? []) this.inflightKeys.delete(g.key);
    return b;
  }
}

function run(o: Model['o'], commands: readonly Command[]): void {
  const clock = new ManualScheduler(0);
  const batcher = new KeyBatcher<Ev>({ ...o, scheduler: clock });
  const model = new Model(o);
  let nextId = 0;
  const step = (c: Command): void => {
    switch (c.t) {
      case 'add': {
        const key = `k${c.key}`;
        const e = { id: nextId++, bytes: c.bytes, at: clock.now() };
        batcher.add(key, e, e.bytes, e.at);
        const q = model.queues.get(key) ?? [];
        q.push(e);
        model.queues.set(key, q);
        model.queued++;
        if (!model.paused && model.queued >= o.maxQueuedEvents) model.paused = true;
        break;
      }
      case 'advance':
        clock.advance(c.ms);
        break;
      case 'poll': {
        const mustFlush = model.due(clock.now());
        const batch = batcher.poll();
        assert.equal(batch !== undefined, mustFlush, `poll returned ${batch === undefined ? 'nothing' : 'a batch'}`);
        if (batch !== undefined) model.accept(batch, clock.now());
        break;
      }
      case 'complete': {
        if (model.inflight.length === 0) break;
        const b = model.release(c.pick % model.inflight.length);
        if (b !== undefined) batcher.complete(b);
        break;
      }
    }
    assert.equal(batcher.isPaused, model.paused);
    assert.equal(batcher.stats().queuedEvents, model.queued);
    assert.equal(batcher.stats().inflightBatches, model.inflight.length);
  };
  commands.forEach(step);

  void batcher.drain();
  model.draining = true;
  for (let guard = 0; model.queued > 0 || model.inflight.length > 0; guard++) {
    assert.ok(guard < 10_000, 'drain made no progress');
    step({ t: 'poll' });
    if (model.inflight.length >= o.maxInflightBatches || !model.due(clock.now())) step({ t: 'complete', pick: 0 });
  }
  assert.deepEqual([...model.batchedIds].sort((a, b) => a - b), Array.from({ length: nextId }, (_, i) => i), 'every event in exactly one batch');
  assert.equal(batcher.stats().keys, 0);
}

describe('KeyBatcher properties', () => {
  it('keeps per-key order, batches every event exactly once, one in-flight batch per key, bounds, flushes exactly when due', () => {
    fc.assert(
      fc.property(options, fc.array(command, { maxLength: 120 }), (o, commands) => run(o, commands)),
      { numRuns: 400 },
    );
  });

  it('drain resolves once every batch is complete', async () => {
    await fc.assert(
      fc.asyncProperty(options, fc.array(fc.record({ key: fc.integer({ min: 0, max: 3 }), bytes: fc.integer({ min: 1, max: 100 }) }), { maxLength: 40 }), async (o, adds) => {
        const clock = new ManualScheduler(0);
        const batcher = new KeyBatcher<number>({ ...o, scheduler: clock });
        const order = new Map<string, number[]>();
        batcher.onBatch(async (batch) => {
          for (const g of batch.groups) order.set(g.key, [...(order.get(g.key) ?? []), ...g.events]);
        });
        adds.forEach((a, i) => batcher.add(`k${a.key}`, i, a.bytes, clock.now()));
        await batcher.drain();
        const expected = new Map<string, number[]>();
        adds.forEach((a, i) => expected.set(`k${a.key}`, [...(expected.get(`k${a.key}`) ?? []), i]));
        assert.deepEqual(order, expected);
      }),
      { numRuns: 200 },
    );
  });
});
