import type { ClientContext } from './client-context.js';
import type { OutgoingMessage } from './message.js';
import type { MessageId } from './message-id.js';
import { PartitionRouter } from './message-router.js';
import { PartitionProducer, type ProducerOptions } from './producer.js';
import type { Producer } from './producer-factory.js';
import { partitionName } from './topic-name.js';

/** A producer on a partitioned topic: one PartitionProducer per partition, keyed routing as the Java client. */
export class PartitionedProducer implements Producer {
  readonly topic: string;
  private readonly parts: PartitionProducer[];
  private readonly router: PartitionRouter;

  constructor(ctx: ClientContext, opts: ProducerOptions, partitions: number) {
    this.topic = opts.topic;
    this.parts = Array.from(
      { length: partitions },
      (_, i) => new PartitionProducer(ctx, { ...opts, topic: partitionName(opts.topic, i), producerName: opts.producerName && `${opts.producerName}-${i}` }, i),
    );
    const batching = opts.batching ?? true;
    this.router = new PartitionRouter(partitions, batching ? (opts.batchingMaxPublishDelayMs ?? 10) : 0);
  }

  get partitions(): number {
    return this.parts.length;
  }

  async start(): Promise<void> {
    try {
      await Promise.all(this.parts.map((p) => p.start()));
    } catch (err) {
      await Promise.allSettled(this.parts.map((p) => p.close()));
      throw err;
    }
  }

  private pick(message: OutgoingMessage): PartitionProducer {
    return this.parts[this.router.choose(message.key)] as PartitionProducer;
  }

  send(message: OutgoingMessage): Promise<MessageId> {
    return this.pick(message).send(message);
  }

  dispatch(message: OutgoingMessage, onReceipt: (err: Error | undefined, id: MessageId | undefined) => void): Promise<void> {
    return this.pick(message).dispatch(message, onReceipt);
  }

  async flush(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.flush()));
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((p) => p.close()));
  }
}
