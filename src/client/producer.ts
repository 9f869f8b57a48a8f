import { AlreadyClosedError, ServerError, StrobeError, TimeoutError } from '../errors.js';
import { encodeBatch } from '../wire/batch.js';
import { compress } from '../wire/compression.js';
import { CommandType, CompressionType, serverErrorName } from '../wire/enums.js';
import { encodePayloadCommand, type DecodedFrame } from '../wire/frame.js';
import type { MessageMetadata, Schema, SingleMessageMetadata } from '../wire/messages.js';
import { Backoff } from './backoff.js';
import { BatchContainer, type QueuedMessage } from './batch-container.js';
import type { ClientContext } from './client-context.js';
import type { ChannelHandler, Connection } from './connection.js';
import { childLogger, type ClientLogger } from './logger.js';
import type { OutgoingMessage } from './message.js';
import { messageId, type MessageId } from './message-id.js';
import { Semaphore } from './semaphore.js';
import { TypedEmitter } from './typed-emitter.js';

export interface ProducerOptions {
  readonly topic: string;
  /** Unique on the topic; the broker picks one when absent. */
  readonly producerName?: string;
  /** Fail a message whose receipt has not arrived after this long; 0 = never. @default 30000 */
  readonly sendTimeoutMs?: number;
  /** Messages accepted but not yet confirmed; `send` waits for room beyond this. @default 1000 */
  readonly maxPendingMessages?: number;
  /** @default true */
  readonly batching?: boolean;
  /** 'keyBased' puts each key in its own batches, as Key_Shared consumers need. @default 'keyBased' */
  readonly batchingType?: 'default' | 'keyBased';
  /** @default 1000 */
  readonly batchingMaxMessages?: number;
  /** @default 131072 */
  readonly batchingMaxBytes?: number;
  /** @default 10 */
  readonly batchingMaxPublishDelayMs?: number;
  /** @default CompressionType.NONE */
  readonly compression?: CompressionType;
  /** Registered with the broker; its schema version is stamped on every message. */
  readonly schema?: Schema;
  /** Creates this subscription with the topic (dead-letter topics use it so nothing is lost before a reader comes). */
  readonly initialSubscriptionName?: string;
  /** Producer metadata shown in topic stats. */
  readonly properties?: Readonly<Record<string, string>>;
}

const RESOLVED: Promise<void> = Promise.resolve();

interface OpSend {
  readonly sequenceId: number;
  readonly messages: readonly QueuedMessage[];
  /** The encoded SEND frame, kept to resend as-is after a reconnect. */
  readonly frame: Buffer;
  readonly createdAt: number;
  readonly batched: boolean;
}

type ProducerState = 'connecting' | 'ready' | 'closing' | 'closed' | 'failed';

interface ProducerEvents {
  reconnect: (attempt: number, err: Error) => void;
  ready: () => void;
}

/** A producer for one topic (or one partition of a partitioned topic). */
export class PartitionProducer extends TypedEmitter<ProducerEvents> implements ChannelHandler {
  readonly topic: string;
  readonly partition: number;
  private readonly ctx: ClientContext;
  private readonly opts: ProducerOptions;
  private readonly log: ClientLogger;
  private readonly producerId: number;
  private readonly batches: BatchContainer | undefined;
  private readonly permits: Semaphore;
  private readonly pending: OpSend[] = [];
  private readonly backoff = new Backoff({ initialMs: 100, maxMs: 30_000 });
  private state: ProducerState = 'connecting';
  private conn: Connection | undefined;
  private name: string | undefined;
  private schemaVersion: Uint8Array | undefined;
  private nextSequenceId = 0;
  private epoch = 0;
  private firstConnect = true;
  private batchTimer: NodeJS.Timeout | undefined;
  private sendTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private flushWaiters: { upTo: number; resolve: () => void; reject: (err: Error) => void }[] = [];

  constructor(ctx: ClientContext, opts: ProducerOptions, partition = -1) {
    super();
    this.ctx = ctx;
    this.opts = opts;
    this.topic = opts.topic;
    this.partition = partition;
    this.producerId = ctx.newProducerId();
    this.log = childLogger(ctx.logger, { topic: opts.topic, producerId: this.producerId });
    this.permits = new Semaphore(opts.maxPendingMessages ?? 1000);
    if (opts.batching ?? true) {
      this.batches = new BatchContainer(
        { maxMessages: opts.batchingMaxMessages ?? 1000, maxBytes: opts.batchingMaxBytes ?? 128 * 1024 },
        (opts.batchingType ?? 'keyBased') === 'keyBased',
      );
    }
  }

  /** The name the broker knows this producer by (set once connected). */
  get producerName(): string {
    return this.name ?? '';
  }

