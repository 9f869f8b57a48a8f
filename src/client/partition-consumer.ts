import { AlreadyClosedError, StrobeError } from '../errors.js';
import { decodeBatch } from '../wire/batch.js';
import { decompress } from '../wire/compression.js';
import { AckType, AckValidationError, CommandType, CompressionType, InitialPosition, KeySharedMode, SubscriptionType } from '../wire/enums.js';
import { maxFrameSizeFor, type DecodedFrame } from '../wire/frame.js';
import type { KeySharedMeta, MessageIdData, MessageMetadata, Schema } from '../wire/messages.js';
import { Backoff } from './backoff.js';
import type { ClientContext } from './client-context.js';
import type { ChannelHandler, Connection } from './connection.js';
import { childLogger, type ClientLogger } from './logger.js';
import type { Message } from './message.js';
import { messageId, type MessageId } from './message-id.js';

export type SubscriptionTypeName = 'Exclusive' | 'Shared' | 'Failover' | 'Key_Shared';

export interface KeySharedPolicy {
  /** @default 'AutoSplit' */
  readonly mode?: 'AutoSplit' | 'Sticky';
  /** Sticky mode: hash ranges (0..65535 inclusive) this consumer takes. */
  readonly ranges?: readonly { readonly start: number; readonly end: number }[];
  /** Let a new consumer receive its keys before older messages of those keys are acked. @default false */
  readonly allowOutOfOrderDelivery?: boolean;
}

export interface PartitionConsumerOptions {
  readonly topic: string;
  readonly subscription: string;
  readonly subscriptionType: SubscriptionTypeName;
  readonly initialPosition: 'Earliest' | 'Latest';
  readonly receiverQueueSize: number;
  readonly consumerName?: string;
  readonly keySharedPolicy?: KeySharedPolicy;
  readonly schema?: Schema;
  readonly priorityLevel?: number;
  readonly readCompacted?: boolean;
  readonly subscriptionProperties?: Readonly<Record<string, string>>;
}

/** Where a partition consumer hands what it receives (the Consumer's shared queue). */
export interface MessageSink {
  deliver(messages: Message[]): void;
  /** Drop queued messages of this partition: after a reconnect the broker sends them again. */
  discard(owner: PartitionConsumer): void;
  /**
   * A frame that cannot be turned into messages (bad checksum, codec, batch layout). The sink reports it,
   * dead-letters the raw bytes if it can, then calls `owner.ackCorrupt(id, validationError)`.
   */
  corrupt(owner: PartitionConsumer, frame: DecodedFrame, reason: string, validationError: AckValidationError): void;
  activeChanged?(owner: PartitionConsumer, active: boolean): void;
  /** The subscription cannot be restored (e.g. credentials refused): the application must be told. */
  failed(owner: PartitionConsumer, err: Error): void;
}

type State = 'connecting' | 'ready' | 'closing' | 'closed' | 'failed';

const SUB_TYPES: Record<SubscriptionTypeName, SubscriptionType> = {
  Exclusive: SubscriptionType.Exclusive,
  Shared: SubscriptionType.Shared,
  Failover: SubscriptionType.Failover,
  Key_Shared: SubscriptionType.KeyShared,
};

/**
 * One subscription on one topic or partition: SUBSCRIBE, flow permits, acks, redelivery requests, and
 * resubscribe (same consumer id) after CLOSE_CONSUMER or connection loss.
 */
export class PartitionConsumer implements ChannelHandler {
  readonly topic: string;
  readonly partition: number;
  readonly consumerId: number;
  private readonly ctx: ClientContext;
  private readonly opts: PartitionConsumerOptions;
  private readonly sink: MessageSink;
  private readonly log: ClientLogger;
  private readonly backoff = new Backoff({ initialMs: 100, maxMs: 30_000 });
  private state: State = 'connecting';
  private conn: Connection | undefined;
  private permitsToGrant = 0;
  private paused = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly readyWaiters: (() => void)[] = [];
  /** Incremented on each (re)subscribe; frames of an older subscription are ignored. */
  private generation = 0;

  constructor(ctx: ClientContext, opts: PartitionConsumerOptions, sink: MessageSink, partition = -1) {
    this.ctx = ctx;
    this.opts = opts;
    this.sink = sink;
    this.topic = opts.topic;
    this.partition = partition;
    this.consumerId = ctx.newConsumerId();
    this.log = childLogger(ctx.logger, { topic: opts.topic, subscription: opts.subscription, consumerId: this.consumerId });
  }

