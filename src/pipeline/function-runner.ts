import { hostname } from 'node:os';
import { StrobeError } from '../errors.js';
import type { PulsarClient } from '../client/client.js';
import type { Consumer } from '../client/consumer.js';
import type { ClientLogger } from '../client/logger.js';
import type { Message } from '../client/message.js';
import type { Producer } from '../client/producer-factory.js';
import type { FunctionConfig } from '../config/function-config.js';
import { expectedSignature } from '../features/expected-signature.js';
import { FeatureMapper } from '../features/feature-mapper.js';
import { OutputMapper } from '../features/output-mapper.js';
import type { InferenceBackend } from '../inference/backend.js';
import { prepareBackend } from '../inference/create-backend.js';
import { AvroCodec } from '../schema/avro-codec.js';
import { avroSchemaInfo } from '../schema/pulsar-schema.js';
import { WriterSchemaCache } from '../schema/writer-schema-cache.js';
import type { BatchEnricher, EnrichResult } from './batch-enricher.js';
import { BatchScorer } from './batch-scorer.js';
import { KeyHistory } from './key-history.js';
import { deadLetterProperties, failureKind, reasonOf } from './failure-policy.js';
import { KeyBatcher, type Batch } from './key-batcher.js';
import { noopObserver, type RunnerObserver } from './runner-observer.js';

/** Lifecycle of a function runner (Temporal-style explicit states). */
export type RunnerState = 'INITIALIZED' | 'STARTING' | 'RUNNING' | 'DRAINING' | 'DRAINED' | 'STOPPED' | 'FAILED';

export interface FunctionRunnerDeps {
  readonly client: PulsarClient;
  readonly logger: ClientLogger;
  readonly observer?: RunnerObserver;
  /** Use this backend instead of loading `model` (tests inject failures with it). */
  readonly backend?: InferenceBackend;
  /** Written to each output's `strobe.worker` property. @default `<hostname>-<pid>` */
  readonly workerId?: string;
  /** Adds feature-store and in-stream features to each batch before scoring. */
  readonly enricher?: BatchEnricher;
}

/** An input event on its way through the batcher. */
interface InputEvent {
  readonly msg: Message;
  readonly consumer: Consumer;
  readonly record: unknown;
  readonly key: string;
  /** performance.now() at receipt, for scoring latency. */
  readonly receivedAt: number;
}

/** SIGTERM drain did not finish in time. */
export class DrainTimeoutError extends StrobeError {
  constructor(name: string, ms: number) {
    super('DRAIN_TIMEOUT', `function ${name} did not drain within ${ms} ms`);
  }
}

const RUNTIME_FIELDS = ['model_name', 'model_version', 'event_time', 'scored_at', 'scoring_latency_ms'] as const;

/**
 * Runs one function: consumes its inputs, decodes Avro, gathers per-key micro-batches, scores them with
 * one model call each, publishes outputs, and acknowledges each input only after the broker confirmed the
 * output derived from it (ATLEAST_ONCE) — or acks on receipt (ATMOST_ONCE). Failures follow
 * failure-policy.ts: permanent → dead letter at once, transient → nack with backoff, then dead letter.
 */
