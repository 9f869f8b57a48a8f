import { AlreadyClosedError, StrobeError, TimeoutError } from '../errors.js';
import type { AckValidationError } from '../wire/enums.js';
import type { DecodedFrame } from '../wire/frame.js';
import type { Schema } from '../wire/messages.js';
import { AckTracker } from './ack-tracker.js';
import type { ClientContext } from './client-context.js';
import { DeadLetterRouter, type DeadLetterPolicy } from './dead-letter-router.js';
import { childLogger, type ClientLogger } from './logger.js';
import type { Message } from './message.js';
import { formatMessageId } from './message-id.js';
import { DEFAULT_NACK_BACKOFF, NackTracker, type RedeliveryBackoff } from './nack-tracker.js';
import { PartitionConsumer, type KeySharedPolicy, type MessageSink, type SubscriptionTypeName } from './partition-consumer.js';
import type { ProducerFactory } from './producer-factory.js';
import { parseTopicName, partitionName } from './topic-name.js';
import { TypedEmitter } from './typed-emitter.js';

export interface ConsumerOptions {
  /** One topic or several (short or full names). Partitioned topics are expanded to their partitions. */
  readonly topic: string | readonly string[];
  readonly subscription: string;
  /** @default 'Exclusive' */
  readonly subscriptionType?: SubscriptionTypeName;
  readonly keySharedPolicy?: KeySharedPolicy;
  /** Where a new subscription starts. @default 'Latest' */
  readonly initialPosition?: 'Earliest' | 'Latest';
  /** Messages the broker may push ahead of the application, per partition. @default 1000 */
  readonly receiverQueueSize?: number;
  readonly consumerName?: string;
  /** Acks are sent in groups every this many ms; 0 sends each at once. @default 100 */
  readonly ackGroupingTimeMs?: number;
  /** Redeliver messages not acked within this time; 0 = off. @default 0 */
  readonly ackTimeoutMs?: number;
  /** Delay before a negatively acked message comes back: min·multiplier^redeliveryCount, capped. @default 1 s ×2 ≤ 60 s */
  readonly negativeAckBackoff?: RedeliveryBackoff;
  /** After maxRedeliverCount redeliveries a nacked message goes to the dead-letter topic. */
  readonly deadLetterPolicy?: DeadLetterPolicy;
  /** Subscribe to the retry-letter topic too and allow `reconsumeLater`. @default false */
  readonly retryEnable?: boolean;
  readonly schema?: Schema;
  readonly subscriptionProperties?: Readonly<Record<string, string>>;
}

export interface BatchReceiveOptions {
  /** @default 100 */
  readonly maxMessages?: number;
  /** @default 10 MiB */
  readonly maxBytes?: number;
  /** Return what has arrived after this long (possibly nothing). @default 100 */
  readonly timeoutMs?: number;
  /**
   * true: wait until maxMessages (or maxBytes) are queued or the time-out passes (the Java client's policy).
   * false: return as soon as at least one message is queued — lowest latency for a consumer that batches
   * on its own. @default true
   */
  readonly waitForFull?: boolean;
}

interface ConsumerEvents {
  /** A frame that could not be read; it was dead-lettered (if a policy is set) and acked with a validation error. */
  corruptMessage: (topic: string, reason: string) => void;
  deadLettered: (message: Message, deadLetterTopic: string) => void;
}

/**
 * A subscription on one or more topics (each partition a PartitionConsumer) with one receive queue,
 * grouped acks, negative acks with backoff, ack time-out, dead-letter and retry-letter topics.
 */
export class Consumer extends TypedEmitter<ConsumerEvents> implements MessageSink {
  readonly subscription: string;
  private readonly ctx: ClientContext;
  private readonly opts: ConsumerOptions;
  private readonly log: ClientLogger;
  private readonly owners = new Map<string, PartitionConsumer>();
  private readonly acks = new Map<PartitionConsumer, AckTracker>();
  private readonly nacks: NackTracker<PartitionConsumer>;
  private readonly deadLetters: DeadLetterRouter | undefined;
  private queue: Message[] = [];
  private queueHead = 0;
  private queuedBytes = 0;
  private readonly receivers: { resolve: (m: Message) => void; reject: (e: Error) => void; timer?: NodeJS.Timeout }[] = [];
  private readonly batchWaiters = new Set<() => void>();
  private readonly unacked = new Map<string, { owner: PartitionConsumer; message: Message; at: number }>();
  private ackTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private failure: Error | undefined;

