/**
 * Min-heap of keys ordered by the arrival time of their oldest queued event (ties: insertion order),
 * so batches serve the longest-waiting keys first. Entries are never removed from the middle: an entry
 * whose key left the ready set (epoch changed) is skipped when it reaches the top.
 */
import type { KeyQueue } from './key-queue.js';

interface Entry<E> {
  readonly at: number;
  readonly seq: number;
  readonly queue: KeyQueue<E>;
  readonly epoch: number;
}

export class ReadyHeap<E> {
  private readonly items: Entry<E>[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(queue: KeyQueue<E>): void {
    this.items.push({ at: queue.headReceivedAt, seq: this.seq++, queue, epoch: queue.epoch });
    this.up(this.items.length - 1);
  }

  /** The ready key whose oldest event is oldest, without removing it. */
  peek(): KeyQueue<E> | undefined {
    this.dropStale();
    return this.items[0]?.queue;
  }

  pop(): KeyQueue<E> | undefined {
    this.dropStale();
    const top = this.items[0];
    if (top === undefined) return undefined;
    this.removeTop();
    return top.queue;
  }

  private dropStale(): void {
    for (;;) {
      const top = this.items[0];
      if (top === undefined || (top.queue.ready && top.queue.epoch === top.epoch)) return;
      this.removeTop();
    }
  }

  private removeTop(): void {
    const last = this.items.pop();
    if (last !== undefined && this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private less(a: Entry<E>, b: Entry<E>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i];
    if (item === undefined) return;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p];
      if (parent === undefined || !this.less(item, parent)) break;
      items[i] = parent;
      i = p;
    }
    items[i] = item;
  }

  private down(i: number): void {
    const items = this.items;
    const item = items[i];
    if (item === undefined) return;
    const n = items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const left = items[l];
      const right = items[r];
      let c = l;
      let child = left;
      if (right !== undefined && left !== undefined && this.less(right, left)) {
        c = r;
        child = right;
      }
      if (child === undefined || !this.less(child, item)) break;
      items[i] = child;
      i = c;
    }
    items[i] = item;
  }
}
