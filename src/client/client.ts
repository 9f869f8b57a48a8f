import { ServerError, StrobeError } from '../errors.js';
import { CommandType, serverErrorName } from '../wire/enums.js';
import type { Schema } from '../wire/messages.js';
import type { Authentication } from './auth.js';
import { noEvents, type ClientContext, type ClientEventSink } from './client-context.js';
import { ConnectionPool } from './connection-pool.js';
import type { TlsOptions } from './connection.js';
import { Consumer, type ConsumerOptions } from './consumer.js';
import { silentLogger, type ClientLogger } from './logger.js';
import { LookupService } from './lookup.js';
import { PartitionedProducer } from './partitioned-producer.js';
import { PartitionProducer, type ProducerOptions } from './producer.js';
import type { Producer, ProducerFactory } from './producer-factory.js';
import { parseTopicName } from './topic-name.js';

export interface ClientOptions {
  /** `pulsar://host:6650` or `pulsar+ssl://host:6651`. */
  readonly serviceUrl: string;
  readonly auth?: Authentication;
  readonly tls?: TlsOptions;
  /** @default 10000 */
  readonly connectTimeoutMs?: number;
  /** @default 30000 */
  readonly operationTimeoutMs?: number;
  /** @default 30000 */
  readonly keepAliveIntervalMs?: number;
  readonly logger?: ClientLogger;
  /** Counters for a metrics layer (reconnects, nacks, dead letters, corrupt frames). */
  readonly events?: Partial<ClientEventSink>;
}

/**
 * Entry point of Strobe's Pulsar client: shares connections between every producer and consumer it creates.
 *
 * ```ts
 * const client = new PulsarClient({ serviceUrl: 'pulsar://127.0.0.1:6650' });
 * const producer = await client.createProducer({ topic: 'orders' });
 * await producer.send({ value: Buffer.from('hi'), key: 'k1' });
 * ```
 */
export class PulsarClient implements ProducerFactory {
  private readonly ctx: ClientContext;
  private readonly pool: ConnectionPool;
  private readonly producers = new Set<Producer>();
  private readonly consumers = new Set<Consumer>();
  private nextProducerId = 0;
  private nextConsumerId = 0;
  private closed = false;
  private maxMessageSize = 5 * 1024 * 1024;

  constructor(opts: ClientOptions) {
    this.pool = new ConnectionPool({
      tls: opts.tls,
      auth: opts.auth,
      connectTimeoutMs: opts.connectTimeoutMs,
      operationTimeoutMs: opts.operationTimeoutMs,
      keepAliveIntervalMs: opts.keepAliveIntervalMs,
      logger: opts.logger,
    });
    const lookup = new LookupService(this.pool, opts.serviceUrl);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    this.ctx = {
      pool: this.pool,
      lookup,
      logger: opts.logger ?? silentLogger,
      events: { ...noEvents, ...opts.events },
      get maxMessageSize() {
        return self.maxMessageSize;
      },
      newProducerId: () => this.nextProducerId++,
      newConsumerId: () => this.nextConsumerId++,
    };
  }

  /** Creates a producer; a partitioned topic gets one producer per partition behind the same interface. */
  async createProducer(opts: ProducerOptions): Promise<Producer> {
    this.assertOpen();
    const topic = parseTopicName(opts.topic).full;
    const partitions = await this.ctx.lookup.partitions(topic);
    await this.learnLimits();
    const producer = partitions > 0 ? new PartitionedProducer(this.ctx, { ...opts, topic }, partitions) : new PartitionProducer(this.ctx, { ...opts, topic });
    await producer.start();
    this.producers.add(producer);
    return producer;
  }

  /** Subscribes; resolves once every partition is subscribed and has been granted flow permits. */
  async subscribe(opts: ConsumerOptions): Promise<Consumer> {
    this.assertOpen();
    await this.learnLimits();
    const consumer = new Consumer(this.ctx, opts, this);
    await consumer.start();
    this.consumers.add(consumer);
    return consumer;
  }

  /** The schema registered under `version` (opaque bytes from a message), or the latest when absent. */
  async getSchema(topic: string, version?: Uint8Array): Promise<{ schema: Schema; version: Buffer | undefined } | undefined> {
    const full = parseTopicName(topic).full;
    const { logicalUrl, physicalUrl } = await this.ctx.lookup.lookup(full);
    const conn = await this.pool.get(logicalUrl, physicalUrl);
    const requestId = conn.newRequestId();
    const res = await conn.request(
      { type: CommandType.GET_SCHEMA, getSchema: { requestId, topic: full, schemaVersion: version } },
      requestId,
      `get schema of ${full}`,
    );
    const r = res.getSchemaResponse;
    if (!r) throw new StrobeError('SCHEMA_LOOKUP_FAILED', `unexpected answer ${res.type} to GET_SCHEMA`, { retriable: true });
    if (r.errorCode !== undefined) {
      const name = serverErrorName(r.errorCode);
      if (name === 'TopicNotFound') return undefined;
      throw new ServerError(name, `get schema of ${full}: ${name}: ${r.errorMessage ?? ''}`);
    }
    if (!r.schema) return undefined;
    return { schema: r.schema, version: r.schemaVersion ? Buffer.from(r.schemaVersion) : undefined };
  }

  /** Closes every producer and consumer created by this client, then the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.consumers].map((c) => c.close()));
    await Promise.allSettled([...this.producers].map((p) => p.close()));
    await this.pool.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StrobeError('ALREADY_CLOSED', 'the Pulsar client is closed');
  }

  private async learnLimits(): Promise<void> {
    const conns = await this.pool.openConnections();
    const first = conns[0];
    if (first) this.maxMessageSize = first.maxMessageSize;
  }
}
