import type { MessageIdData } from '../wire/messages.js';
import { redeliveryDelay } from './backoff.js';
import { entryKey, type MessageId } from './message-id.js';

export interface RedeliveryBackoff {
  /** @default 1000 */
  readonly minDelayMs: number;
  /** @default 60000 */
  readonly maxDelayMs: number;
  /** @default 2 */
  readonly multiplier: number;
}

export const DEFAULT_NACK_BACKOFF: RedeliveryBackoff = { minDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2 };

/**
 * Negatively acked entries wait here until their backoff is over (min·multiplier^redeliveryCount, capped);
 * `takeDue` hands out the ones due, grouped by owner, for one REDELIVER command each.
 */
export class NackTracker<Owner> {
  private readonly waiting = new Map<string, { owner: Owner; id: MessageIdData; due: number }>();
  private readonly backoff: RedeliveryBackoff;

  constructor(backoff: RedeliveryBackoff = DEFAULT_NACK_BACKOFF) {
    this.backoff = backoff;
  }

  /** Schedules redelivery of the message's entry; returns the delay applied. */
  add(owner: Owner, id: MessageId, redeliveryCount: number, now = Date.now()): number {
    const delay = redeliveryDelay(redeliveryCount, this.backoff);
    const key = entryKey(id);
    const due = now + delay;
    const prev = this.waiting.get(key);
    // One nacked message brings its whole entry back: keep the earliest due time.
    if (!prev || prev.due > due) this.waiting.set(key, { owner, id: { ledgerId: id.ledgerId, entryId: id.entryId }, due });
    return delay;
  }

  get size(): number {
    return this.waiting.size;
  }

  /** Earliest due time, or undefined when nothing waits. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const w of this.waiting.values()) if (min === undefined || w.due < min) min = w.due;
    return min;
  }

  takeDue(now = Date.now()): Map<Owner, MessageIdData[]> {
    const out = new Map<Owner, MessageIdData[]>();
    for (const [key, w] of this.waiting) {
      if (w.due > now) continue;
      this.waiting.delete(key);
      const list = out.get(w.owner);
      if (list) list.push(w.id);
      else out.set(w.owner, [w.id]);
    }
    return out;
  }

  /** Puts back entries whose redelivery could not be requested (owner not connected). */
  retryLater(owner: Owner, ids: readonly MessageIdData[], at: number): void {
    for (const id of ids) this.waiting.set(`${id.ledgerId}:${id.entryId}`, { owner, id, due: at });
  }

  /** Drops every entry of an owner (after its resubscribe the broker redelivers unacked entries anyway). */
  dropOwner(owner: Owner): void {
    for (const [key, w] of this.waiting) if (w.owner === owner) this.waiting.delete(key);
  }
}
