import { ServerError, StrobeError } from '../errors.js';
import { CommandType, LookupType, PartitionedMetadataResult, serverErrorName } from '../wire/enums.js';
import type { ConnectionPool } from './connection-pool.js';
import type { Connection } from './connection.js';

export interface LookupResult {
  /** The broker that serves the topic. */
  readonly logicalUrl: string;
  /** Where to dial it (a proxy when the broker says so). */
  readonly physicalUrl: string;
}

const MAX_REDIRECTS = 20;

/** Topic lookup and partitioned metadata over the binary protocol, starting at the service URL. */
export class LookupService {
  private readonly pool: ConnectionPool;
  private readonly serviceUrl: string;
  private readonly useTls: boolean;

  constructor(pool: ConnectionPool, serviceUrl: string) {
    this.pool = pool;
    this.serviceUrl = serviceUrl;
    this.useTls = serviceUrl.startsWith('pulsar+ssl://');
  }

  /** Follows Redirect answers (with their authoritative flag) until a broker answers Connect. */
  async lookup(topic: string): Promise<LookupResult> {
    let url = this.serviceUrl;
    let authoritative = false;
    for (let hop = 0; hop < MAX_REDIRECTS; hop++) {
      const conn = await this.pool.get(url, this.serviceUrl === url ? url : this.physical(url));
      const requestId = conn.newRequestId();
      const res = await conn.request(
        { type: CommandType.LOOKUP, lookupTopic: { topic, requestId, authoritative } },
        requestId,
        `lookup ${topic}`,
      );
      const r = res.lookupTopicResponse;
      if (!r) throw new StrobeError('LOOKUP_FAILED', `lookup ${topic}: unexpected answer type ${res.type}`, { retriable: true });
      if (r.response === LookupType.Failed) {
        const name = serverErrorName(r.error ?? 0);
        throw new ServerError(name, `lookup ${topic} failed: ${name}: ${r.message ?? ''}`, { retriable: name !== 'AuthorizationError' && name !== 'TopicNotFound' });
      }
      const target = (this.useTls ? r.brokerServiceUrlTls : r.brokerServiceUrl) ?? r.brokerServiceUrl ?? url;
      if (r.response === LookupType.Connect) {
        return { logicalUrl: target, physicalUrl: r.proxyThroughServiceUrl ? this.serviceUrl : target };
      }
      url = target;
      authoritative = r.authoritative ?? false;
    }
    throw new StrobeError('LOOKUP_FAILED', `lookup ${topic}: more than ${MAX_REDIRECTS} redirects`, { retriable: true });
  }

  /** Number of partitions (0 for a non-partitioned topic). */
  async partitions(topic: string): Promise<number> {
    const conn: Connection = await this.pool.get(this.serviceUrl);
    const requestId = conn.newRequestId();
    const res = await conn.request(
      { type: CommandType.PARTITIONED_METADATA, partitionMetadata: { topic, requestId } },
      requestId,
      `partitioned metadata of ${topic}`,
    );
    const r = res.partitionMetadataResponse;
    if (!r || r.response === PartitionedMetadataResult.Failed) {
      const name = serverErrorName(r?.error ?? 0);
      throw new ServerError(name, `partitioned metadata of ${topic} failed: ${name}: ${r?.message ?? ''}`, { retriable: name !== 'AuthorizationError' && name !== 'TopicNotFound' });
    }
    return r.partitions ?? 0;
  }

  private physical(url: string): string {
    return url;
  }
}