  get isShared(): boolean {
    return this.opts.subscriptionType === 'Shared' || this.opts.subscriptionType === 'Key_Shared';
  }

  get connected(): boolean {
    return this.state === 'ready' && this.conn !== undefined && !this.conn.closed;
  }

  async start(): Promise<void> {
    await this.subscribe();
  }

  /** The application took `n` messages of this partition from the queue: refill permits at half the queue. */
  messagesConsumed(n: number): void {
    this.permitsToGrant += n;
    if (!this.paused && this.permitsToGrant >= Math.max(1, Math.floor(this.opts.receiverQueueSize / 2))) this.grantPermits();
  }

  /** Stops granting flow permits: the broker sends at most what it was already allowed to. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.grantPermits();
  }

  /** Sends ACK for these ids (already grouped by the caller). Returns false when not connected (caller retries later). */
  sendAcks(ids: readonly MessageIdData[], ackType: AckType = AckType.Individual): boolean {
    if (!this.connected || !this.conn || ids.length === 0) return ids.length === 0;
    this.conn.send({ type: CommandType.ACK, ack: { consumerId: this.consumerId, ackType, messageId: [...ids] } });
    return true;
  }

  /** Acks a corrupt entry with a validation error, as the official clients do, after it was reported. */
  ackCorrupt(id: MessageIdData, reason: AckValidationError): void {
    if (!this.connected || !this.conn) return;
    this.conn.send({ type: CommandType.ACK, ack: { consumerId: this.consumerId, ackType: AckType.Individual, messageId: [id], validationError: reason } });
  }

  /** Asks the broker to send these entries again (all unacked ones when `ids` is empty). */
  redeliver(ids: readonly MessageIdData[]): boolean {
    if (!this.connected || !this.conn) return false;
    if (!this.isShared) {
      // Exclusive/Failover rewind the cursor: whatever is queued locally would come twice.
      this.sink.discard(this);
      this.conn.send({ type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES, redeliverUnacknowledgedMessages: { consumerId: this.consumerId } });
      this.permitsToGrant = 0;
      this.conn.send({ type: CommandType.FLOW, flow: { consumerId: this.consumerId, messagePermits: this.opts.receiverQueueSize } });
      return true;
    }
    this.conn.send({
      type: CommandType.REDELIVER_UNACKNOWLEDGED_MESSAGES,
      redeliverUnacknowledgedMessages: { consumerId: this.consumerId, messageIds: [...ids] },
    });
    return true;
  }

  /** Resolves when subscribed (now or after the current reconnect). */
  whenReady(): Promise<void> {
    if (this.connected) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  async close(unsubscribe = false): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closing';
    clearTimeout(this.reconnectTimer);
    const conn = this.conn;
    if (conn && !conn.closed) {
      const requestId = conn.newRequestId();
      try {
        if (unsubscribe) {
          await conn.request({ type: CommandType.UNSUBSCRIBE, unsubscribe: { consumerId: this.consumerId, requestId } }, requestId, 'unsubscribe');
        } else {
          await conn.request({ type: CommandType.CLOSE_CONSUMER, closeConsumer: { consumerId: this.consumerId, requestId } }, requestId, 'close consumer');
        }
      } catch (err) {
        if (unsubscribe) throw err;
        this.log.debug({ err: (err as Error).message }, 'close consumer failed; dropping it anyway');
      } finally {
        conn.unregisterConsumer(this.consumerId);
      }
    }
    this.state = 'closed';
    for (const w of this.readyWaiters.splice(0)) w();
  }

  // ---- ChannelHandler ----

  onFrame(frame: DecodedFrame): void {
    const cmd = frame.command;
    switch (cmd.type) {
      case CommandType.MESSAGE:
        this.onMessage(frame);
        return;
      case CommandType.CLOSE_CONSUMER:
      case CommandType.TOPIC_MIGRATED:
        this.log.info({}, 'broker closed the consumer (topic unloaded or moved); resubscribing');
        this.conn?.unregisterConsumer(this.consumerId);
        this.connectionLost(new StrobeError('CONSUMER_CLOSED_BY_BROKER', `broker closed the consumer on ${this.topic}`, { retriable: true }));
        return;
      case CommandType.ACTIVE_CONSUMER_CHANGE:
        this.sink.activeChanged?.(this, cmd.activeConsumerChange?.isActive ?? false);
        return;
      default:
        return;
    }
  }