  /** Messages accepted and not yet confirmed. */
  get pendingCount(): number {
    return this.pending.reduce((n, op) => n + op.messages.length, 0) + (this.batches?.size ?? 0);
  }

  /** Registers with the broker; rejects if the first attempt fails with a non-retriable error. */
  async start(): Promise<void> {
    await this.connect();
    const timeout = this.opts.sendTimeoutMs ?? 30_000;
    if (timeout > 0) {
      this.sendTimer = setInterval(() => this.checkSendTimeout(timeout), Math.min(1000, timeout));
      this.sendTimer.unref();
    }
  }

  /** Sends one message; resolves with its id once the broker has persisted it. Waits while the pending queue is full. */
  async send(message: OutgoingMessage): Promise<MessageId> {
    return new Promise<MessageId>((resolve, reject) => {
      this.dispatch(message, (err, id) => (err ? reject(err) : resolve(id as MessageId))).catch(reject);
    });
  }

  /**
   * Queues one message, resolving once it is accepted (there was room in the pending queue); `onReceipt`
   * is called when the broker confirms it or it fails. The way to pipeline many sends with backpressure.
   */
  dispatch(message: OutgoingMessage, onReceipt: (err: Error | undefined, id: MessageId | undefined) => void): Promise<void> {
    if (this.state === 'closed' || this.state === 'closing' || this.state === 'failed') {
      return Promise.reject(new AlreadyClosedError(`producer on ${this.topic}`));
    }
    const size = message.value.byteLength;
    if (size > this.ctx.maxMessageSize) {
      return Promise.reject(new StrobeError('MESSAGE_TOO_BIG', `a ${size}-byte message exceeds the broker's max message size ${this.ctx.maxMessageSize}`));
    }
    // Hot path: a free permit means no promise and no closure beyond the caller's callback.
    if (this.permits.tryAcquire()) {
      this.enqueue(message, size, onReceipt);
      return RESOLVED;
    }
    return this.permits.acquire().then(() => {
      if (this.state === 'closed' || this.state === 'closing' || this.state === 'failed') {
        this.permits.release(1);
        throw new AlreadyClosedError(`producer on ${this.topic}`);
      }
      this.enqueue(message, size, onReceipt);
    });
  }

  private enqueue(message: OutgoingMessage, size: number, onReceipt: (err: Error | undefined, id: MessageId | undefined) => void): void {
    const single: SingleMessageMetadata = {
      payloadSize: size,
      partitionKey: message.key,
      orderingKey: message.orderingKey,
      eventTime: message.eventTime,
      properties: message.properties ? Object.entries(message.properties).map(([key, value]) => ({ key, value })) : undefined,
    };
    const q: QueuedMessage = { message, single, size, onReceipt };
    const delayed = message.deliverAt !== undefined || message.deliverAfterMs !== undefined;
    if (!this.batches || delayed) {
      this.sendOp([q], false);
      return;
    }
    for (const full of this.batches.add(q)) this.sendOp(full, true);
    if (this.batches.size > 0 && !this.batchTimer) {
      this.batchTimer = setTimeout(() => this.flushBatches(), this.opts.batchingMaxPublishDelayMs ?? 10);
    }
  }

  /** Sends open batches now and resolves when every message accepted so far is confirmed. */
  async flush(): Promise<void> {
    this.flushBatches();
    const last = this.pending[this.pending.length - 1];
    if (!last) return;
    await new Promise<void>((resolve, reject) => this.flushWaiters.push({ upTo: last.sequenceId, resolve, reject }));
  }

