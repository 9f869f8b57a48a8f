/**
 * One key's FIFO of events inside the KeyBatcher. Events, arrival times and cumulative byte counts are
 * kept in parallel arrays (no wrapper object per event); taking from the head moves an index, and the
 * arrays are compacted once the consumed prefix dominates.
 */
export class KeyQueue<E> {
  key: string;
  private events: E[] = [];
  private received: number[] = [];
  /** cumBytes[i] = bytes of events[0..i], counted from the last compaction. */
  private cumBytes: number[] = [];
  private head = 0;
  /** A batch holding this key's earlier events is being processed. */
  inFlight = false;
  /** Counted in the batcher's ready set (has events and is not in flight). */
  ready = false;
  /** Bumped when the key leaves the ready set, so older heap entries for it are recognised as stale. */
  epoch = 0;

  constructor(key: string) {
    this.key = key;
  }

  /** Makes an idle queue (empty, not in flight) serve another key. */
  reset(key: string): this {
    this.key = key;
    this.inFlight = false;
    this.ready = false;
    this.epoch++;
    return this;
  }

  get length(): number {
    return this.events.length - this.head;
  }

  /** Arrival time of the oldest queued event. Only meaningful when length > 0. */
  get headReceivedAt(): number {
    return this.received[this.head] ?? 0;
  }

  push(event: E, bytes: number, receivedAt: number): void {
    const last = this.cumBytes.length > 0 ? (this.cumBytes[this.cumBytes.length - 1] ?? 0) : 0;
    this.events.push(event);
    this.received.push(receivedAt);
    this.cumBytes.push(last + bytes);
  }

  /** Bytes of the first `n` queued events. */
  bytesOfFirst(n: number): number {
    if (n <= 0) return 0;
    const before = this.head > 0 ? (this.cumBytes[this.head - 1] ?? 0) : 0;
    return (this.cumBytes[this.head + n - 1] ?? before) - before;
  }

  /** Bytes of the queued event at offset `i` from the head. */
  bytesAt(i: number): number {
    return this.bytesOfFirst(i + 1) - this.bytesOfFirst(i);
  }

  /** Removes the first `n` events; returns them with their arrival times and total bytes. */
  take(n: number): { events: E[]; receivedAt: number[]; bytes: number } {
    const bytes = this.bytesOfFirst(n);
    if (this.head === 0 && n === this.events.length) {
      // Everything queued goes: hand the arrays over instead of copying and truncating them.
      const whole = { events: this.events, receivedAt: this.received, bytes };
      this.events = [];
      this.received = [];
      this.cumBytes = [];
      return whole;
    }
    const end = this.head + n;
    const events = this.events.slice(this.head, end);
    const receivedAt = this.received.slice(this.head, end);
    this.head = end;
    if (this.head === this.events.length) {
      this.events.length = 0;
      this.received.length = 0;
      this.cumBytes.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.events.length) {
      this.compact();
    }
    return { events, receivedAt, bytes };
  }

  private compact(): void {
    const base = this.cumBytes[this.head - 1] ?? 0;
    this.events = this.events.slice(this.head);
    this.received = this.received.slice(this.head);
    this.cumBytes = this.cumBytes.slice(this.head).map((c) => c - base);
    this.head = 0;
  }
}
