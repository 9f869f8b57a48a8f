/**
 * `strobe lag`: per input topic of a function, the figures of its subscription that KEDA scales on —
 * backlog (msgBacklog), unacknowledged messages, redelivery rate, consumers — from the admin API.
 * Partitioned topics are read aggregated, with per-partition detail on request. Optionally creates a
 * missing subscription, since KEDA's pulsar scaler fails while it does not exist.
 */
import { AdminError, type PulsarAdmin, type SubscriptionStats, type TopicStats } from '../client/admin.js';
import type { FunctionConfig } from '../config/function-config.js';

export type LagAdmin = Pick<PulsarAdmin, 'partitions' | 'topicStats' | 'partitionedStats' | 'createSubscription'>;

export interface LagFigures {
  /** Messages not yet acknowledged by the subscription (what KEDA reads). */
  readonly backlog: number;
  /** Delivered to consumers and not yet acknowledged. */
  readonly unacked: number;
  /** Messages per second delivered again (nacks, ack time-outs, reconnects). */
  readonly redeliveryRate: number;
  readonly consumers: number;
}

export interface PartitionLag extends LagFigures {
  readonly topic: string;
  readonly subscriptionExists: boolean;
}

export interface TopicLag extends LagFigures {
  readonly topic: string;
  /** 0 for a non-partitioned topic. */
  readonly partitions: number;
  readonly exists: boolean;
  readonly subscriptionExists: boolean;
  /** Subscription type reported by the broker (Key_Shared, Shared, ...), when connected consumers set one. */
  readonly subscriptionType?: string;
  /** True when this run created the subscription (--ensure-subscriptions). */
  readonly created?: boolean;
  /** Per partition, when asked for (partitioned topics only). */
  readonly partitionDetail?: readonly PartitionLag[];
}

export interface FunctionLag {
  readonly function: string;
  readonly subscription: string;
  readonly topics: readonly TopicLag[];
  readonly total: LagFigures;
}

export interface LagOptions {
  /** Per-partition detail for partitioned topics. @default false */
  readonly perPartition?: boolean;
  /** Create a missing subscription at the function's subscriptionPosition. @default false */
  readonly ensureSubscriptions?: boolean;
}

const NONE: LagFigures = { backlog: 0, unacked: 0, redeliveryRate: 0, consumers: 0 };

export async function readFunctionLag(admin: LagAdmin, fn: FunctionConfig, opts: LagOptions = {}): Promise<FunctionLag> {
  const topics: TopicLag[] = [];
  for (const topic of fn.inputs) topics.push(await readTopicLag(admin, fn, topic, opts));
  return { function: fn.name, subscription: fn.subName, topics, total: sum(topics) };
}

async function readTopicLag(admin: LagAdmin, fn: FunctionConfig, topic: string, opts: LagOptions): Promise<TopicLag> {
  const partitions = await partitionCount(admin, topic);
  const read = (): Promise<TopicStats | undefined> =>
    orMissing(partitions > 0 ? admin.partitionedStats(topic, opts.perPartition === true) : admin.topicStats(topic));
  let stats = await read();
  let created = false;
  if (opts.ensureSubscriptions === true && stats?.subscriptions[fn.subName] === undefined) {
    // On a partitioned topic the broker creates the subscription on every partition.
    await admin.createSubscription(topic, fn.subName, fn.subscriptionPosition === 'Earliest' ? 'earliest' : 'latest');
    created = true;
    stats = await read();
  }
  const sub = stats?.subscriptions[fn.subName];
  const detail =
    opts.perPartition === true && partitions > 0 && stats?.partitions !== undefined
      ? Object.entries(stats.partitions)
          .map(([name, p]): PartitionLag => {
            const s = p.subscriptions[fn.subName];
            return { topic: name, subscriptionExists: s !== undefined, ...figures(s) };
          })
          .sort((a, b) => partitionIndex(a.topic) - partitionIndex(b.topic))
      : undefined;
  return {
    topic,
    partitions,
    exists: stats !== undefined,
    subscriptionExists: sub !== undefined,
    ...(sub?.type === undefined ? {} : { subscriptionType: sub.type }),
    ...(created ? { created } : {}),
    ...figures(sub),
    ...(detail === undefined ? {} : { partitionDetail: detail }),
  };
}

/** Partitions of a topic; 0 for a non-partitioned one and for one that does not exist (Pulsar 4 answers 404). */
export async function partitionCount(admin: Pick<PulsarAdmin, 'partitions'>, topic: string): Promise<number> {
  try {
    return await admin.partitions(topic);
  } catch (e) {
    if (e instanceof AdminError && e.status === 404) return 0;
    throw e;
  }
}

function figures(s: SubscriptionStats | undefined): LagFigures {
  if (s === undefined) return NONE;
  return {
    backlog: s.msgBacklog,
    unacked: s.unackedMessages,
    redeliveryRate: s.msgRateRedeliver,
    consumers: s.consumers.length,
  };
}

async function orMissing(p: Promise<TopicStats>): Promise<TopicStats | undefined> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AdminError && e.status === 404) return undefined;
    throw e;
  }
}

function partitionIndex(topic: string): number {
  const m = /-partition-(\d+)$/.exec(topic);
  return m === null ? -1 : Number(m[1]);
}

function sum(list: readonly LagFigures[]): LagFigures {
  return list.reduce<LagFigures>(
    (a, t) => ({ backlog: a.backlog + t.backlog, unacked: a.unacked + t.unacked, redeliveryRate: a.redeliveryRate + t.redeliveryRate, consumers: a.consumers + t.consumers }),
    NONE,
  );
}

const HEADERS = ['TOPIC', 'PARTITIONS', 'BACKLOG', 'UNACKED', 'REDELIVER/S', 'CONSUMERS'] as const;

/** A plain-text table per function, then notes on missing topics and subscriptions. */
export function formatLag(lags: readonly FunctionLag[]): string {
  const out: string[] = [];
  for (const f of lags) {
    // The broker reports type "None" for a subscription without consumers.
    const types = [...new Set(f.topics.map((t) => t.subscriptionType).filter((t): t is string => t !== undefined && t !== 'None'))];
    out.push(`${f.function}  subscription ${f.subscription}${types.length > 0 ? ` (${types.join(', ')})` : ''}`);
    const rows: string[][] = [];
    for (const t of f.topics) {
      rows.push(t.subscriptionExists ? row(t.topic, t.partitions === 0 ? '-' : String(t.partitions), t) : [t.topic, t.partitions === 0 ? '-' : String(t.partitions), 'n/a', 'n/a', 'n/a', 'n/a']);
      for (const p of t.partitionDetail ?? []) rows.push(row(`  ${p.topic.slice(p.topic.lastIndexOf('/') + 1)}`, '', p));
    }
    if (f.topics.length > 1) rows.push(row('total', '', f.total));
    out.push(table([...HEADERS], rows), '');
    for (const t of f.topics) {
      if (!t.exists) out.push(`note: ${t.topic} does not exist yet (the first producer or worker creates it)`);
      else if (!t.subscriptionExists) {
        out.push(`note: no subscription "${f.subscription}" on ${t.topic} yet: KEDA's pulsar scaler reports an error until a worker subscribes once, or run strobe lag ${f.function} --ensure-subscriptions`);
      } else if (t.created === true) out.push(`created subscription "${f.subscription}" on ${t.topic}`);
    }
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function row(label: string, partitions: string, f: LagFigures): string[] {
  return [label, partitions, String(f.backlog), String(f.unacked), f.redeliveryRate.toFixed(1), String(f.consumers)];
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
