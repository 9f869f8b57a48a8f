import type { PulsarAdmin } from '../client/admin.js';
import type { Message } from '../client/message.js';
import type { StrobeMetrics } from '../metrics/strobe-metrics.js';

const WARM_UP_MS = 5000;

interface MetricJson {
  name: string;
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
}

/** The demo's live line: rates in and out, batch fill, end-to-end latency percentiles, backlog, dead letters. */
export class LiveStats {
  private readonly metrics: StrobeMetrics;
  private readonly fn: string;
  private readonly t0 = Date.now();
  private lastAt = Date.now();
  private producedTotal = 0;
  private producedAtLast = 0;
  private scoredTotal = 0;
  private scoredAtLast = 0;
  private latencies: number[] = [];
  private allLatencies: number[] = [];
  private lastFill = { sum: 0, count: 0 };
  private fill = { sum: 0, count: 0 };
  private deadLetters = 0;
  private backlogValue: number | undefined;
  private best: { score: number; text: string } | undefined;
  private flagged = 0;

  constructor(metrics: StrobeMetrics, fn: string) {
    this.metrics = metrics;
    this.fn = fn;
  }

  /** Every produced transaction has come back scored. */
  get caughtUp(): boolean {
    return this.scoredTotal >= this.producedTotal;
  }

  produced(confirmed: number): void {
    this.producedTotal = confirmed;
  }

  scored(record: Record<string, unknown>, m: Message): void {
    this.scoredTotal++;
    const eventTime = typeof record.event_time === 'number' ? record.event_time : m.eventTime;
    const latency = Date.now() - eventTime;
    this.latencies.push(latency);
    // The summary leaves out the first seconds (JIT, connections, model warm-up).
    if (Date.now() - this.t0 > WARM_UP_MS && this.allLatencies.length < 200_000) this.allLatencies.push(latency);
    const score = typeof record.fraud_score === 'number' ? record.fraud_score : 0;
    if (record.is_fraud_predicted === true) this.flagged++;
    if (!this.best || score > this.best.score) {
      this.best = {
        score,
        text: `${score >= 0.5 ? 'FLAGGED' : 'highest '} ${String(record.card_id)} ${String(record.transaction_id)} fraud_score=${score.toFixed(4)} latency=${latency} ms`,
      };
    }
  }

  /** Reads the backlog and the worker's metrics (prom-client reads are async) before `line()`. */
  async refresh(admin: PulsarAdmin, topic: string, subscription: string): Promise<void> {
    try {
      this.backlogValue = (await admin.topicStats(topic)).subscriptions[subscription]?.msgBacklog;
    } catch {
      this.backlogValue = undefined;
    }
    const fill = (await this.metrics.batchFill.get()) as unknown as MetricJson;
    let sum = 0;
    let count = 0;
    for (const v of fill.values) {
      if (v.labels.function !== this.fn) continue;
      if (v.metricName?.endsWith('_sum')) sum = v.value;
      if (v.metricName?.endsWith('_count')) count = v.value;
    }
    this.fill = { sum, count };
    const dead = (await this.metrics.deadLetters.get()) as unknown as MetricJson;
    this.deadLetters = dead.values.filter((v) => v.labels.function === this.fn).reduce((a, v) => a + v.value, 0);
  }

  line(): string {
    const now = Date.now();
    const secs = Math.max(0.001, (now - this.lastAt) / 1000);
    const inRate = (this.producedTotal - this.producedAtLast) / secs;
    const outRate = (this.scoredTotal - this.scoredAtLast) / secs;
    this.lastAt = now;
    this.producedAtLast = this.producedTotal;
    this.scoredAtLast = this.scoredTotal;
    const fill = this.fillSinceLast();
    const [p50, p99] = percentiles(this.latencies, [0.5, 0.99]);
    this.latencies = [];
    const t = ((now - this.t0) / 1000).toFixed(0).padStart(3);
    return (
      `[${t}s] in ${inRate.toFixed(0).padStart(5)}/s  out ${outRate.toFixed(0).padStart(5)}/s  ` +
      `batch fill ${fill === undefined ? '  - ' : fill.toFixed(2)}  e2e p50 ${fmt(p50)} p99 ${fmt(p99)}  ` +
      `backlog ${this.backlogValue ?? '?'}  dead letters ${this.deadLetters}  flagged ${this.flagged}`
    );
  }

  takeSample(): string | undefined {
    const s = this.best?.text;
    this.best = undefined;
    return s;
  }

  summary(): string {
    const [p50, p99, p999] = percentiles(this.allLatencies, [0.5, 0.99, 0.999]);
    const secs = (Date.now() - this.t0) / 1000;
    return (
      `Scored ${this.scoredTotal} of ${this.producedTotal} transactions in ${secs.toFixed(0)} s, ${this.flagged} flagged as fraud; ` +
      `end-to-end latency after the first ${WARM_UP_MS / 1000} s: p50 ${fmt(p50)}, p99 ${fmt(p99)}, p99.9 ${fmt(p999)}.`
    );
  }

  private fillSinceLast(): number | undefined {
    const d = { sum: this.fill.sum - this.lastFill.sum, count: this.fill.count - this.lastFill.count };
    this.lastFill = this.fill;
    return d.count > 0 ? d.sum / d.count : undefined;
  }
}

function percentiles(values: readonly number[], qs: readonly number[]): (number | undefined)[] {
  if (values.length === 0) return qs.map(() => undefined);
  const sorted = [...values].sort((a, b) => a - b);
  return qs.map((q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
}

function fmt(ms: number | undefined): string {
  return ms === undefined ? '   -' : `${String(Math.round(ms)).padStart(4)} ms`;
}
