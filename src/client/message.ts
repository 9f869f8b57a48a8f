import type { MessageId } from './message-id.js';

/** What a producer sends. */
export interface OutgoingMessage {
  readonly value: Uint8Array;
  /** Routes the message to a partition and, on Key_Shared subscriptions, to a consumer. */
  readonly key?: string;
  /** Overrides `key` for Key_Shared dispatch only. */
  readonly orderingKey?: Uint8Array;
  readonly properties?: Readonly<Record<string, string>>;
  /** Application event time, ms since the epoch. */
  readonly eventTime?: number;
  /** Deliver at this time (ms since the epoch), Shared / Key_Shared subscriptions only. */
  readonly deliverAt?: number;
  /** Deliver after this delay (ms). */
  readonly deliverAfterMs?: number;
}

/** What a consumer receives. */
export interface Message {
  readonly id: MessageId;
  readonly topic: string;
  readonly value: Buffer;
  readonly key: string | undefined;
  readonly orderingKey: Buffer | undefined;
  readonly properties: Readonly<Record<string, string>>;
  /** Producer publish time (ms since the epoch). */
  readonly publishTime: number;
  /** Application event time (ms), 0 when the producer set none. */
  readonly eventTime: number;
  /** Broker's timestamp when it stored the entry (broker entry metadata), if exposed. */
  readonly brokerPublishTime: number | undefined;
  readonly redeliveryCount: number;
  readonly producerName: string;
  readonly sequenceId: number;
  /** The schema version the producer registered (opaque bytes), if any. */
  readonly schemaVersion: Buffer | undefined;
  /** Size of the value in bytes. */
  readonly size: number;
}
