/**
 * Strobe's Prometheus metrics (prefix `strobe_`, label `function`) on a registry of their own, so
 * several workers or tests in one process never collide in prom-client's global registry.
 * `forFunction(name)` returns the per-function view a FunctionRunner reports to.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { FLUSH_REASONS, type FlushReason } from '../pipeline/flush-reason.js';
import type { RunnerObserver } from '../pipeline/runner-observer.js';
import type { EnrichmentObserver, FeatureAction, FeatureState } from '../features/store/enrichment-observer.js';

const SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
const FILL_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
// Seconds, from sub-millisecond model calls to multi-second backlogs.
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const AGE_BUCKETS = [0.1, 1, 5, 15, 60, 300, 900, 3600, 21600, 86400];

export interface StrobeMetricsOptions {
  /** @default a new Registry */
  readonly registry?: Registry;
  /** Also export Node process metrics (CPU, memory, event-loop lag) with prefix `strobe_`. @default false */
  readonly processMetrics?: boolean;
}

export class StrobeMetrics {
  readonly registry: Registry;
  readonly eventsReceived: Counter<'function'>;
  readonly eventsScored: Counter<'function'>;
  readonly batchSize: Histogram<'function'>;
  readonly batchFill: Histogram<'function'>;
  readonly batchFlushes: Counter<'function' | 'reason'>;
  readonly queueWait: Histogram<'function'>;
  readonly inferenceDuration: Histogram<'function'>;
  readonly inferenceRows: Counter<'function'>;
  readonly endToEndLatency: Histogram<'function'>;
  readonly featureAge: Histogram<'function'>;
  readonly nacks: Counter<'function' | 'reason'>;
  readonly deadLetters: Counter<'function' | 'reason'>;
  readonly redeliveries: Counter<'function'>;
  readonly decodeErrors: Counter<'function'>;
  readonly duplicates: Counter<'function'>;
  readonly inflightBatches: Gauge<'function'>;
  readonly queuedEvents: Gauge<'function'>;
  readonly flowPaused: Gauge<'function'>;
  readonly subscriptionBacklog: Gauge<'function' | 'topic' | 'subscription'>;
  readonly modelInfo: Gauge<'function' | 'backend' | 'device' | 'fallback'>;
  readonly functionState: Gauge<'function' | 'state'>;
  readonly clientReconnects: Counter<'kind' | 'topic'>;
  readonly corruptMessages: Counter<'topic'>;
  readonly featureValues: Counter<'function' | 'source' | 'state' | 'action'>;
  readonly featureSourceAge: Histogram<'function' | 'source'>;
  readonly featureStoreDuration: Histogram<'function' | 'op'>;
  readonly featureStoreErrors: Counter<'function' | 'op'>;
  readonly featureCacheHits: Counter<'function' | 'source'>;
  readonly featureStoreUp: Gauge<'function'>;

