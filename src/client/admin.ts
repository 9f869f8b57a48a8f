import { StrobeError } from '../errors.js';
import { restPath } from './topic-name.js';

export interface AdminOptions {
  /** e.g. http://127.0.0.1:8080 */
  readonly adminUrl: string;
  /** Bearer token (static or supplied per request). */
  readonly token?: string | (() => string | Promise<string>);
  /** Per request. @default 30000 */
  readonly timeoutMs?: number;
}

/** Subscription figures from topic stats (the ones KEDA and `strobe lag` read). */
export interface SubscriptionStats {
  readonly msgBacklog: number;
  readonly unackedMessages: number;
  readonly msgRateRedeliver: number;
  readonly msgRateOut: number;
  readonly type?: string;
  readonly consumers: readonly { readonly consumerName?: string; readonly unackedMessages?: number; readonly msgRateOut?: number }[];
}

export interface TopicStats {
  readonly msgInCounter: number;
  readonly msgOutCounter?: number;
  readonly bytesInCounter?: number;
  readonly storageSize?: number;
  readonly publishers: readonly { readonly producerName?: string }[];
  readonly subscriptions: Readonly<Record<string, SubscriptionStats>>;
  readonly partitions?: Readonly<Record<string, TopicStats>>;
}

/** Error answer of the admin REST API; `status` is the HTTP status. */
export class AdminError extends StrobeError {
  readonly status: number;
  constructor(status: number, method: string, path: string, body: string) {
    super(`ADMIN_${status}`, `${method} ${path} answered ${status}: ${body.slice(0, 500)}`, { retriable: status >= 500 || status === 429 });
    this.status = status;
  }
}

/** A small client for Pulsar's admin REST API (v2): topics, stats, unload, schemas, namespaces. */
export class PulsarAdmin {
  private readonly base: string;
  private readonly opts: AdminOptions;

  constructor(opts: AdminOptions) {
    this.opts = opts;
    this.base = opts.adminUrl.replace(/\/+$/, '');
  }

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = typeof this.opts.token === 'function' ? await this.opts.token() : this.opts.token;
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new StrobeError('ADMIN_UNREACHABLE', `${method} ${this.base}${path} failed: ${(err as Error).message}`, {
        retriable: true,
        cause: err,
      });
    }
    const text = await res.text();
    if (res.status >= 400) throw new AdminError(res.status, method, path, text);
    return { status: res.status, text };
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { text } = await this.request(method, path, body);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  async health(): Promise<boolean> {
    try {
      const { text } = await this.request('GET', '/admin/v2/brokers/health');
      return text.trim() === 'ok';
    } catch {
      return false;
    }
  }

  listNamespaces(tenant: string): Promise<string[]> {
    return this.json('GET', `/admin/v2/namespaces/${encodeURIComponent(tenant)}`);
  }

  async createTopic(topic: string): Promise<void> {
    await this.request('PUT', `/admin/v2/${restPath(topic)}`);
  }

  async createPartitionedTopic(topic: string, partitions: number): Promise<void> {
    await this.request('PUT', `/admin/v2/${restPath(topic)}/partitions`, partitions);
  }

  /** Number of partitions; 0 for a non-partitioned (or not yet existing) topic. */
  async partitions(topic: string): Promise<number> {
    const r = await this.json<{ partitions: number }>('GET', `/admin/v2/${restPath(topic)}/partitions`);
    return r.partitions;
  }

  async deleteTopic(topic: string, opts: { force?: boolean; partitioned?: boolean } = {}): Promise<void> {
    const suffix = opts.partitioned ? '/partitions' : '';
    await this.request('DELETE', `/admin/v2/${restPath(topic)}${suffix}?force=${opts.force ?? true}`);
  }

  topicStats(topic: string): Promise<TopicStats> {
    return this.json('GET', `/admin/v2/${restPath(topic)}/stats`);
  }

  /** Aggregated stats of a partitioned topic, with per-partition stats when `perPartition`. */
  partitionedStats(topic: string, perPartition = false): Promise<TopicStats> {
    return this.json('GET', `/admin/v2/${restPath(topic)}/partitioned-stats?perPartition=${perPartition}`);
  }

  /** Forces every client of the topic to reconnect (what a bundle move does in production). */
  async unload(topic: string): Promise<void> {
    await this.request('PUT', `/admin/v2/${restPath(topic)}/unload`);
  }

  /** The latest registered schema, or undefined if none. */
  async getSchema(topic: string): Promise<{ type: string; data: string; properties?: Record<string, string>; version?: number } | undefined> {
    try {
      return await this.json('GET', `/admin/v2/schemas/${restPath(topic).replace(/^[^/]+\//, '')}/schema`);
    } catch (err) {
      if (err instanceof AdminError && err.status === 404) return undefined;
      throw err;
    }
  }

  async setDeduplication(tenantNamespace: string, enabled: boolean): Promise<void> {
    await this.request('POST', `/admin/v2/namespaces/${tenantNamespace}/deduplication`, enabled);
  }

  async createSubscription(topic: string, subscription: string, position: 'earliest' | 'latest' = 'earliest'): Promise<void> {
    const body = position === 'earliest' ? { ledgerId: 0, entryId: 0, partitionIndex: -1 } : undefined;
    await this.request('PUT', `/admin/v2/${restPath(topic)}/subscription/${encodeURIComponent(subscription)}`, body);
  }
}

