/**
 * KeyBatcher: per-key FIFO queues → micro-batches for model calls.
 *
 * - `mode: event` gathers events of many keys into one batch (each event a model row); `mode: key` makes a
 *   key's window of events one row. Either way a batch holds each key at most once, as one group of
 *   consecutive events in arrival order.
 * - A batch is flushed when the ready events fill it (maxBatchSize events or maxBatchBytes), when the
 *   oldest ready event has waited maxWaitMs, or during drain — whichever comes first.
 * - A key with a batch in flight is not batched again until that batch completes (per-key order).
 *   At most maxInflightBatches batches are in flight.
 * - Fairness: keys are served oldest-waiting first, and within an event-mode batch events are taken
 *   round-robin across its keys (at most maxEventsPerKey per key), so a hot key cannot crowd others out.
 * - Backpressure: when maxQueuedEvents events wait, listeners are told to stop granting flow permits;
 *   they are told to resume at resumeQueuedEvents. Events are never refused: permits already granted
 *   still deliver.
 *
 * Use it push-style (`onBatch(handler)`: batches are handed out and completed when the handler settles)
 * or pull-style (`poll()` + `complete(batch)`, with `onReady` to learn when to poll).
 */
import { AlreadyClosedError, StrobeError } from '../errors.js';
import type { FlushReason } from './flush-reason.js';
import { KeyQueue } from './key-queue.js';
import { ReadyHeap } from './ready-heap.js';
import { systemScheduler, type Scheduler, type TimerHandle } from './scheduler.js';

export type BatchMode = 'event' | 'key';

export interface KeyBatcherOptions {
  readonly mode: BatchMode;
  /** Events per batch (model rows in event mode). */
  readonly maxBatchSize: number;
  /** Payload bytes per batch; a single larger event still forms a batch of one. */
  readonly maxBatchBytes: number;
  readonly maxWaitMs: number;
  readonly maxInflightBatches: number;
  /** High-water mark of queued (not yet batched) events. */
  readonly maxQueuedEvents: number;
  /** Low-water mark to resume flow. @default floor(maxQueuedEvents / 2) */
  readonly resumeQueuedEvents?: number;
  /** Events of one key per batch; in key mode the longest window. @default maxBatchSize */
  readonly maxEventsPerKey?: number;
  /** @default systemScheduler (Date.now, Node timers) */
  readonly scheduler?: Scheduler;
}

export interface KeyGroup<E> {
  readonly key: string;
  /** Consecutive events of the key, oldest first. */
  readonly events: readonly E[];
  readonly receivedAt: readonly number[];
  readonly bytes: number;
}

export interface Batch<E> {
  readonly id: number;
  readonly mode: BatchMode;
  readonly groups: readonly KeyGroup<E>[];
  /** Events in the batch. */
  readonly size: number;
  readonly bytes: number;
  readonly reason: FlushReason;
  /** Scheduler time when the batch was formed. */
  readonly createdAt: number;
  readonly oldestReceivedAt: number;
  /** size / maxBatchSize. */
  readonly fill: number;
}

export type BatchHandler<E> = (batch: Batch<E>) => Promise<void>;

export interface KeyBatcherStats {
  readonly keys: number;
  readonly readyKeys: number;
  readonly queuedEvents: number;
  readonly queuedBytes: number;
  readonly inflightBatches: number;
  readonly paused: boolean;
  readonly batches: number;
  readonly eventsBatched: number;
  /** Mean of size / maxBatchSize over all batches so far (0 before the first). */
  readonly meanFill: number;
  readonly flushes: Readonly<Record<FlushReason, number>>;
}

export class KeyBatcherError extends StrobeError {
  constructor(message: string) {
    super('KEY_BATCHER', message);
  }
}

const SPARE_QUEUES = 1024;