  constructor(options: StrobeMetricsOptions = {}) {
    const registers = [(this.registry = options.registry ?? new Registry())];
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> =>
      new Counter({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> =>
      new Gauge({ name, help, labelNames, registers });
    const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> =>
      new Histogram({ name, help, labelNames, buckets, registers });
    const fn = ['function'] as const;

    this.eventsReceived = counter('strobe_events_received_total', 'Input messages received.', fn);
    this.eventsScored = counter('strobe_events_scored_total', 'Inputs whose outputs the broker confirmed (then acked).', fn);
    this.batchSize = histogram('strobe_batch_size_events', 'Events per micro-batch.', fn, SIZE_BUCKETS);
    this.batchFill = histogram('strobe_batch_fill_ratio', 'Batch size / maxBatchSize.', fn, FILL_BUCKETS);
    this.batchFlushes = counter('strobe_batch_flushes_total', 'Micro-batches flushed, by reason (size, bytes, time, drain).', ['function', 'reason']);
    this.queueWait = histogram('strobe_queue_wait_seconds', 'Time from receipt to leaving the key batcher (oldest event of a batch).', fn, LATENCY_BUCKETS);
    this.inferenceDuration = histogram('strobe_inference_duration_seconds', 'Duration of one model call.', fn, LATENCY_BUCKETS);
    this.inferenceRows = counter('strobe_inference_rows_total', 'Rows sent to the model.', fn);
    this.endToEndLatency = histogram('strobe_end_to_end_latency_seconds', 'From the input publish time to the output send receipt.', fn, LATENCY_BUCKETS);
    this.featureAge = histogram('strobe_feature_age_seconds', 'Age of enriched features when used (staleness).', fn, AGE_BUCKETS);
    this.nacks = counter('strobe_nacks_total', 'Inputs negatively acknowledged for redelivery, by reason.', ['function', 'reason']);
    this.deadLetters = counter('strobe_dead_letters_total', 'Inputs sent to the dead-letter topic, by reason (error class).', ['function', 'reason']);
    this.redeliveries = counter('strobe_redeliveries_total', 'Inputs received again (redelivery count > 0).', fn);
    this.decodeErrors = counter('strobe_decode_errors_total', 'Inputs whose payload could not be decoded.', fn);
    this.duplicates = counter('strobe_duplicates_total', 'Inputs scored more than once (seen again after a crash or redelivery).', fn);
    this.inflightBatches = gauge('strobe_inflight_batches', 'Micro-batches being scored or published.', fn);
    this.queuedEvents = gauge('strobe_queued_events', 'Events waiting in the key batcher.', fn);
    this.flowPaused = gauge('strobe_flow_paused', '1 while the consumer grants no flow permits (queue full).', fn);
    this.subscriptionBacklog = gauge('strobe_subscription_backlog', 'Messages not yet acknowledged on the subscription (admin API).', ['function', 'topic', 'subscription']);
    this.modelInfo = gauge('strobe_model_info', 'Always 1; labels tell the backend and device in use and whether the device fell back.', ['function', 'backend', 'device', 'fallback']);
    this.functionState = gauge('strobe_function_state', '1 for the current lifecycle state of the function, 0 for the others.', ['function', 'state']);
    this.clientReconnects = counter('strobe_client_reconnects_total', 'Producer and consumer reconnects (connection lost, topic unloaded or moved).', ['kind', 'topic']);
    this.corruptMessages = counter('strobe_client_corrupt_messages_total', 'Frames that could not be read (checksum, codec, batch layout); dead-lettered when the consumer has a policy.', ['topic']);

    this.featureValues = counter('strobe_feature_values_total', 'Looked-up feature values by source, state (fresh, stale, missing, unavailable) and action (used, default, retry, deadLetter).', ['function', 'source', 'state', 'action']);
    this.featureSourceAge = histogram('strobe_feature_source_age_seconds', 'Age of the oldest value of a feature source used for a record.', ['function', 'source'], AGE_BUCKETS);
    this.featureStoreDuration = histogram('strobe_feature_store_duration_seconds', 'One round trip to the feature store (op: read per batch, write of in-stream state).', ['function', 'op'], LATENCY_BUCKETS);
    this.featureStoreErrors = counter('strobe_feature_store_errors_total', 'Feature store round trips that failed (store unavailable or timed out).', ['function', 'op']);
    this.featureCacheHits = counter('strobe_feature_cache_hits_total', 'Entities served from the in-process feature cache.', ['function', 'source']);
    this.featureStoreUp = gauge('strobe_feature_store_up', '1 while the function\'s feature store connection is ready.', fn);

    if (options.processMetrics === true) collectDefaultMetrics({ register: this.registry, prefix: 'strobe_' });
  }

  /** The metrics of one function, with the `function` label bound. */
  forFunction(name: string): FunctionMetrics {
    return new FunctionMetrics(this, name);
  }

  /** Text exposition for /metrics. */
  async render(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * One function's metrics: the FunctionRunner's observer. Every method is synchronous and cheap (label
 * children of the hot-path metrics are resolved once).
 */
export class FunctionMetrics implements RunnerObserver, EnrichmentObserver {
  readonly name: string;
  private readonly m: StrobeMetrics;
  private readonly received: Counter.Internal;
  private readonly scored: Counter.Internal;
  private readonly size: Histogram.Internal<'function'>;
  private readonly fill: Histogram.Internal<'function'>;
  private readonly flushes: Record<FlushReason, Counter.Internal>;
  private readonly wait: Histogram.Internal<'function'>;
  private readonly inferenceTime: Histogram.Internal<'function'>;
  private readonly rows: Counter.Internal;
  private readonly latency: Histogram.Internal<'function'>;
  private readonly inflight: Gauge.Internal<'function'>;
  private modelLabels: { backend: string; device: string; fallback: string } | undefined;
  private lastState: string | undefined;

  constructor(metrics: StrobeMetrics, name: string) {
    this.m = metrics;
    this.name = name;
    const l = { function: name };
    this.received = metrics.eventsReceived.labels(l);
    this.scored = metrics.eventsScored.labels(l);
    this.size = metrics.batchSize.labels(l);
    this.fill = metrics.batchFill.labels(l);
    this.flushes = Object.fromEntries(FLUSH_REASONS.map((r) => [r, metrics.batchFlushes.labels({ function: name, reason: r })])) as Record<FlushReason, Counter.Internal>;
    this.wait = metrics.queueWait.labels(l);
    this.inferenceTime = metrics.inferenceDuration.labels(l);
    this.rows = metrics.inferenceRows.labels(l);
    this.latency = metrics.endToEndLatency.labels(l);
    this.inflight = metrics.inflightBatches.labels(l);
    // Export zeros from the start so rates and alerts work before the first event.
    for (const c of [metrics.decodeErrors, metrics.duplicates, metrics.redeliveries]) c.labels(l).inc(0);
    for (const c of [this.received, this.scored, this.rows, ...Object.values(this.flushes)]) c.inc(0);
    this.inflight.set(0);
  }

  eventsReceived(n: number): void {
    this.received.inc(n);
  }

  eventsScored(n: number): void {
    this.scored.inc(n);
  }

  batchFlushed(size: number, fill: number, reason: FlushReason, queueWaitMs: number): void {
    this.size.observe(size);
    this.fill.observe(fill);
    this.flushes[reason].inc();
    this.wait.observe(queueWaitMs / 1000);
  }

  inference(ms: number, rows: number): void {
    this.inferenceTime.observe(ms / 1000);
    this.rows.inc(rows);
  }

  endToEnd(ms: number): void {
    this.latency.observe(ms / 1000);
  }

  featureAge(ms: number): void {
    this.m.featureAge.labels({ function: this.name }).observe(ms / 1000);
  }

  featureValues(source: string, state: FeatureState, action: FeatureAction, n: number): void {
    this.m.featureValues.labels({ function: this.name, source, state, action }).inc(n);
  }

  featureSourceAge(source: string, ageMs: number): void {
    this.m.featureSourceAge.labels({ function: this.name, source }).observe(ageMs / 1000);
  }

  featureStoreCall(op: 'read' | 'write', ms: number, ok: boolean): void {
    this.m.featureStoreDuration.labels({ function: this.name, op }).observe(ms / 1000);
    if (!ok) this.m.featureStoreErrors.labels({ function: this.name, op }).inc();
  }

  featureCacheHits(source: string, n: number): void {
    this.m.featureCacheHits.labels({ function: this.name, source }).inc(n);
  }

  featureStoreReady(ready: boolean): void {
    this.m.featureStoreUp.labels({ function: this.name }).set(ready ? 1 : 0);
  }

  negativeAck(reason: string): void {
    this.m.nacks.labels({ function: this.name, reason }).inc();
  }

  deadLettered(reason: string): void {
    this.m.deadLetters.labels({ function: this.name, reason }).inc();
  }

  inflightBatches(n: number): void {
    this.inflight.set(n);
  }

  queuedEvents(n: number): void {
    this.m.queuedEvents.labels({ function: this.name }).set(n);
  }

  flowPaused(paused: boolean): void {
    this.m.flowPaused.labels({ function: this.name }).set(paused ? 1 : 0);
  }

  redelivered(n: number): void {
    this.m.redeliveries.labels({ function: this.name }).inc(n);
  }

  decodeError(): void {
    this.m.decodeErrors.labels({ function: this.name }).inc();
  }

  duplicates(n: number): void {
    this.m.duplicates.labels({ function: this.name }).inc(n);
  }

  backlog(topic: string, subscription: string, messages: number): void {
    this.m.subscriptionBacklog.labels({ function: this.name, topic, subscription }).set(messages);
  }

  modelDevice(backend: string, device: string, fallback: boolean): void {
    // One series at a time: remove the previous labels when the device changes (e.g. after a reload).
    if (this.modelLabels !== undefined) this.m.modelInfo.remove({ function: this.name, ...this.modelLabels });
    this.modelLabels = { backend, device, fallback: String(fallback) };
    this.m.modelInfo.labels({ function: this.name, ...this.modelLabels }).set(1);
  }

  state(state: string): void {
    if (this.lastState !== undefined && this.lastState !== state) this.m.functionState.labels({ function: this.name, state: this.lastState }).set(0);
    this.lastState = state;
    this.m.functionState.labels({ function: this.name, state }).set(1);
  }
}
