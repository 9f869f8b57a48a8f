import type { MessageIdData } from '../wire/messages.js';
import { entryKey, type MessageId } from './message-id.js';

/**
 * Turns message acks into entry acks. A batch entry is acknowledged to the broker only once every message
 * of it that was delivered has been acked (acking an entry acks all its messages). Ready entry acks are
 * grouped and handed out by `takeReady` (the consumer sends them on a timer, or at once when grouping is 0).
 */
export class AckTracker {
  /** Batch entries with messages not acked yet: entry key → delivered-and-unacked batch indexes. */
  private readonly open = new Map<string, Set<number>>();
  private ready: MessageIdData[] = [];
  private readonly readyKeys = new Set<string>();

  /** Records the messages of a batch entry handed to the application (a redelivery replaces the set). */
  delivered(ids: readonly MessageId[]): void {
    const first = ids[0];
    if (!first || first.batchIndex < 0) return;
    this.open.set(entryKey(first), new Set(ids.map((i) => i.batchIndex)));
  }

  /** Acks one message; returns true when its entry became ready to ack. */
  ack(id: MessageId): boolean {
    const key = entryKey(id);
    if (id.batchIndex >= 0) {
      const rest = this.open.get(key);
      if (rest) {
        rest.delete(id.batchIndex);
        if (rest.size > 0) return false;
        this.open.delete(key);
      }
    }
    if (this.readyKeys.has(key)) return false;
    this.readyKeys.add(key);
    this.ready.push({ ledgerId: id.ledgerId, entryId: id.entryId });
    return true;
  }

  /** Forgets an entry (it is being redelivered or dead-lettered whole). */
  forget(id: MessageId): void {
    this.open.delete(entryKey(id));
  }

  get readyCount(): number {
    return this.ready.length;
  }

  /** Entry acks to send now; they leave the tracker. */
  takeReady(): MessageIdData[] {
    const out = this.ready;
    this.ready = [];
    this.readyKeys.clear();
    return out;
  }

  /** Puts back acks that could not be sent (not connected). */
  restore(ids: readonly MessageIdData[]): void {
    for (const id of ids) {
      const key = `${id.ledgerId}:${id.entryId}`;
      if (this.readyKeys.has(key)) continue;
      this.readyKeys.add(key);
      this.ready.push(id);
    }
  }
}