export class KeyBatcher<E> {
  private readonly opts: Required<Omit<KeyBatcherOptions, 'scheduler'>>;
  private readonly scheduler: Scheduler;
  private readonly queues = new Map<string, KeyQueue<E>>();
  private readonly heap = new ReadyHeap<E>();
  private readonly inflight = new Set<number>();
  // Sums over ready keys of their first min(length, maxEventsPerKey) events: what a batch could take now.
  private readyEvents = 0;
  private readyBytes = 0;
  private readyKeys = 0;
  // Idle key queues kept for reuse: with many keys, queues empty and refill constantly.
  private readonly spare: KeyQueue<E>[] = [];
  private queuedEvents = 0;
  private queuedBytes = 0;
  private paused = false;
  private nextId = 1;
  private batches = 0;
  private eventsBatched = 0;
  private readonly flushes: Record<FlushReason, number> = { size: 0, bytes: 0, time: 0, drain: 0 };
  private timer: { handle: TimerHandle; at: number } | undefined;
  private handler: BatchHandler<E> | undefined;
  private onHandlerError: ((error: unknown, batch: Batch<E>) => void) | undefined;
  private handlerError: unknown;
  private dispatchQueued = false;
  private readonly readyListeners: (() => void)[] = [];
  private readonly backpressureListeners: ((paused: boolean) => void)[] = [];
  private state: 'open' | 'draining' | 'drained' = 'open';
  private drainWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(options: KeyBatcherOptions) {
    for (const k of ['maxBatchSize', 'maxInflightBatches', 'maxQueuedEvents'] as const) {
      if (!Number.isInteger(options[k]) || options[k] < 1) throw new KeyBatcherError(`${k} must be an integer >= 1, got ${options[k]}`);
    }
    if (!(options.maxBatchBytes >= 1)) throw new KeyBatcherError(`maxBatchBytes must be >= 1, got ${options.maxBatchBytes}`);
    if (!(options.maxWaitMs >= 0)) throw new KeyBatcherError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
    const resume = options.resumeQueuedEvents ?? Math.floor(options.maxQueuedEvents / 2);
    if (!(resume >= 0 && resume < options.maxQueuedEvents)) {
      throw new KeyBatcherError(`resumeQueuedEvents must be in [0, maxQueuedEvents), got ${resume}`);
    }
    const perKey = options.maxEventsPerKey ?? options.maxBatchSize;
    if (!Number.isInteger(perKey) || perKey < 1) throw new KeyBatcherError(`maxEventsPerKey must be an integer >= 1, got ${perKey}`);
    this.opts = {
      mode: options.mode,
      maxBatchSize: options.maxBatchSize,
      maxBatchBytes: options.maxBatchBytes,
      maxWaitMs: options.maxWaitMs,
      maxInflightBatches: options.maxInflightBatches,
      maxQueuedEvents: options.maxQueuedEvents,
      resumeQueuedEvents: resume,
      maxEventsPerKey: Math.min(perKey, options.maxBatchSize),
    };
    this.scheduler = options.scheduler ?? systemScheduler;
  }

  /** Queues an event. `receivedAt` is scheduler time and should not decrease within a key. */
  add(key: string, event: E, bytes: number, receivedAt: number = this.scheduler.now()): void {
    if (this.state === 'drained') throw new AlreadyClosedError('KeyBatcher');
    let q = this.queues.get(key);
    if (q === undefined) {
      q = this.spare.pop()?.reset(key) ?? new KeyQueue<E>(key);
      this.queues.set(key, q);
    }
    q.push(event, bytes, receivedAt);
    this.queuedEvents++;
    this.queuedBytes += bytes;
    if (q.ready) {
      if (q.length <= this.opts.maxEventsPerKey) {
        this.readyEvents++;
        this.readyBytes += bytes;
      }
    } else if (!q.inFlight) {
      this.makeReady(q);
    }
    if (!this.paused && this.queuedEvents >= this.opts.maxQueuedEvents) this.setPaused(true);
    this.schedule();
  }

  /** A batch if one is due now (and a slot is free), else undefined. The caller must `complete` it. */
  poll(): Batch<E> | undefined {
    const trigger = this.trigger();
    return trigger === undefined ? undefined : this.assemble();
  }

  /** Releases the batch's keys (their next events may now be batched) and its in-flight slot. */
  complete(batch: Batch<E>): void {
    if (!this.inflight.delete(batch.id)) throw new KeyBatcherError(`batch ${batch.id} is not in flight (completed twice?)`);
    for (const g of batch.groups) {
      const q = this.queues.get(g.key);
      if (q === undefined) continue;
      q.inFlight = false;
      if (q.length > 0) this.makeReady(q);
      else {
        this.queues.delete(g.key);
        if (this.spare.length < SPARE_QUEUES) this.spare.push(q);
      }
    }
    this.schedule();
    this.checkDrained();
  }