  constructor(ctx: ClientContext, opts: ConsumerOptions, producers: ProducerFactory) {
    super();
    this.ctx = ctx;
    this.opts = opts;
    this.subscription = opts.subscription;
    this.log = childLogger(ctx.logger, { subscription: opts.subscription });
    this.nacks = new NackTracker(opts.negativeAckBackoff ?? DEFAULT_NACK_BACKOFF);
    const firstTopic = parseTopicName(typeof opts.topic === 'string' ? opts.topic : (opts.topic[0] ?? '')).full;
    if (opts.deadLetterPolicy || opts.retryEnable) {
      this.deadLetters = new DeadLetterRouter(firstTopic, opts.subscription, opts.deadLetterPolicy ?? { maxRedeliverCount: 16 }, producers, this.log);
    }
  }

  /** Subscribes every partition of every topic (and the retry topic when enabled). */
  async start(): Promise<void> {
    const topics = (typeof this.opts.topic === 'string' ? [this.opts.topic] : [...this.opts.topic]).map((t) => parseTopicName(t).full);
    if (this.opts.retryEnable && this.deadLetters) topics.push(this.deadLetters.retryTopic);
    const parts: PartitionConsumer[] = [];
    for (const topic of topics) {
      const n = await this.ctx.lookup.partitions(topic);
      const names = n > 0 ? Array.from({ length: n }, (_, i) => ({ t: partitionName(topic, i), p: i })) : [{ t: topic, p: -1 }];
      for (const { t, p } of names) {
        const pc = new PartitionConsumer(
          this.ctx,
          {
            topic: t,
            subscription: this.opts.subscription,
            subscriptionType: this.opts.subscriptionType ?? 'Exclusive',
            initialPosition: this.opts.initialPosition ?? 'Latest',
            receiverQueueSize: this.opts.receiverQueueSize ?? 1000,
            consumerName: this.opts.consumerName,
            keySharedPolicy: this.opts.keySharedPolicy,
            schema: this.opts.schema,
            subscriptionProperties: this.opts.subscriptionProperties,
          },
          this,
          p,
        );
        this.owners.set(t, pc);
        this.acks.set(pc, new AckTracker());
        parts.push(pc);
      }
    }
    try {
      await Promise.all(parts.map((pc) => pc.start()));
    } catch (err) {
      await Promise.allSettled(parts.map((pc) => pc.close()));
      throw err;
    }
    const grouping = this.opts.ackGroupingTimeMs ?? 100;
    if (grouping > 0) {
      this.ackTimer = setInterval(() => this.flushAcks(), grouping);
      this.ackTimer.unref();
    }
    this.tickTimer = setInterval(() => this.tick(), 50);
    this.tickTimer.unref();
  }

  /** The topics (partitions) this consumer reads. */
  get topics(): string[] {
    return [...this.owners.keys()];
  }