export class FunctionRunner {
  readonly config: FunctionConfig;
  private readonly deps: FunctionRunnerDeps;
  private readonly log: ClientLogger;
  private readonly observer: RunnerObserver;
  private readonly codec: AvroCodec;
  private readonly outCodec: AvroCodec;
  private readonly outFields: ReadonlySet<string>;
  private readonly writers: WriterSchemaCache;
  private readonly batcher: KeyBatcher<InputEvent>;
  private backend: InferenceBackend | undefined;
  private scorer: BatchScorer | undefined;
  private producer: Producer | undefined;
  private consumers: Consumer[] = [];
  private pullers: Promise<void>[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private resumeWaiters: (() => void)[] = [];
  private _state: RunnerState = 'INITIALIZED';
  /** Pull until the consumer queue stays empty, then stop. */
  private draining = false;
  private inflight = 0;
  private readonly workerId: string;
  /** mode key: each key's recent records, so a row is the key's last N events, not only the new ones. */
  private readonly history: KeyHistory | undefined;

  constructor(config: FunctionConfig, deps: FunctionRunnerDeps) {
    this.config = config;
    this.deps = deps;
    this.workerId = deps.workerId ?? `${hostname()}-${process.pid}`;
    const seqLen = Math.max(0, ...config.features.inputs.map((i) => i.sequence?.length ?? 0));
    this.history = config.batching.mode === 'key' && seqLen > 0 ? new KeyHistory(seqLen) : undefined;
    this.log = deps.logger;
    this.observer = deps.observer ?? noopObserver;
    this.codec = new AvroCodec(config.schemas.input.schema);
    this.outCodec = new AvroCodec(config.schemas.output.schema);
    this.outFields = new Set(((config.schemas.output.schema as { fields?: { name: string }[] }).fields ?? []).map((f) => f.name));
    this.writers = new WriterSchemaCache((topic, version) => deps.client.getSchema(topic, version));
    const b = config.batching;
    this.batcher = new KeyBatcher<InputEvent>({
      mode: b.mode,
      maxBatchSize: b.maxBatchSize,
      maxBatchBytes: b.maxBatchBytes,
      maxWaitMs: b.maxWaitMs,
      maxInflightBatches: b.maxInflightBatches,
      maxQueuedEvents: b.maxQueuedEvents,
      maxEventsPerKey: b.maxEventsPerKey,
    });
  }

  get state(): RunnerState {
    return this._state;
  }

  /** Ready to score: model loaded, subscribed, producing. */
  get ready(): boolean {
    return this._state === 'RUNNING';
  }

  get name(): string {
    return this.config.name;
  }

  /**
   * Loads and checks the model first (a model that cannot load means FAILED: nothing is consumed), then
   * creates the output producer and subscribes every input.
   */
  async start(): Promise<void> {
    this.setState('STARTING');
    const c = this.config;
    try {
      const features = new FeatureMapper(c.features);
      const outputs = new OutputMapper(c.outputs);
      this.backend = this.deps.backend ?? (await prepareBackend(c.model, { baseDir: c.dir, logger: this.log }, expectedSignature(c.features, c.outputs)));
      this.observer.modelDevice(this.backend.name, this.backend.device, this.backend.fallback !== undefined);
      this.scorer = new BatchScorer(features, outputs, this.backend, c.batching.mode);
      this.producer = await this.deps.client.createProducer({
        topic: c.output,
        schema: avroSchemaInfo(c.output, c.schemas.output.schema),
        batchingType: c.producerConfig.batchBuilder === 'DEFAULT' ? 'default' : 'keyBased',
        maxPendingMessages: Math.max(1000, c.batching.maxBatchSize * c.batching.maxInflightBatches * 2),
        batchingMaxPublishDelayMs: c.producerConfig.batchingMaxPublishDelayMs,
        properties: { 'strobe.function': c.name },
      });
      for (const input of c.inputs) {
        this.consumers.push(
          await this.deps.client.subscribe({
            topic: input,
            subscription: c.subName,
            subscriptionType: c.subscriptionType,
            initialPosition: c.subscriptionPosition,
            receiverQueueSize: c.receiverQueueSize,
            negativeAckBackoff: c.negativeAckBackoff,
            deadLetterPolicy: { maxRedeliverCount: c.maxMessageRetries, deadLetterTopic: c.deadLetterTopics[input], initialSubscriptionName: `${c.subName}-dlq` },
            ackGroupingTimeMs: 20,
            ackTimeoutMs: c.timeoutMs,
            schema: avroSchemaInfo(input, c.schemas.input.schema),
          }),
        );
      }
    } catch (err) {
      this.setState('FAILED');
      await this.closeResources();
      throw err;
    }
    this.batcher.onBatch((batch) => this.processBatch(batch), (err) => this.log.error({ err: (err as Error).message }, 'batch handler failed'));
    this.batcher.onBackpressure((paused) => {
      if (!paused) for (const w of this.resumeWaiters.splice(0)) w();
    });
    this.setState('RUNNING');
    this.pullers = this.consumers.map((consumer) => this.pull(consumer));
    this.log.info({ function: c.name, inputs: c.inputs, output: c.output, device: this.backend.device }, 'function running');
  }

  /**
   * Stops taking messages, scores and publishes what is queued (partial batches flush now), waits for
   * receipts and acks, closes. Rejects with DrainTimeoutError if it takes longer than `deadlineMs`.
   */
  async drain(deadlineMs: number): Promise<void> {
    if (this._state !== 'RUNNING') {
      await this.closeResources();
      this.setState('STOPPED');
      return;
    }
    this.setState('DRAINING');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DrainTimeoutError(this.config.name, deadlineMs)), deadlineMs);
    });
    try {
      await Promise.race([this.drainSteps(), deadline]);
      this.setState('DRAINED');
    } catch (err) {
      this.setState('FAILED');
      throw err;
    } finally {
      clearTimeout(timer);
      await this.closeResources();
    }
    this.setState('STOPPED');
  }

  private async drainSteps(): Promise<void> {
    // No new permits; what the broker already sent is scored too, so no batch entry stays half-acked
    // (a half-acked entry would come back whole to another worker: duplicates).
    for (const c of this.consumers) c.pause();
    this.draining = true;
    for (const w of this.resumeWaiters.splice(0)) w();
    await Promise.all(this.pullers);
    await this.batcher.drain();
    await this.producer?.flush();
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    for (const c of this.consumers) c.flushAcks();
  }

  private async closeResources(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.close()));
    await this.producer?.close().catch(() => undefined);
    await this.backend?.dispose().catch(() => undefined);
    await this.deps.enricher?.close().catch(() => undefined);
  }

  private setState(s: RunnerState): void {
    this._state = s;
    this.observer.state(s);
  }

  // ---- intake ----

  private async pull(consumer: Consumer): Promise<void> {
    let idlePolls = 0;
    for (;;) {
      if (this.batcher.isPaused && !this.draining) {
        // Backpressure: not taking messages stops flow permits, so the broker stops sending.
        await new Promise<void>((resolve) => this.resumeWaiters.push(resolve));
        continue;
      }
      let messages: Message[];
      try {
        const waitMs = this.draining ? 100 : Math.max(5, this.config.batching.maxWaitMs);
        // The KeyBatcher does the batching: take what has arrived without waiting for a full batch.
        messages = await consumer.batchReceive({ maxMessages: this.config.batching.maxBatchSize, timeoutMs: waitMs, waitForFull: false });
      } catch (err) {
        if (this.draining) return;
        // The consumer gave up (e.g. credentials refused on resubscribe): this function is no longer ready.
        this.log.error({ err: (err as Error).message, function: this.config.name }, 'input lost, function failed');
        this.setState('FAILED');
        return;
      }
      if (messages.length === 0) {
        // Draining: two empty polls in a row mean nothing more was in flight to us.
        if (this.draining && ++idlePolls >= 2) return;
        continue;
      }
      idlePolls = 0;
      this.observer.eventsReceived(messages.length);
      for (const msg of messages) {
        if (msg.redeliveryCount > 0) this.observer.redelivered(1);
        await this.ingest(consumer, msg);
      }
    }
  }

  private async ingest(consumer: Consumer, msg: Message): Promise<void> {
    const receivedAt = performance.now();
    if (this.config.processingGuarantees === 'ATMOST_ONCE') consumer.ack(msg);
    let record: unknown;
    try {
      record = await this.decode(msg);
    } catch (err) {
      this.fail(consumer, msg, err);
      return;
    }
    const key = msg.key ?? this.recordKey(record);
    this.batcher.add(key, { msg, consumer, record, key, receivedAt }, msg.size);
  }

  /** The configured key field of a record, for messages produced without a key. */
  private recordKey(record: unknown): string {
    const field = this.config.key;
    if (field === undefined || typeof record !== 'object' || record === null) return '';
    const v = (record as Record<string, unknown>)[field];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : '';
  }

  private async decode(msg: Message): Promise<unknown> {
    const version = msg.schemaVersion;
    if (!version || version.length === 0) return this.codec.decode(msg.value);
    const writer = this.writers.peek(msg.topic, version) ?? (await this.writers.get(msg.topic, version));
    return this.codec.decodeFrom(msg.value, WriterSchemaCache.key(msg.topic, version), () => writer);
  }

  // ---- scoring ----

  private async processBatch(batch: Batch<InputEvent>): Promise<void> {
    const scorer = this.scorer;
    if (!scorer) return;
    this.inflight++;
    this.observer.inflightBatches(this.inflight);
    try {
      const now = performance.now();
      this.observer.batchFlushed(batch.size, batch.fill, batch.reason, now - (batch.groups[0]?.events[0]?.receivedAt ?? now));
      // A row: one event (mode event) or one key's window (mode key).
      const rows: InputEvent[][] = this.config.batching.mode === 'event' ? batch.groups.flatMap((g) => g.events.map((e) => [e])) : batch.groups.map((g) => [...g.events]);
      const history = this.history;
      let records: readonly (readonly unknown[])[] = rows.map((r) =>
        history ? history.window(r[0]?.key ?? '', r.map((e) => e.record)) : r.map((e) => e.record),
      );
      let enriched: EnrichResult | undefined;
      if (this.deps.enricher) {
        enriched = await this.deps.enricher.enrich(records, rows.map((r) => r[r.length - 1]?.key ?? ''));
        records = enriched.rows;
        for (const [i, err] of enriched.errors) for (const e of rows[i] ?? []) this.fail(e.consumer, e.msg, err);
        for (const age of enriched.oldestFeatureAgeMs.values()) this.observer.featureAge?.(age);
      }
      const skip = enriched?.errors;
      const result = await scorer.score(records.map((r, i) => (skip?.has(i) ? [] : r)));
      this.observer.inference(result.inferenceMs, rows.length);
      for (const [i, err] of result.permanent) if (!skip?.has(i)) for (const e of rows[i] ?? []) this.fail(e.consumer, e.msg, err);
      for (const [i, err] of result.transient) for (const e of rows[i] ?? []) this.fail(e.consumer, e.msg, err);
      // Only scored windows become history (a failed row comes back and is added then).
      if (history) for (const i of result.outputs.keys()) history.record(rows[i]?.[0]?.key ?? '', records[i] ?? []);
      for (let i = 0; i < rows.length; i++) {
        const out = result.outputs.get(i);
        const events = rows[i];
        if (out && events) await this.publish(events, out, enriched?.marks.get(i), enriched?.oldestFeatureAgeMs.get(i));
      }
    } finally {
      this.inflight--;
      this.observer.inflightBatches(this.inflight);
    }
  }

  private async publish(
    events: readonly InputEvent[],
    out: Record<string, unknown>,
    marks?: Readonly<Record<string, string>>,
    featureAgeMs?: number,
  ): Promise<void> {
    const producer = this.producer;
    const last = events[events.length - 1];
    if (!producer || !last) return;
    const c = this.config;
    const eventTime = last.msg.eventTime > 0 ? last.msg.eventTime : last.msg.publishTime;
    const runtime: Record<(typeof RUNTIME_FIELDS)[number], unknown> = {
      model_name: c.model.name,
      model_version: c.model.version,
      event_time: eventTime,
      scored_at: Date.now(),
      scoring_latency_ms: performance.now() - last.receivedAt,
    };
    for (const f of RUNTIME_FIELDS) if (this.outFields.has(f) && out[f] === undefined) out[f] = runtime[f];
    if (featureAgeMs !== undefined && this.outFields.has('feature_age_ms') && out.feature_age_ms === undefined) out.feature_age_ms = featureAgeMs;
    let value: Buffer;
    try {
      value = this.outCodec.encode(out);
    } catch (err) {
      for (const e of events) this.fail(e.consumer, e.msg, err);
      return;
    }
    const properties: Record<string, string> = c.forwardSourceMessageProperty ? { ...last.msg.properties } : {};
    properties['strobe.model'] = `${c.model.name}:${c.model.version}`;
    properties['strobe.worker'] = this.workerId;
    if (marks) Object.assign(properties, marks);
    if (featureAgeMs !== undefined) properties['strobe.feature_age_ms'] = String(Math.round(featureAgeMs));
    await producer.dispatch({ value, key: last.key, eventTime, properties }, (err) => {
      if (err) {
        for (const e of events) this.fail(e.consumer, e.msg, err);
        return;
      }
      const now = Date.now();
      for (const e of events) {
        if (c.processingGuarantees === 'ATLEAST_ONCE') e.consumer.ack(e.msg);
        this.observer.endToEnd(now - e.msg.publishTime);
      }
      this.observer.eventsScored(events.length);
    });
  }

  /** Permanent → dead letter now; transient → nack, or dead letter once maxMessageRetries is used up. */
  private fail(consumer: Consumer, msg: Message, err: unknown): void {
    if (this.config.processingGuarantees === 'ATMOST_ONCE') {
      this.observer.deadLettered(reasonOf(err));
      this.log.warn({ err: (err as Error).message, topic: msg.topic }, 'dropped (ATMOST_ONCE)');
      return;
    }
    const attempts = msg.redeliveryCount + 1;
    if (failureKind(err) === 'transient' && msg.redeliveryCount < this.config.maxMessageRetries) {
      this.observer.negativeAck(reasonOf(err));
      consumer.nack(msg);
      return;
    }
    this.observer.deadLettered(reasonOf(err));
    const p = consumer.deadLetter(msg, deadLetterProperties(err, attempts, this.config.name)).catch((e: unknown) => {
      // Not stored in the DLQ: let it come back rather than lose it.
      this.log.error({ err: (e as Error).message }, 'dead-letter publish failed; nacking');
      consumer.nack(msg);
    });
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}
