import type { DecodedFrame } from '../wire/frame.js';
import type { ClientLogger } from './logger.js';
import type { Message } from './message.js';
import { formatMessageId } from './message-id.js';
import type { Producer, ProducerFactory } from './producer-factory.js';

export interface DeadLetterPolicy {
  /** Redeliveries before a nacked message is dead-lettered (it is delivered maxRedeliverCount + 1 times). */
  readonly maxRedeliverCount: number;
  /** @default `<topic>-<subscription>-DLQ` */
  readonly deadLetterTopic?: string;
  /** @default `<topic>-<subscription>-RETRY` */
  readonly retryLetterTopic?: string;
  /** Created with the dead-letter topic so its messages are kept until someone reads them. */
  readonly initialSubscriptionName?: string;
}

/** Property names the official clients use on dead-letter and retry-letter copies. */
export const REAL_TOPIC = 'REAL_TOPIC';
export const ORIGIN_MESSAGE_ID = 'ORIGIN_MESSAGE_ID';
export const RECONSUMETIMES = 'RECONSUMETIMES';
export const DELAY_TIME = 'DELAY_TIME';

/** Publishes copies of messages to the dead-letter and retry-letter topics (producers created on first use). */
export class DeadLetterRouter {
  readonly deadLetterTopic: string;
  readonly retryTopic: string;
  private readonly policy: DeadLetterPolicy;
  private readonly producers: ProducerFactory;
  private readonly log: ClientLogger;
  private dlq: Promise<Producer> | undefined;
  private retry: Promise<Producer> | undefined;

  constructor(topic: string, subscription: string, policy: DeadLetterPolicy, producers: ProducerFactory, log: ClientLogger) {
    this.policy = policy;
    this.producers = producers;
    this.log = log;
    this.deadLetterTopic = policy.deadLetterTopic ?? `${topic}-${subscription}-DLQ`;
    this.retryTopic = policy.retryLetterTopic ?? `${topic}-${subscription}-RETRY`;
  }

  /** Publishes the copy and resolves once the broker has stored it. */
  async deadLetter(message: Message, extra: Readonly<Record<string, string>>): Promise<void> {
    const producer = await this.dlqProducer();
    await producer.send({
      value: message.value,
      key: message.key,
      orderingKey: message.orderingKey,
      eventTime: message.eventTime > 0 ? message.eventTime : undefined,
      properties: { ...message.properties, ...origin(message), ...extra },
    });
  }

  /** Republishes to the retry topic with a delay, or to the dead-letter topic past maxRedeliverCount. */
  async reconsumeLater(message: Message, delayMs: number, extra: Readonly<Record<string, string>>): Promise<'retry' | 'deadLetter'> {
    const times = Number(message.properties[RECONSUMETIMES] ?? '0') + 1;
    if (times > this.policy.maxRedeliverCount) {
      await this.deadLetter(message, extra);
      return 'deadLetter';
    }
    this.retry ??= this.producers.createProducer({ topic: this.retryTopic, batching: false });
    const producer = await this.retry;
    await producer.send({
      value: message.value,
      key: message.key,
      orderingKey: message.orderingKey,
      eventTime: message.eventTime > 0 ? message.eventTime : undefined,
      deliverAfterMs: delayMs,
      properties: { ...message.properties, ...origin(message), ...extra, [RECONSUMETIMES]: String(times), [DELAY_TIME]: String(delayMs) },
    });
    return 'retry';
  }

  /** Dead-letters the raw bytes of a frame that could not be read, with the reason. */
  async deadLetterRaw(topic: string, frame: DecodedFrame, reason: string): Promise<void> {
    const id = frame.command.message?.messageId;
    const producer = await this.dlqProducer();
    await producer.send({
      value: frame.payload ?? frame.rawMetadataAndPayload ?? Buffer.alloc(0),
      key: frame.metadata?.partitionKey,
      properties: {
        [REAL_TOPIC]: topic,
        [ORIGIN_MESSAGE_ID]: id ? `${id.ledgerId}:${id.entryId}:${id.partition ?? -1}` : '',
        'strobe.error.class': 'CorruptMessage',
        'strobe.error.message': reason,
      },
    });
  }

  async close(): Promise<void> {
    const all = [this.dlq, this.retry].filter((p): p is Promise<Producer> => p !== undefined);
    const settled = await Promise.allSettled(all);
    for (const s of settled) {
      if (s.status === 'fulfilled') await s.value.close();
      else this.log.debug({ err: String(s.reason) }, 'dead-letter producer never started');
    }
  }

  private dlqProducer(): Promise<Producer> {
    if (!this.dlq) {
      this.dlq = this.producers.createProducer({
        topic: this.deadLetterTopic,
        batching: false,
        initialSubscriptionName: this.policy.initialSubscriptionName,
      });
      // A failed creation must not stick: the next dead letter tries again.
      this.dlq.catch(() => (this.dlq = undefined));
    }
    return this.dlq;
  }
}

function origin(message: Message): Record<string, string> {
  return {
    [REAL_TOPIC]: message.properties[REAL_TOPIC] ?? message.topic,
    [ORIGIN_MESSAGE_ID]: message.properties[ORIGIN_MESSAGE_ID] ?? formatMessageId(message.id),
  };
}