  /** Messages received and not yet taken by the application. */
  get queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** Next message; waits for one (rejects with TimeoutError after `timeoutMs` if given). */
  receive(timeoutMs?: number): Promise<Message> {
    if (this.closed) return Promise.reject(new AlreadyClosedError(`consumer ${this.subscription}`));
    const m = this.take();
    if (m) return Promise.resolve(m);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const r: (typeof this.receivers)[number] = { resolve, reject };
      if (timeoutMs !== undefined) {
        r.timer = setTimeout(() => {
          const i = this.receivers.indexOf(r);
          if (i >= 0) this.receivers.splice(i, 1);
          reject(new TimeoutError(`no message within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.receivers.push(r);
    });
  }

  /** Up to `maxMessages` messages: returns when that many are queued or when `timeoutMs` has passed. */
  async batchReceive(opts: BatchReceiveOptions = {}): Promise<Message[]> {
    if (this.failure && this.queued === 0) throw this.failure;
    if (this.closed) throw new AlreadyClosedError(`consumer ${this.subscription}`);
    const max = opts.maxMessages ?? 100;
    const maxBytes = opts.maxBytes ?? 10 * 1024 * 1024;
    const enough = opts.waitForFull === false ? 1 : max;
    if (this.queued < enough && this.queuedBytes < maxBytes) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          this.batchWaiters.delete(check);
          resolve();
        };
        const check = (): void => {
          if (this.closed || this.failure || this.queued >= enough || this.queuedBytes >= maxBytes) done();
        };
        const timer = setTimeout(done, opts.timeoutMs ?? 100);
        this.batchWaiters.add(check);
      });
    }
    const out: Message[] = [];
    let bytes = 0;
    while (out.length < max) {
      const next = this.queue[this.queueHead];
      if (!next || (out.length > 0 && bytes + next.size > maxBytes)) break;
      const m = this.take();
      if (!m) break;
      out.push(m);
      bytes += m.size;
    }
    return out;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    while (!this.closed) {
      try {
        yield await this.receive();
      } catch (err) {
        if (err instanceof AlreadyClosedError) return;
        throw err;
      }
    }
  }

  /** Acknowledges one message (its entry is acked once all its messages are). */
  ack(message: Message): void {
    const owner = this.ownerOf(message);
    if (this.unacked.size > 0) this.unacked.delete(formatMessageId(message.id));
    const tracker = this.acks.get(owner);
    if (tracker?.ack(message.id) && (this.opts.ackGroupingTimeMs ?? 100) === 0) this.flushAcks();
  }

  /** Asks for the message again after the backoff; past maxRedeliverCount it goes to the dead-letter topic. */
  nack(message: Message): void {
    const owner = this.ownerOf(message);
    this.unacked.delete(formatMessageId(message.id));
    const dl = this.deadLetters;
    if (dl && this.opts.deadLetterPolicy && message.redeliveryCount >= this.opts.deadLetterPolicy.maxRedeliverCount) {
      this.deadLetterThenAck(message, {});
      return;
    }
    this.acks.get(owner)?.forget(message.id);
    this.nacks.add(owner, message.id, message.redeliveryCount);
    this.ctx.events.negativeAck(message.topic, 1);
  }

  /**
   * Publishes the message to the dead-letter topic at once (key, properties, payload kept; REAL_TOPIC,
   * ORIGIN_MESSAGE_ID and `extraProperties` added) and acks it once the broker has stored the copy.
   */
  async deadLetter(message: Message, extraProperties: Readonly<Record<string, string>> = {}): Promise<void> {
    const dl = this.deadLetters;
    if (!dl) throw new StrobeError('NO_DEAD_LETTER_POLICY', `consumer ${this.subscription} has no deadLetterPolicy`);
    this.unacked.delete(formatMessageId(message.id));
    await dl.deadLetter(message, extraProperties);
    this.ack(message);
    this.emit('deadLettered', message, dl.deadLetterTopic);
    this.ctx.events.deadLetter(message.topic, dl.deadLetterTopic);
  }

  /** Retry-letter topic: republish with a delay and RECONSUMETIMES + 1 (dead-letter past the limit), then ack. */
  async reconsumeLater(message: Message, delayMs: number, extraProperties: Readonly<Record<string, string>> = {}): Promise<void> {
    const dl = this.deadLetters;
    if (!dl || !this.opts.retryEnable) throw new StrobeError('RETRY_NOT_ENABLED', `consumer ${this.subscription} was created without retryEnable`);
    this.unacked.delete(formatMessageId(message.id));
    const where = await dl.reconsumeLater(message, delayMs, extraProperties);
    this.ack(message);
    if (where === 'deadLetter') {
      this.emit('deadLettered', message, dl.deadLetterTopic);
      this.ctx.events.deadLetter(message.topic, dl.deadLetterTopic);
    }
  }

  /**
   * Stops granting flow permits (messages already allowed still arrive). A draining application pauses,
   * then processes what is queued, so no batch entry is left half-acked to come back whole elsewhere.
   */
  pause(): void {
    for (const pc of this.owners.values()) pc.pause();
  }

  resume(): void {
    for (const pc of this.owners.values()) pc.resume();
  }

  /** Sends grouped acks now. */
  flushAcks(): void {
    for (const [owner, tracker] of this.acks) {
      if (tracker.readyCount === 0) continue;
      const ids = tracker.takeReady();
      if (!owner.sendAcks(ids)) tracker.restore(ids);
    }
  }

  async close(opts: { unsubscribe?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.flushAcks();
    this.closed = true;
    clearInterval(this.ackTimer);
    clearInterval(this.tickTimer);
    for (const r of this.receivers.splice(0)) {
      clearTimeout(r.timer);
      r.reject(new AlreadyClosedError(`consumer ${this.subscription}`));
    }
    for (const w of [...this.batchWaiters]) w();
    await Promise.all([...this.owners.values()].map((pc) => pc.close(opts.unsubscribe ?? false)));
    await this.deadLetters?.close();
  }

  // ---- MessageSink ----

  deliver(messages: Message[]): void {
    if (this.closed) return;
    const owner = messages[0] && this.owners.get(messages[0].topic);
    if (owner) this.acks.get(owner)?.delivered(messages.map((m) => m.id));
    for (const m of messages) {
      const r = this.receivers.shift();
      if (r) {
        clearTimeout(r.timer);
        this.handOut(m);
        r.resolve(m);
      } else {
        this.queue.push(m);
        this.queuedBytes += m.size;
      }
    }
    for (const w of [...this.batchWaiters]) w();
  }

  failed(owner: PartitionConsumer, err: Error): void {
    // Messages already queued can still be processed; once they are gone, receive() reports the failure.
    this.failure = new StrobeError('SUBSCRIPTION_LOST', `subscription ${this.subscription} on ${owner.topic} lost: ${err.message}`, { cause: err, retriable: false });
    for (const r of this.receivers.splice(0)) {
      clearTimeout(r.timer);
      r.reject(this.failure);
    }
    for (const w of [...this.batchWaiters]) w();
  }

  /** Set when a partition cannot be resubscribed; the consumer is then unusable. */
  get failedWith(): Error | undefined {
    return this.failure;
  }

  discard(owner: PartitionConsumer): void {
    const keep: Message[] = [];
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const m = this.queue[i] as Message;
      if (this.owners.get(m.topic) === owner) this.queuedBytes -= m.size;
      else keep.push(m);
    }
    this.queue = keep;
    this.queueHead = 0;
    this.nacks.dropOwner(owner);
  }

  corrupt(owner: PartitionConsumer, frame: DecodedFrame, reason: string, validationError: AckValidationError): void {
    const id = frame.command.message?.messageId;
    this.log.error({ topic: owner.topic, messageId: id ? `${id.ledgerId}:${id.entryId}` : undefined, reason }, 'corrupt message');
    this.ctx.events.corruptFrame(owner.topic, reason);
    this.emit('corruptMessage', owner.topic, reason);
    if (!id) return;
    const dl = this.deadLetters;
    if (!dl) {
      owner.ackCorrupt(id, validationError);
      return;
    }
    dl.deadLetterRaw(owner.topic, frame, reason).then(
      () => owner.ackCorrupt(id, validationError),
      (err: unknown) => this.log.error({ err: (err as Error).message }, 'could not dead-letter a corrupt message; leaving it unacked'),
    );
  }

  // ---- internals ----

  private take(): Message | undefined {
    if (this.queueHead >= this.queue.length) return undefined;
    const m = this.queue[this.queueHead] as Message;
    this.queue[this.queueHead] = undefined as unknown as Message;
    this.queueHead++;
    if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    this.queuedBytes -= m.size;
    this.handOut(m);
    return m;
  }

  private handOut(m: Message): void {
    const owner = this.owners.get(m.topic);
    owner?.messagesConsumed(1);
    if (owner && (this.opts.ackTimeoutMs ?? 0) > 0) this.unacked.set(formatMessageId(m.id), { owner, message: m, at: Date.now() });
  }

  private ownerOf(message: Message): PartitionConsumer {
    const owner = this.owners.get(message.topic);
    if (!owner) throw new StrobeError('UNKNOWN_MESSAGE', `message from ${message.topic} does not belong to subscription ${this.subscription}`);
    return owner;
  }

  private deadLetterThenAck(message: Message, extra: Record<string, string>): void {
    this.deadLetter(message, extra).catch((err: unknown) => {
      // Not stored in the DLQ: leave it to come back (never ack what is not persisted somewhere).
      this.log.error({ err: (err as Error).message, messageId: formatMessageId(message.id) }, 'dead-letter publish failed; redelivering');
      const owner = this.owners.get(message.topic);
      if (owner) this.nacks.add(owner, message.id, message.redeliveryCount);
    });
  }

  private tick(): void {
    const now = Date.now();
    const ackTimeout = this.opts.ackTimeoutMs ?? 0;
    if (ackTimeout > 0) {
      for (const [key, u] of this.unacked) {
        if (now - u.at < ackTimeout) continue;
        this.unacked.delete(key);
        this.nack(u.message);
      }
    }
    if (this.nacks.size === 0) return;
    for (const [owner, ids] of this.nacks.takeDue(now)) {
      if (!owner.redeliver(ids)) this.nacks.retryLater(owner, ids, now + 500);
    }
  }
}