  onConnectionClosed(err: Error): void {
    this.connectionLost(err);
  }

  // ---- internals ----

  private async subscribe(): Promise<void> {
    const { logicalUrl, physicalUrl } = await this.ctx.lookup.lookup(this.topic);
    const conn = await this.ctx.pool.get(logicalUrl, physicalUrl);
    if (this.state === 'closing' || this.state === 'closed') return;
    const requestId = conn.newRequestId();
    this.generation++;
    conn.registerConsumer(this.consumerId, this);
    try {
      await conn.request(
        {
          type: CommandType.SUBSCRIBE,
          subscribe: {
            topic: this.topic,
            subscription: this.opts.subscription,
            subType: SUB_TYPES[this.opts.subscriptionType],
            consumerId: this.consumerId,
            requestId,
            consumerName: this.opts.consumerName,
            priorityLevel: this.opts.priorityLevel,
            durable: true,
            readCompacted: this.opts.readCompacted,
            schema: this.opts.schema,
            initialPosition: this.opts.initialPosition === 'Earliest' ? InitialPosition.Earliest : InitialPosition.Latest,
            keySharedMeta: this.opts.subscriptionType === 'Key_Shared' ? keySharedMeta(this.opts.keySharedPolicy) : undefined,
            subscriptionProperties: this.opts.subscriptionProperties
              ? Object.entries(this.opts.subscriptionProperties).map(([key, value]) => ({ key, value }))
              : undefined,
          },
        },
        requestId,
        `subscribe ${this.opts.subscription} on ${this.topic}`,
      );
    } catch (err) {
      conn.unregisterConsumer(this.consumerId);
      throw err;
    }
    this.conn = conn;
    this.state = 'ready';
    this.backoff.reset();
    // Messages still queued from the previous connection will be redelivered by the broker.
    this.sink.discard(this);
    this.permitsToGrant = 0;
    conn.send({ type: CommandType.FLOW, flow: { consumerId: this.consumerId, messagePermits: this.opts.receiverQueueSize } });
    for (const w of this.readyWaiters.splice(0)) w();
  }

  private grantPermits(): void {
    if (!this.connected || !this.conn || this.permitsToGrant <= 0) return;
    this.conn.send({ type: CommandType.FLOW, flow: { consumerId: this.consumerId, messagePermits: this.permitsToGrant } });
    this.permitsToGrant = 0;
  }

