/**
 * Seeded synthetic click sessions for the session recommender. A catalogue of items in categories; each
 * item has a few "related" items (bought together, same series) that users tend to click next, so the
 * next click is predictable from the last few — what a sequence model should learn. Clicks of many
 * concurrent sessions are interleaved in event-time order, like a real click stream keyed by session.
 */
import { Prng, hash32 } from './prng.js';
import { ZipfSampler } from './zipf-sampler.js';

export type ClickType = 'view' | 'click' | 'add_to_cart';

export interface Click {
  session_id: string;
  user_id: string;
  item_id: string;
  category: string;
  event_type: ClickType;
  /** 0-based position of this click in its session. */
  position: number;
  /** Epoch milliseconds. */
  event_time: number;
}

export interface SessionGeneratorOptions {
  /** @default 1 */
  readonly seed?: number;
  /** Catalogue size. @default 200 */
  readonly itemCount?: number;
  /** Items per category. @default 10 */
  readonly itemsPerCategory?: number;
  /** Distinct users. @default 5000 */
  readonly userCount?: number;
  /** Sessions open at once in the interleaved stream. @default 100 */
  readonly concurrentSessions?: number;
  /** Mean clicks per session (geometric, at least 2). @default 8 */
  readonly meanSessionLength?: number;
  /** @default 2024-03-04T00:00:00Z */
  readonly startTime?: number;
  /** Average clicks per second of event time. @default 200 */
  readonly eventsPerSecond?: number;
}

interface OpenSession {
  readonly id: string;
  readonly user: string;
  readonly length: number;
  position: number;
  item: number;
}

const RELATED = 3;

export class SessionGenerator implements Iterable<Click> {
  /** Item ids in catalogue order: the vocabulary of item features and of top-k outputs. */
  readonly items: readonly string[];
  readonly categories: readonly string[];
  private readonly rng: Prng;
  private readonly seed: number;
  private readonly perCategory: number;
  private readonly related: Int32Array;
  private readonly popularity: ZipfSampler;
  /** Popularity rank → item, so popular items are spread over categories. */
  private readonly byRank: Int32Array;
  private readonly userCount: number;
  private readonly stopProbability: number;
  private readonly meanGapMs: number;
  private readonly open: OpenSession[] = [];
  private time: number;
  private sessionCounter = 0;

  constructor(options: SessionGeneratorOptions = {}) {
    this.seed = options.seed ?? 1;
    this.rng = new Prng(this.seed ^ 0x5e55);
    const n = options.itemCount ?? 200;
    this.perCategory = options.itemsPerCategory ?? 10;
    this.items = Array.from({ length: n }, (_, i) => `item-${i.toString().padStart(4, '0')}`);
    this.categories = Array.from({ length: Math.ceil(n / this.perCategory) }, (_, c) => `cat-${c.toString().padStart(2, '0')}`);
    this.related = new Int32Array(n * RELATED);
    for (let i = 0; i < n; i++) {
      const cat = Math.floor(i / this.perCategory);
      for (let r = 0; r < RELATED; r++) {
        const h = hash32(i * RELATED + r, this.seed);
        // Mostly within the category, sometimes a cross-sell into another one.
        const target = r < 2 ? cat * this.perCategory + (h % this.perCategory) : h % n;
        this.related[i * RELATED + r] = target === i ? (i + 1) % n : Math.min(target, n - 1);
      }
    }
    this.byRank = new Int32Array(n);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => hash32(a, this.seed + 1) - hash32(b, this.seed + 1));
    order.forEach((item, rank) => (this.byRank[rank] = item));
    this.popularity = new ZipfSampler(n, 1.0);
    this.userCount = options.userCount ?? 5000;
    this.stopProbability = 1 / Math.max(1, (options.meanSessionLength ?? 8) - 1);
    this.meanGapMs = 1000 / (options.eventsPerSecond ?? 200);
    this.time = options.startTime ?? Date.UTC(2024, 2, 4);
    const concurrent = options.concurrentSessions ?? 100;
    for (let i = 0; i < concurrent; i++) this.open.push(this.newSession());
  }

  [Symbol.iterator](): Iterator<Click> {
    return { next: () => ({ value: this.next(), done: false }) };
  }

  batch(n: number): Click[] {
    const out = new Array<Click>(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  /** The next click of the interleaved stream. */
  next(): Click {
    this.time += Math.max(1, Math.round(this.rng.exponential(this.meanGapMs)));
    const slot = this.rng.int(this.open.length);
    const s = this.open[slot]!;
    const click = this.click(s, this.time);
    if (s.position >= s.length) this.open[slot] = this.newSession();
    return click;
  }

  /** One whole session (not interleaved), for training. */
  nextSession(): Click[] {
    const s = this.newSession();
    const clicks: Click[] = [];
    while (s.position < s.length) {
      this.time += 1000 + this.rng.int(30_000);
      clicks.push(this.click(s, this.time));
    }
    return clicks;
  }

  private newSession(): OpenSession {
    let length = 2;
    while (length < 30 && !this.rng.chance(this.stopProbability)) length++;
    const id = `s-${this.seed.toString(36)}-${(this.sessionCounter++).toString(36)}`;
    return { id, user: `user-${this.rng.int(this.userCount)}`, length, position: 0, item: this.popular() };
  }

  private popular(): number {
    return this.byRank[this.popularity.sample(this.rng) - 1] ?? 0;
  }

  private click(s: OpenSession, time: number): Click {
    if (s.position > 0) s.item = this.nextItem(s.item);
    const item = s.item;
    const u = this.rng.next();
    const click: Click = {
      session_id: s.id,
      user_id: s.user,
      item_id: this.items[item] ?? '',
      category: this.categories[Math.floor(item / this.perCategory)] ?? '',
      event_type: u < 0.6 ? 'view' : u < 0.9 ? 'click' : 'add_to_cart',
      position: s.position,
      event_time: time,
    };
    s.position++;
    return click;
  }

  /** Users mostly follow related items, sometimes browse the category or jump to something popular. */
  private nextItem(current: number): number {
    const u = this.rng.next();
    if (u < 0.6) return this.related[current * RELATED + this.rng.int(RELATED)] ?? current;
    const cat = Math.floor(current / this.perCategory);
    if (u < 0.8) return Math.min(this.items.length - 1, cat * this.perCategory + ((current % this.perCategory) + 1) % this.perCategory);
    if (u < 0.92) return this.popular();
    return Math.min(this.items.length - 1, cat * this.perCategory + this.rng.int(this.perCategory));
  }
}
