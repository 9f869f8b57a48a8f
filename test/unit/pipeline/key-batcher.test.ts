import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyBatcher, KeyBatcherError, type Batch, type KeyBatcherOptions } from '../../../src/pipeline/key-batcher.js';
import { ManualScheduler } from '../../../src/pipeline/scheduler.js';
import { AlreadyClosedError } from '../../../src/errors.js';

type Ev = string;

function make(options: Partial<KeyBatcherOptions> = {}) {
  const clock = new ManualScheduler(1000);
  const batcher = new KeyBatcher<Ev>({
    mode: 'event',
    maxBatchSize: 4,
    maxBatchBytes: 1000,
    maxWaitMs: 20,
    maxInflightBatches: 2,
    maxQueuedEvents: 100,
    scheduler: clock,
    ...options,
  });
  return { clock, batcher };
}

/** key → events, in group order. */
function contents(batch: Batch<Ev> | undefined): Record<string, readonly Ev[]> {
  assert.ok(batch, 'expected a batch');
  return Object.fromEntries(batch.groups.map((g) => [g.key, g.events]));
}

/** Lets queued microtasks (dispatch, listeners) and handler continuations run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

describe('KeyBatcher', () => {
  it('flushes when maxBatchSize events are ready, grouping each key in order', () => {
    const { batcher } = make();
    batcher.add('a', 'a1', 10);
    batcher.add('b', 'b1', 10);
    batcher.add('a', 'a2', 10);
    assert.equal(batcher.poll(), undefined);
    batcher.add('c', 'c1', 10);
    const batch = batcher.poll();
    assert.deepEqual(contents(batch), { a: ['a1', 'a2'], b: ['b1'], c: ['c1'] });
    assert.equal(batch?.reason, 'size');
    assert.equal(batch?.size, 4);
    assert.equal(batch?.bytes, 40);
    assert.equal(batch?.fill, 1);
  });

  it('flushes on maxBatchBytes, leaving what does not fit for the next batch', () => {
    const { batcher } = make({ maxBatchBytes: 100 });
    batcher.add('a', 'a1', 60);
    assert.equal(batcher.poll(), undefined);
    batcher.add('b', 'b1', 60);
    const batch = batcher.poll();
    assert.equal(batch?.reason, 'bytes');
    assert.deepEqual(contents(batch), { a: ['a1'] });
    assert.equal(batcher.stats().queuedEvents, 1);
  });

  it('sends an event larger than maxBatchBytes alone rather than never', () => {
    const { batcher } = make({ maxBatchBytes: 100 });
    batcher.add('a', 'huge', 500);
    const batch = batcher.poll();
    assert.deepEqual(contents(batch), { a: ['huge'] });
    assert.equal(batch?.reason, 'bytes');
  });

  it('flushes when the oldest event has waited maxWaitMs, woken by the timer', async () => {
    const { batcher, clock } = make();
    let wakeups = 0;
    batcher.onReady(() => wakeups++);
    batcher.add('a', 'a1', 10);
    clock.advance(10);
    batcher.add('b', 'b1', 10);
    clock.advance(9);
    await settle();
    assert.equal(wakeups, 0);
    assert.equal(batcher.poll(), undefined);
    clock.advance(1);
    await settle();
    assert.equal(wakeups, 1);
    const batch = batcher.poll();
    assert.equal(batch?.reason, 'time');
    assert.deepEqual(contents(batch), { a: ['a1'], b: ['b1'] });
    assert.equal(batch?.oldestReceivedAt, 1000);
    assert.equal(batch?.fill, 0.5);
    assert.equal(clock.pendingTimers, 0);
  });

  it('never batches a key again while its batch is in flight', () => {
    const { batcher, clock } = make({ maxBatchSize: 2 });
    batcher.add('a', 'a1', 1);
    batcher.add('a', 'a2', 1);
    const first = batcher.poll();
    assert.deepEqual(contents(first), { a: ['a1', 'a2'] });
    batcher.add('a', 'a3', 1);
    batcher.add('a', 'a4', 1);
    clock.advance(1000);
    assert.equal(batcher.poll(), undefined, 'a is in flight');
    batcher.add('b', 'b1', 1);
    clock.advance(20);
    assert.deepEqual(contents(batcher.poll()), { b: ['b1'] }, 'other keys still flow');
    batcher.complete(first!);
    assert.deepEqual(contents(batcher.poll()), { a: ['a3', 'a4'] });
  });

  it('keeps at most maxInflightBatches batches out', () => {
    const { batcher } = make({ maxBatchSize: 1, maxInflightBatches: 2 });
    for (const k of ['a', 'b', 'c']) batcher.add(k, `${k}1`, 1);
    const b1 = batcher.poll();
    const b2 = batcher.poll();
    assert.ok(b1 && b2);
    assert.equal(batcher.poll(), undefined);
    batcher.complete(b1);
    assert.deepEqual(contents(batcher.poll()), { c: ['c1'] });
  });

  it('shares a batch round-robin so a hot key cannot crowd out others', () => {
    const { batcher } = make({ maxBatchSize: 8 });
    for (let i = 0; i < 100; i++) batcher.add('hot', `h${i}`, 1);
    for (const k of ['x', 'y', 'z']) batcher.add(k, `${k}1`, 1);
    const batch = batcher.poll();
    assert.deepEqual(contents(batch), { hot: ['h0', 'h1', 'h2', 'h3', 'h4'], x: ['x1'], y: ['y1'], z: ['z1'] });
  });

  it('caps events per key per batch with maxEventsPerKey', () => {
    const { batcher, clock } = make({ maxBatchSize: 8, maxEventsPerKey: 2 });
    for (let i = 0; i < 5; i++) batcher.add('a', `a${i}`, 1);
    assert.equal(batcher.poll(), undefined, 'only 2 of a are batchable, so the batch is not full');
    clock.advance(20);
    const batch = batcher.poll();
    assert.deepEqual(contents(batch), { a: ['a0', 'a1'] });
    assert.equal(batch?.reason, 'time');
  });

  it('serves the longest-waiting keys first', () => {
    const { batcher, clock } = make({ maxBatchSize: 2, maxEventsPerKey: 1 });
    batcher.add('old', 'o1', 1);
    clock.advance(5);
    batcher.add('mid', 'm1', 1);
    clock.advance(5);
    batcher.add('new', 'n1', 1);
    assert.deepEqual(Object.keys(contents(batcher.poll())), ['old', 'mid']);
  });

  it('key mode: each key is one row holding its window of events', () => {
    const { batcher, clock } = make({ mode: 'key', maxBatchSize: 10, maxEventsPerKey: 3 });
    for (let i = 0; i < 5; i++) batcher.add('s1', `s1-${i}`, 1);
    batcher.add('s2', 's2-0', 1);
    clock.advance(20);
    const batch = batcher.poll();
    assert.equal(batch?.mode, 'key');
    assert.deepEqual(contents(batch), { s1: ['s1-0', 's1-1', 's1-2'], s2: ['s2-0'] });
    assert.equal(batch?.size, 4);
  });

  it('signals backpressure at maxQueuedEvents and resumes at the low-water mark', () => {
    const { batcher } = make({ maxBatchSize: 2, maxQueuedEvents: 4, resumeQueuedEvents: 1, maxInflightBatches: 3 });
    const signals: boolean[] = [];
    batcher.onBackpressure((p) => signals.push(p));
    for (let i = 0; i < 4; i++) batcher.add(`k${i}`, `e${i}`, 1);
    assert.deepEqual(signals, [true]);
    assert.equal(batcher.isPaused, true);
    batcher.add('k9', 'e9', 1); // accepted: permits already granted still deliver
    batcher.poll(); // 5 → 3 queued
    assert.equal(batcher.isPaused, true);
    batcher.poll(); // 3 → 1 queued
    assert.deepEqual(signals, [true, false]);
  });

  it('drain flushes partial batches at once and resolves when all are complete', async () => {
    const { batcher } = make();
    batcher.add('a', 'a1', 1);
    batcher.add('b', 'b1', 1);
    let drained = false;
    const done = batcher.drain().then(() => (drained = true));
    const batch = batcher.poll();
    assert.equal(batch?.reason, 'drain');
    assert.deepEqual(contents(batch), { a: ['a1'], b: ['b1'] });
    await settle();
    assert.equal(drained, false);
    batcher.complete(batch);
    await done;
    assert.throws(() => batcher.add('a', 'late', 1), AlreadyClosedError);
  });

  it('push mode hands every batch to the handler and completes it when the handler settles', async () => {
    const { batcher, clock } = make({ maxBatchSize: 3 });
    const seen: Record<string, Ev[]> = {};
    const pending: (() => void)[] = [];
    batcher.onBatch(async (batch) => {
      for (const g of batch.groups) (seen[g.key] ??= []).push(...g.events);
      await new Promise<void>((r) => pending.push(r));
    });
    for (let i = 0; i < 7; i++) batcher.add(i % 2 === 0 ? 'a' : 'b', `e${i}`, 1);
    await settle();
    assert.equal(batcher.stats().inflightBatches, 1, 'a and b are both in the first batch');
    pending.splice(0).forEach((r) => r());
    await settle();
    clock.advance(20);
    const drain = batcher.drain();
    for (let i = 0; i < 10 && batcher.stats().inflightBatches + batcher.stats().queuedEvents > 0; i++) {
      await settle();
      pending.splice(0).forEach((r) => r());
    }
    await drain;
    assert.deepEqual(seen, { a: ['e0', 'e2', 'e4', 'e6'], b: ['e1', 'e3', 'e5'] });
  });

  it('push mode: handler errors go to onError, or make drain reject', async () => {
    const { batcher } = make({ maxBatchSize: 1 });
    const boom = new Error('boom');
    batcher.onBatch(async () => {
      throw boom;
    });
    batcher.add('a', 'a1', 1);
    batcher.add('a', 'a2', 1);
    await assert.rejects(batcher.drain(), (e) => e === boom);
    assert.equal(batcher.stats().batches, 2, 'the failed batch still released its key');

    const other = make({ maxBatchSize: 1 }).batcher;
    const errors: unknown[] = [];
    other.onBatch(async () => Promise.reject(boom), (e) => errors.push(e));
    other.add('a', 'a1', 1);
    await other.drain();
    assert.deepEqual(errors, [boom]);
  });

  it('counts flush reasons and fill', () => {
    const { batcher, clock } = make({ maxBatchSize: 2 });
    batcher.add('a', 'a1', 1);
    batcher.add('b', 'b1', 1);
    batcher.complete(batcher.poll()!);
    batcher.add('c', 'c1', 1);
    clock.advance(20);
    batcher.complete(batcher.poll()!);
    const s = batcher.stats();
    assert.deepEqual(s.flushes, { size: 1, bytes: 0, time: 1, drain: 0 });
    assert.equal(s.batches, 2);
    assert.equal(s.eventsBatched, 3);
    assert.equal(s.meanFill, (2 / 2 + 1 / 2) / 2);
    assert.equal(s.keys, 0, 'idle keys are forgotten');
  });

  it('rejects completing a batch twice and invalid options', () => {
    const { batcher } = make({ maxBatchSize: 1 });
    batcher.add('a', 'a1', 1);
    const b = batcher.poll()!;
    batcher.complete(b);
    assert.throws(() => batcher.complete(b), KeyBatcherError);
    assert.throws(() => make({ maxBatchSize: 0 }), KeyBatcherError);
    assert.throws(() => make({ maxQueuedEvents: 4, resumeQueuedEvents: 4 }), KeyBatcherError);
  });
});
