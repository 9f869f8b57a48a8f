import type { SingleMessageMetadata } from '../wire/messages.js';
import type { OutgoingMessage } from './message.js';
import type { MessageId } from './message-id.js';

/** One message waiting in a batch, with what to call when its receipt (or failure) arrives. */
export interface QueuedMessage {
  readonly message: OutgoingMessage;
  /** Mutable: the producer stamps the sequence id when the batch is sent. */
  readonly single: SingleMessageMetadata;
  readonly size: number;
  /** The sender's callback: (undefined, id) when stored, (error) when it failed. */
  readonly onReceipt: (err: Error | undefined, id: MessageId | undefined) => void;
}

export interface BatchLimits {
  /** @default 1000 */
  readonly maxMessages: number;
  /** @default 128 KiB */
  readonly maxBytes: number;
}

/**
 * Gathers messages into batches. Key-based mode keeps one open batch per key (so every entry holds a single
 * key, as Key_Shared dispatch needs); default mode keeps one batch. `add` returns the batches that became
 * full; `drain` returns every open batch (on the publish-delay timer, flush or close).
 */
export class BatchContainer {
  private readonly limits: BatchLimits;
  private readonly keyBased: boolean;
  private readonly open = new Map<string, { messages: QueuedMessage[]; bytes: number }>();
  private count = 0;

  constructor(limits: BatchLimits, keyBased: boolean) {
    this.limits = limits;
    this.keyBased = keyBased;
  }

  /** Messages held in open batches. */
  get size(): number {
    return this.count;
  }

  add(q: QueuedMessage): QueuedMessage[][] {
    const k = this.keyBased ? (q.message.orderingKey ? `o:${Buffer.from(q.message.orderingKey).toString('base64')}` : `k:${q.message.key ?? ''}`) : '';
    const full: QueuedMessage[][] = [];
    let b = this.open.get(k);
    // A message that would push the batch past its byte limit starts a new batch.
    if (b && b.bytes + q.size > this.limits.maxBytes && b.messages.length > 0) {
      full.push(b.messages);
      this.count -= b.messages.length;
      this.open.delete(k);
      b = undefined;
    }
    if (!b) this.open.set(k, (b = { messages: [], bytes: 0 }));
    b.messages.push(q);
    b.bytes += q.size;
    this.count++;
    if (b.messages.length >= this.limits.maxMessages || b.bytes >= this.limits.maxBytes) {
      full.push(b.messages);
      this.count -= b.messages.length;
      this.open.delete(k);
    }
    return full;
  }

  drain(): QueuedMessage[][] {
    const all = [...this.open.values()].map((b) => b.messages);
    this.open.clear();
    this.count = 0;
    return all;
  }
}
