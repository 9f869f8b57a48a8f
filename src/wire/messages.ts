// Hand-written shapes of the protocol's shared messages (everything that is not a Command*). One interface
// serves both ways: objects Strobe builds for encoding, and objects the decoder returns. Decoded objects:
// - an absent optional field is undefined (no protobuf defaults are filled in), a repeated field is an array;
// - bytes fields are Buffers that view the received frame (zero-copy): copy them to keep them long;
// - 64-bit integers are numbers (signed, as the broker's Java longs), `UnsafeIntegerError` beyond 2^53 - 1;
// - bit sets (`ackSet`) are bigint, one per 64-bit word.
import type { CompressionType, KeySharedMode, SchemaType } from './enums.js';

export interface KeyValue {
  key: string;
  value: string;
}

export interface KeyLongValue {
  key: string;
  value: number;
}

/** A hash range of a Key_Shared consumer, inclusive on both ends, within 0..65535. */
export interface IntRange {
  start: number;
  end: number;
}

export interface Schema {
  name: string;
  /** For AVRO, the Avro schema JSON (UTF-8). */
  schemaData: Uint8Array;
  type: SchemaType;
  properties?: KeyValue[];
}

export interface MessageIdData {
  ledgerId: number;
  entryId: number;
  /** Absent means -1 (not partitioned). */
  partition?: number;
  /** Absent means -1 (not in a batch). */
  batchIndex?: number;
  ackSet?: bigint[];
  batchSize?: number;
  firstChunkMessageId?: MessageIdData;
}

export interface EncryptionKeys {
  key: string;
  value: Uint8Array;
  metadata?: KeyValue[];
}

export interface MessageMetadata {
  producerName: string;
  sequenceId: number;
  /** Milliseconds since the epoch. */
  publishTime: number;
  properties?: KeyValue[];
  replicatedFrom?: string;
  partitionKey?: string;
  replicateTo?: string[];
  compression?: CompressionType;
  /** Size of the payload before compression; present when compression is. */
  uncompressedSize?: number;
  /** Present exactly when the payload is a batch (even a batch of one). */
  numMessagesInBatch?: number;
  eventTime?: number;
  encryptionKeys?: EncryptionKeys[];
  encryptionAlgo?: string;
  encryptionParam?: Uint8Array;
  schemaVersion?: Uint8Array;
  partitionKeyB64Encoded?: boolean;
  orderingKey?: Uint8Array;
  deliverAtTime?: number;
  markerType?: number;
  txnidLeastBits?: number;
  txnidMostBits?: number;
  highestSequenceId?: number;
  nullValue?: boolean;
  uuid?: string;
  numChunksFromMsg?: number;
  totalChunkMsgSize?: number;
  chunkId?: number;
  nullPartitionKey?: boolean;
}

/** Per-message metadata inside a batch payload. */
export interface SingleMessageMetadata {
  properties?: KeyValue[];
  partitionKey?: string;
  /** encodeBatch() fills this in from the payload when it is absent. */
  payloadSize: number;
  compactedOut?: boolean;
  eventTime?: number;
  partitionKeyB64Encoded?: boolean;
  orderingKey?: Uint8Array;
  sequenceId?: number;
  nullValue?: boolean;
  nullPartitionKey?: boolean;
}

/** Added by the broker in front of MESSAGE payloads when CONNECT announced supportsBrokerEntryMetadata. */
export interface BrokerEntryMetadata {
  brokerTimestamp?: number;
  index?: number;
}

export interface FeatureFlags {
  supportsAuthRefresh?: boolean;
  supportsBrokerEntryMetadata?: boolean;
  supportsPartialProducer?: boolean;
  supportsTopicWatchers?: boolean;
}

export interface AuthData {
  authMethodName?: string;
  authData?: Uint8Array;
}

export interface KeySharedMeta {
  keySharedMode: KeySharedMode;
  hashRanges?: IntRange[];
  allowOutOfOrderDelivery?: boolean;
}