  private connectionLost(err: Error): void {
    if (this.state === 'closing' || this.state === 'closed' || this.state === 'failed') return;
    if (this.state === 'connecting' && this.reconnectTimer) return;
    this.state = 'connecting';
    this.conn = undefined;
    const delay = this.backoff.next();
    this.ctx.events.reconnect('consumer', this.topic, err);
    this.log.info({ err: err.message, delayMs: delay }, 'consumer resubscribing');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.subscribe().catch((e: unknown) => {
        const error = e as Error;
        if (error instanceof StrobeError && !error.retriable && !(error instanceof AlreadyClosedError)) {
          this.log.error({ err: error.message }, 'consumer cannot resubscribe, giving up');
          this.state = 'failed';
          this.sink.failed(this, error);
          return;
        }
        this.connectionLost(error);
      });
    }, delay);
  }

  private onMessage(frame: DecodedFrame): void {
    const m = frame.command.message;
    if (!m) return;
    const idData = m.messageId;
    if (frame.payloadError || frame.checksumValid === false || !frame.metadata || !frame.payload) {
      const reason = frame.payloadError?.message ?? (frame.checksumValid === false ? 'checksum mismatch' : 'missing metadata');
      this.sink.corrupt(this, frame, reason, frame.checksumValid === false ? AckValidationError.ChecksumMismatch : AckValidationError.BatchDeSerializeError);
      this.messagesConsumed(frame.metadata?.numMessagesInBatch ?? 1);
      return;
    }
    const md = frame.metadata;
    let payload = frame.payload;
    try {
      if (md.compression !== undefined && md.compression !== CompressionType.NONE) {
        // Producers check the compressed size against the limit, so a batch may legitimately inflate past it.
        payload = decompress(md.compression, payload, md.uncompressedSize ?? 0, { maxSize: maxFrameSizeFor(this.ctx.maxMessageSize) * 4 });
      }
    } catch (err) {
      this.sink.corrupt(this, frame, `decompression failed: ${(err as Error).message}`, AckValidationError.DecompressionError);
      this.messagesConsumed(md.numMessagesInBatch ?? 1);
      return;
    }
    const redeliveryCount = m.redeliveryCount ?? 0;
    const brokerPublishTime = frame.brokerEntryMetadata?.brokerTimestamp;
    const schemaVersion = md.schemaVersion ? Buffer.from(md.schemaVersion) : undefined;
    const partition = this.partition;
    if (md.numMessagesInBatch === undefined) {
      this.sink.deliver([
        buildMessage(this.topic, messageId(idData.ledgerId, idData.entryId, partition), md, payload, {
          key: md.partitionKey,
          orderingKey: md.orderingKey,
          properties: md.properties,
          eventTime: md.eventTime,
          sequenceId: md.sequenceId,
        }, redeliveryCount, brokerPublishTime, schemaVersion),
      ]);
      return;
    }
    let entries;
    try {
      entries = decodeBatch(payload, md.numMessagesInBatch);
    } catch (err) {
      this.sink.corrupt(this, frame, `batch cannot be read: ${(err as Error).message}`, AckValidationError.BatchDeSerializeError);
      this.messagesConsumed(md.numMessagesInBatch);
      return;
    }
    const ackSet = m.ackSet;
    const out: Message[] = [];
    let skipped = 0;
    entries.forEach((e, i) => {
      if ((ackSet && ackSet.length > 0 && !bitSet(ackSet, i)) || e.metadata.compactedOut) {
        skipped++;
        return;
      }
      out.push(
        buildMessage(this.topic, messageId(idData.ledgerId, idData.entryId, partition, i, entries.length), md, e.payload, {
          key: e.metadata.partitionKey,
          orderingKey: e.metadata.orderingKey,
          properties: e.metadata.properties,
          eventTime: e.metadata.eventTime,
          sequenceId: e.metadata.sequenceId ?? md.sequenceId + i,
        }, redeliveryCount, brokerPublishTime, schemaVersion),
      );
    });
    if (skipped > 0) this.messagesConsumed(skipped);
    if (out.length > 0) this.sink.deliver(out);
  }
}

function keySharedMeta(p: KeySharedPolicy | undefined): KeySharedMeta {
  const sticky = p?.mode === 'Sticky';
  if (sticky && (!p?.ranges || p.ranges.length === 0)) {
    throw new StrobeError('BAD_KEY_SHARED_POLICY', 'keySharedPolicy mode Sticky needs ranges (0..65535)', { retriable: false });
  }
  return {
    keySharedMode: sticky ? KeySharedMode.Sticky : KeySharedMode.AutoSplit,
    hashRanges: sticky ? p?.ranges?.map((r) => ({ start: r.start, end: r.end })) : undefined,
    allowOutOfOrderDelivery: p?.allowOutOfOrderDelivery ?? false,
  };
}

/** ack_set words are Java BitSet longs: bit i set = message i still to be delivered. */
function bitSet(words: readonly bigint[], i: number): boolean {
  const w = words[i >> 6];
  return w !== undefined && ((w >> BigInt(i & 63)) & 1n) === 1n;
}

function buildMessage(
  topic: string,
  id: MessageId,
  md: MessageMetadata,
  value: Buffer,
  single: {
    key: string | undefined;
    orderingKey: Uint8Array | undefined;
    properties: readonly { key: string; value: string }[] | undefined;
    eventTime: number | undefined;
    sequenceId: number;
  },
  redeliveryCount: number,
  brokerPublishTime: number | undefined,
  schemaVersion: Buffer | undefined,
): Message {
  const properties: Record<string, string> = {};
  if (single.properties) for (const kv of single.properties) properties[kv.key] = kv.value;
  return {
    id,
    topic,
    value,
    key: single.key,
    orderingKey: single.orderingKey ? Buffer.from(single.orderingKey) : undefined,
    properties,
    publishTime: md.publishTime,
    eventTime: single.eventTime ?? 0,
    brokerPublishTime,
    redeliveryCount,
    producerName: md.producerName,
    sequenceId: single.sequenceId,
    schemaVersion,
    size: value.length,
  };
}