  /** Flushes, waits for receipts, then closes the producer on the broker. */
  async close(): Promise<void> {
    if (this.state === 'closed') return;
    if (this.state === 'ready' || this.state === 'connecting') {
      try {
        await this.flush();
      } catch {
        /* failures were reported to each message's sender */
      }
    }
    this.state = 'closing';
    clearTimeout(this.reconnectTimer);
    clearInterval(this.sendTimer);
    clearTimeout(this.batchTimer);
    const conn = this.conn;
    if (conn && !conn.closed) {
      const requestId = conn.newRequestId();
      try {
        await conn.request({ type: CommandType.CLOSE_PRODUCER, closeProducer: { producerId: this.producerId, requestId } }, requestId, 'close producer');
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, 'close producer failed; dropping it anyway');
      }
      conn.unregisterProducer(this.producerId);
    }
    this.failAll(new AlreadyClosedError(`producer on ${this.topic}`));
    this.state = 'closed';
  }

  // ---- ChannelHandler ----

  onFrame(frame: DecodedFrame): void {
    const cmd = frame.command;
    if (cmd.type === CommandType.SEND_RECEIPT && cmd.sendReceipt) {
      const r = cmd.sendReceipt;
      this.onReceipt(r.sequenceId, { ledgerId: r.messageId?.ledgerId ?? -1, entryId: r.messageId?.entryId ?? -1 });
    } else if (cmd.type === CommandType.SEND_ERROR && cmd.sendError) {
      const name = serverErrorName(cmd.sendError.error);
      const err = new ServerError(name, `send to ${this.topic} failed: ${name}: ${cmd.sendError.message}`);
      if (name === 'TopicTerminatedError' || name === 'NotAllowedError') {
        this.state = 'failed';
        this.failAll(err);
      } else {
        // Anything else (checksum, persistence): resend everything pending on a fresh connection.
        this.log.warn({ err: err.message }, 'send error, reconnecting to resend');
        this.conn?.close(err);
      }
    } else if (cmd.type === CommandType.CLOSE_PRODUCER || cmd.type === CommandType.TOPIC_MIGRATED) {
      this.log.info({}, 'broker closed the producer (topic unloaded or moved); reconnecting');
      this.conn?.unregisterProducer(this.producerId);
      this.connectionLost(new StrobeError('PRODUCER_CLOSED_BY_BROKER', `broker closed the producer on ${this.topic}`, { retriable: true }));
    }
  }

  onConnectionClosed(err: Error): void {
    this.connectionLost(err);
  }

  // ---- internals ----

  private assertOpen(): void {
    if (this.state === 'closed' || this.state === 'closing' || this.state === 'failed') throw new AlreadyClosedError(`producer on ${this.topic}`);
  }

  private async connect(): Promise<void> {
    const { logicalUrl, physicalUrl } = await this.ctx.lookup.lookup(this.topic);
    const conn = await this.ctx.pool.get(logicalUrl, physicalUrl);
    const requestId = conn.newRequestId();
    conn.registerProducer(this.producerId, this);
    let res;
    try {
      res = await conn.request(
        {
          type: CommandType.PRODUCER,
          producer: {
            topic: this.topic,
            producerId: this.producerId,
            requestId,
            producerName: this.name ?? this.opts.producerName,
            userProvidedProducerName: this.opts.producerName !== undefined,
            epoch: this.epoch,
            schema: this.opts.schema,
            initialSubscriptionName: this.opts.initialSubscriptionName,
            metadata: this.opts.properties ? Object.entries(this.opts.properties).map(([key, value]) => ({ key, value })) : undefined,
          },
        },
        requestId,
        `create producer on ${this.topic}`,
      );
      if (res.producerSuccess?.producerReady === false) {
        // The broker queued us behind another exclusive producer: a second PRODUCER_SUCCESS follows.
        res = await conn.awaitResponse(requestId, `producer on ${this.topic} to become ready`, 0);
      }
    } catch (err) {
      conn.unregisterProducer(this.producerId);
      throw err;
    }
    const ok = res.producerSuccess;
    if (!ok) throw new StrobeError('PRODUCER_FAILED', `unexpected answer ${res.type} to PRODUCER`, { retriable: true });
    if (this.state === 'closing' || this.state === 'closed') {
      conn.unregisterProducer(this.producerId);
      return;
    }
    this.conn = conn;
    this.name = ok.producerName;
    // The broker sends an empty schema_version for schemaless producers: stamp none then.
    this.schemaVersion = ok.schemaVersion && ok.schemaVersion.length > 0 ? ok.schemaVersion : undefined;
    if (this.firstConnect && ok.lastSequenceId !== undefined && ok.lastSequenceId >= 0 && this.pending.length === 0) {
      this.nextSequenceId = Math.max(this.nextSequenceId, ok.lastSequenceId + 1);
    }
    this.firstConnect = false;
    this.state = 'ready';
    this.backoff.reset();
    for (const op of this.pending) conn.sendRaw(op.frame);
    if (this.pending.length > 0) this.log.info({ resent: this.pending.length }, 'resent pending messages after reconnect');
    this.emit('ready');
  }

  private connectionLost(err: Error): void {
    if (this.state === 'closing' || this.state === 'closed' || this.state === 'failed') return;
    if (this.state === 'connecting' && this.reconnectTimer) return;
    this.state = 'connecting';
    this.conn = undefined;
    this.epoch++;
    const delay = this.backoff.next();
    this.ctx.events.reconnect('producer', this.topic, err);
    this.emit('reconnect', this.backoff.attempts, err);
    this.log.info({ err: err.message, delayMs: delay }, 'producer reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((e: unknown) => {
        const error = e as Error;
        if (error instanceof StrobeError && !error.retriable) {
          this.state = 'failed';
          this.failAll(error);
          return;
        }
        this.connectionLost(error);
      });
    }, delay);
  }

  private flushBatches(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (!this.batches) return;
    for (const b of this.batches.drain()) this.sendOp(b, true);
  }

  private sendOp(messages: QueuedMessage[], batched: boolean): void {
    const first = messages[0];
    if (!first) return;
    const sequenceId = this.nextSequenceId;
    this.nextSequenceId += messages.length;
    const m = first.message;
    let payload: Buffer;
    if (batched) {
      // Mutating the per-message metadata avoids an object spread per message (slow on Node 20).
      payload = encodeBatch(
        messages.map((q, i) => {
          q.single.sequenceId = sequenceId + i;
          return { metadata: q.single, payload: q.message.value };
        }),
      );
    } else {
      payload = Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength);
    }
    const compression = this.opts.compression ?? CompressionType.NONE;
    const uncompressedSize = payload.length;
    if (compression !== CompressionType.NONE) payload = compress(compression, payload);
    const now = Date.now();
    const metadata: MessageMetadata = {
      producerName: this.name ?? '',
      sequenceId,
      publishTime: now,
      partitionKey: m.key,
      orderingKey: m.orderingKey,
      compression: compression === CompressionType.NONE ? undefined : compression,
      uncompressedSize: compression === CompressionType.NONE ? undefined : uncompressedSize,
      schemaVersion: this.schemaVersion,
      numMessagesInBatch: batched ? messages.length : undefined,
      highestSequenceId: batched && messages.length > 1 ? sequenceId + messages.length - 1 : undefined,
      ...(batched
        ? {}
        : {
            eventTime: m.eventTime,
            properties: first.single.properties,
            deliverAtTime: m.deliverAt ?? (m.deliverAfterMs !== undefined ? now + m.deliverAfterMs : undefined),
          }),
    };
    const frame = encodePayloadCommand(
      {
        type: CommandType.SEND,
        send: {
          producerId: this.producerId,
          sequenceId,
          numMessages: messages.length,
          highestSequenceId: messages.length > 1 ? sequenceId + messages.length - 1 : undefined,
        },
      },
      metadata,
      payload,
    );
    this.pending.push({ sequenceId, messages, frame, createdAt: now, batched });
    if (this.state === 'ready' && this.conn && !this.conn.closed) this.conn.sendRaw(frame);
  }

  private onReceipt(sequenceId: number, ids: { ledgerId: number; entryId: number }): void {
    const head = this.pending[0];
    if (!head) return;
    if (sequenceId < head.sequenceId) return; // a duplicate receipt of a resent op, already confirmed
    if (sequenceId > head.sequenceId) {
      // Receipts come in send order; a gap means we lost track: resync on a new connection.
      this.log.warn({ got: sequenceId, expected: head.sequenceId }, 'out-of-order send receipt, reconnecting');
      this.conn?.close(new StrobeError('RECEIPT_OUT_OF_ORDER', `receipt ${sequenceId} while ${head.sequenceId} pending`, { retriable: true }));
      return;
    }
    this.pending.shift();
    const batchSize = head.batched ? head.messages.length : 0;
    const msgs = head.messages;
    for (let i = 0; i < msgs.length; i++) {
      (msgs[i] as QueuedMessage).onReceipt(undefined, messageId(ids.ledgerId, ids.entryId, this.partition, batchSize > 0 ? i : -1, batchSize));
    }
    this.permits.release(head.messages.length);
    this.resolveFlushWaiters();
  }

  private resolveFlushWaiters(): void {
    if (this.flushWaiters.length === 0) return;
    const head = this.pending[0];
    const done = this.flushWaiters.filter((w) => !head || head.sequenceId > w.upTo);
    if (done.length === 0) return;
    this.flushWaiters = this.flushWaiters.filter((w) => !done.includes(w));
    for (const w of done) w.resolve();
  }

  private checkSendTimeout(timeoutMs: number): void {
    const head = this.pending[0];
    if (!head || Date.now() - head.createdAt < timeoutMs) return;
    this.log.warn({ pending: this.pending.length }, 'send timed out, failing pending messages');
    this.failAll(new TimeoutError(`no receipt from ${this.topic} within ${timeoutMs} ms`));
  }

  private failAll(err: Error): void {
    const ops = this.pending.splice(0);
    const open = this.batches?.drain() ?? [];
    const failed = [...ops.flatMap((op) => op.messages), ...open.flat()];
    for (const q of failed) q.onReceipt(err, undefined);
    this.permits.release(failed.length);
    const waiters = this.flushWaiters.splice(0);
    for (const w of waiters) w.reject(err);
  }
}
