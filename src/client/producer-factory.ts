import type { OutgoingMessage } from './message.js';
import type { MessageId } from './message-id.js';
import type { ProducerOptions } from './producer.js';

/** A producer on a topic, partitioned or not. */
export interface Producer {
  readonly topic: string;
  /** Sends one message; resolves once the broker has persisted it. */
  send(message: OutgoingMessage): Promise<MessageId>;
  /** Resolves once the message is accepted (backpressure); `onReceipt` reports the outcome. */
  dispatch(message: OutgoingMessage, onReceipt: (err: Error | undefined, id: MessageId | undefined) => void): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export interface ProducerFactory {
  createProducer(opts: ProducerOptions): Promise<Producer>;
}
