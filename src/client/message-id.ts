/** Identity of a message: an entry in a ledger, and its index when the entry is a batch. */
export interface MessageId {
  readonly ledgerId: number;
  readonly entryId: number;
  /** Partition index, -1 for a non-partitioned topic. */
  readonly partition: number;
  /** Index inside a batch entry, -1 when the entry holds one message. */
  readonly batchIndex: number;
  /** Number of messages in the batch entry (0 when not batched). */
  readonly batchSize: number;
}

export function messageId(ledgerId: number, entryId: number, partition = -1, batchIndex = -1, batchSize = 0): MessageId {
  return { ledgerId, entryId, partition, batchIndex, batchSize };
}

/** `ledger:entry:partition[:batchIndex]`, the form the official clients write into ORIGIN_MESSAGE_ID. */
export function formatMessageId(id: MessageId): string {
  const base = `${id.ledgerId}:${id.entryId}:${id.partition}`;
  return id.batchIndex >= 0 ? `${base}:${id.batchIndex}` : base;
}

/** Key of the entry a message lives in (all messages of one batch share it). */
export function entryKey(id: MessageId): string {
  return `${id.ledgerId}:${id.entryId}`;
}

export function compareMessageIds(a: MessageId, b: MessageId): number {
  return a.ledgerId - b.ledgerId || a.entryId - b.entryId || a.partition - b.partition || a.batchIndex - b.batchIndex;
}

export const EARLIEST: MessageId = Object.freeze(messageId(-1, -1, -1, -1));
export const LATEST: MessageId = Object.freeze(messageId(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, -1, -1));