  /**
   * Hands batches to `handler` as they become due; each completes when its promise settles. A rejected
   * handler goes to `onError`; without one, `drain()` rejects with the first such error.
   */
  onBatch(handler: BatchHandler<E>, onError?: (error: unknown, batch: Batch<E>) => void): void {
    if (this.handler !== undefined) throw new KeyBatcherError('onBatch was already called');
    this.handler = handler;
    this.onHandlerError = onError;
    this.schedule();
  }

  /** Pull mode: called (asynchronously) when poll() may return a batch. */
  onReady(listener: () => void): void {
    this.readyListeners.push(listener);
  }

  /** Called with true when queued events reach maxQueuedEvents (stop granting permits), false at the low-water mark. */
  onBackpressure(listener: (paused: boolean) => void): void {
    this.backpressureListeners.push(listener);
  }

  /** True while the consumer should not grant flow permits. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Flushes everything without waiting for maxWaitMs; resolves when no event is queued or in flight. */
  drain(): Promise<void> {
    if (this.state === 'open') this.state = 'draining';
    const done = new Promise<void>((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
    this.schedule();
    this.checkDrained();
    return done;
  }

  stats(): KeyBatcherStats {
    return {
      keys: this.queues.size,
      readyKeys: this.readyKeys,
      queuedEvents: this.queuedEvents,
      queuedBytes: this.queuedBytes,
      inflightBatches: this.inflight.size,
      paused: this.paused,
      batches: this.batches,
      eventsBatched: this.eventsBatched,
      meanFill: this.batches === 0 ? 0 : this.eventsBatched / (this.batches * this.opts.maxBatchSize),
      flushes: { ...this.flushes },
    };
  }

  private makeReady(q: KeyQueue<E>): void {
    q.ready = true;
    this.readyKeys++;
    const n = Math.min(q.length, this.opts.maxEventsPerKey);
    this.readyEvents += n;
    this.readyBytes += q.bytesOfFirst(n);
    this.heap.push(q);
  }

  private unready(q: KeyQueue<E>): void {
    q.ready = false;
    this.readyKeys--;
    q.epoch++;
    const n = Math.min(q.length, this.opts.maxEventsPerKey);
    this.readyEvents -= n;
    this.readyBytes -= q.bytesOfFirst(n);
  }

  /** Why a batch is due now, or undefined. */
  private trigger(): FlushReason | undefined {
    if (this.inflight.size >= this.opts.maxInflightBatches) return undefined;
    const oldest = this.heap.peek();
    if (oldest === undefined) return undefined;
    if (this.readyEvents >= this.opts.maxBatchSize) return 'size';
    if (this.readyBytes >= this.opts.maxBatchBytes) return 'bytes';
    if (this.scheduler.now() - oldest.headReceivedAt >= this.opts.maxWaitMs) return 'time';
    if (this.state !== 'open') return 'drain';
    return undefined;
  }

  private assemble(): Batch<E> {
    const { maxBatchSize, maxBatchBytes, maxEventsPerKey, mode } = this.opts;
    const oldestAt = this.heap.peek()?.headReceivedAt ?? 0;
    const keys: KeyQueue<E>[] = [];
    while (keys.length < maxBatchSize) {
      const q = this.heap.pop();
      if (q === undefined) break;
      this.unready(q);
      keys.push(q);
    }
    const counts = new Array<number>(keys.length).fill(0);
    let size = 0;
    let bytes = 0;
    let bytesLimited = false;
    if (mode === 'event') {
      // Round-robin, one event per key per round, until full or every key is exhausted or blocked by bytes.
      let active = keys.map((_, i) => i);
      while (active.length > 0 && size < maxBatchSize) {
        const still: number[] = [];
        for (const i of active) {
          const q = keys[i] as KeyQueue<E>;
          const taken = counts[i] ?? 0;
          if (taken >= Math.min(q.length, maxEventsPerKey)) continue;
          const b = q.bytesAt(taken);
          if (size > 0 && bytes + b > maxBatchBytes) {
            bytesLimited = true;
            continue;
          }
          counts[i] = taken + 1;
          size++;
          bytes += b;
          still.push(i);
          if (size === maxBatchSize) break;
        }
        active = still;
      }
    } else {
      // One row per key: its window, cut to the room left in events and bytes.
      for (let i = 0; i < keys.length && size < maxBatchSize && !bytesLimited; i++) {
        const q = keys[i] as KeyQueue<E>;
        let n = Math.min(q.length, maxEventsPerKey, maxBatchSize - size);
        while (n > 0 && bytes + q.bytesOfFirst(n) > maxBatchBytes && !(size === 0 && n === 1)) {
          n--;
          bytesLimited = true;
        }
        if (n === 0) break;
        counts[i] = n;
        size += n;
        bytes += q.bytesOfFirst(n);
      }
    }
    const groups: KeyGroup<E>[] = [];
    let oldestReceivedAt = Infinity;
    keys.forEach((q, i) => {
      const n = counts[i] ?? 0;
      if (n === 0) {
        this.makeReady(q); // not reached this time; keeps its place by age
        return;
      }
      const taken = q.take(n);
      q.inFlight = true;
      if (taken.receivedAt[0] !== undefined) oldestReceivedAt = Math.min(oldestReceivedAt, taken.receivedAt[0]);
      groups.push({ key: q.key, events: taken.events, receivedAt: taken.receivedAt, bytes: taken.bytes });
    });
    this.queuedEvents -= size;
    this.queuedBytes -= bytes;
    const now = this.scheduler.now();
    const reason: FlushReason =
      size >= maxBatchSize
        ? 'size'
        : bytesLimited || bytes >= maxBatchBytes
          ? 'bytes'
          : now - oldestAt >= this.opts.maxWaitMs
            ? 'time'
            : 'drain';
    const batch: Batch<E> = {
      id: this.nextId++,
      mode,
      groups,
      size,
      bytes,
      reason,
      createdAt: now,
      oldestReceivedAt,
      fill: size / maxBatchSize,
    };
    this.inflight.add(batch.id);
    this.batches++;
    this.eventsBatched += size;
    this.flushes[reason]++;
    if (this.paused && this.queuedEvents <= this.opts.resumeQueuedEvents) this.setPaused(false);
    return batch;
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    for (const l of this.backpressureListeners) l(paused);
  }

  /** Arms the maxWaitMs timer for the oldest ready event, and wakes the dispatcher or pull listeners. */
  private schedule(): void {
    if (this.trigger() !== undefined) {
      this.clearTimer();
      this.wake();
      return;
    }
    const oldest = this.inflight.size < this.opts.maxInflightBatches ? this.heap.peek() : undefined;
    if (oldest === undefined) {
      this.clearTimer();
      return;
    }
    const at = oldest.headReceivedAt + this.opts.maxWaitMs;
    if (this.timer?.at === at) return;
    this.clearTimer();
    const handle = this.scheduler.setTimer(() => {
      this.timer = undefined;
      this.schedule();
    }, at - this.scheduler.now());
    this.timer = { handle, at };
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.scheduler.clearTimer(this.timer.handle);
    this.timer = undefined;
  }

  private wake(): void {
    if (this.dispatchQueued) return;
    this.dispatchQueued = true;
    // A microtask, so handlers never run inside add() or complete() of their caller.
    queueMicrotask(() => {
      this.dispatchQueued = false;
      if (this.handler === undefined) {
        for (const l of this.readyListeners) l();
        return;
      }
      for (let batch = this.poll(); batch !== undefined; batch = this.poll()) void this.run(this.handler, batch);
    });
  }

  private async run(handler: BatchHandler<E>, batch: Batch<E>): Promise<void> {
    try {
      await handler(batch);
    } catch (e) {
      if (this.onHandlerError !== undefined) this.onHandlerError(e, batch);
      else this.handlerError ??= e;
    }
    this.complete(batch);
  }

  private checkDrained(): void {
    if (this.state === 'open' || this.queuedEvents > 0 || this.inflight.size > 0) return;
    this.state = 'drained';
    this.clearTimer();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) {
      if (this.handlerError === undefined) w.resolve();
      else w.reject(this.handlerError);
    }
  }
}
