/**
 * Seeded synthetic card transactions with realistic fraud patterns, in event-time order. Used to train
 * the example fraud model, by the demo, `strobe produce` and the benchmarks.
 *
 * Legitimate traffic follows a daily volume curve, per-category log-normal amounts, mostly domestic use
 * on the card's known devices — with the overlaps that make real fraud detection hard: in-app purchase
 * bursts of tiny amounts, travel abroad (also to high-risk countries), new phones, big-ticket buys.
 * Fraud arrives in episodes:
 *  - card_testing: a burst of 4–12 tiny online amounts seconds apart, digital goods / gift cards, new device
 *  - account_takeover: 1–3 large online purchases (electronics, jewelry), new device, mostly at night (UTC)
 *  - cross_border: a cloned card used in person abroad (pos / atm), moderate to large amounts
 *  - risky_merchant: crypto, gambling or money transfer, larger amounts, often a new device
 * Same seed and options → the same stream, record for record.
 */
import { Prng, WeightedPicker, hash32 } from './prng.js';
import { ZipfSampler } from './zipf-sampler.js';

export type Channel = 'pos' | 'online' | 'atm';
export type FraudPattern = 'card_testing' | 'account_takeover' | 'cross_border' | 'risky_merchant';

export interface Transaction {
  transaction_id: string;
  card_id: string;
  amount: number;
  currency: string;
  merchant_id: string;
  merchant_category: string;
  /** Where the transaction happens (ISO 3166 alpha-2). */
  country: string;
  /** Where the card was issued. */
  card_country: string;
  device_id: string;
  channel: Channel;
  /** The issuer has not seen this device with this card before. */
  is_new_device: boolean;
  /** Since this card's previous transaction; null for its first one in the stream. */
  seconds_since_last_tx: number | null;
  /** Epoch milliseconds. */
  event_time: number;
  /** Ground truth; present unless `includeLabel: false`. */
  is_fraud?: boolean;
  fraud_pattern?: FraudPattern | null;
}

export interface TransactionGeneratorOptions {
  /** @default 1 */
  readonly seed?: number;
  /** Number of distinct cards (keys). @default 10000 */
  readonly keyCount?: number;
  /** How often each card appears. @default 'uniform' */
  readonly keyDistribution?: 'uniform' | 'zipf';
  /** @default 1.1 */
  readonly zipfExponent?: number;
  /** Approximate share of fraudulent transactions. @default 0.01 */
  readonly fraudRate?: number;
  /** Event time of the first transaction. @default 2024-03-04T00:00:00Z (a Monday) */
  readonly startTime?: number;
  /** Average simulated transactions per second of event time (the daily curve varies it). @default 2 */
  readonly eventsPerSecond?: number;
  /** Include `is_fraud` and `fraud_pattern`. @default true */
  readonly includeLabel?: boolean;
}

const COUNTRIES: readonly (readonly [string, number])[] = [
  ['DE', 24], ['FR', 18], ['GB', 14], ['ES', 10], ['IT', 10], ['NL', 8], ['PL', 6], ['BE', 4], ['SE', 3], ['US', 3],
];
const FRAUD_COUNTRIES = ['RU', 'NG', 'BR', 'ID', 'US', 'RO', 'UA', 'VN'];
const CURRENCY: Readonly<Record<string, string>> = {
  GB: 'GBP', PL: 'PLN', SE: 'SEK', US: 'USD', RU: 'RUB', NG: 'NGN', BR: 'BRL', ID: 'IDR', RO: 'RON', UA: 'UAH', VN: 'VND',
};

/** Category → [median amount, log sigma]. */
const AMOUNTS: Readonly<Record<string, readonly [number, number]>> = {
  grocery: [35, 0.6], restaurants: [28, 0.6], fuel: [55, 0.4], retail: [60, 0.8], pharmacy: [20, 0.6],
  electronics: [180, 0.8], travel: [320, 0.9], digital_goods: [12, 0.8], subscriptions: [14, 0.4],
  gift_cards: [50, 0.6], crypto: [250, 1.0], gambling: [60, 0.9], money_transfer: [200, 0.9], jewelry: [400, 0.8],
  atm_cash: [100, 0.6],
};
export const MERCHANT_CATEGORIES: readonly string[] = Object.keys(AMOUNTS);

const LEGIT_CATEGORIES: Readonly<Record<Channel, WeightedPicker<string>>> = {
  pos: new WeightedPicker([['grocery', 30], ['restaurants', 20], ['fuel', 12], ['retail', 18], ['pharmacy', 8], ['electronics', 4], ['travel', 3], ['jewelry', 1]]),
  online: new WeightedPicker([['retail', 30], ['digital_goods', 18], ['subscriptions', 15], ['travel', 12], ['electronics', 10], ['restaurants', 8], ['gift_cards', 3], ['gambling', 1.5], ['crypto', 1], ['money_transfer', 1.5]]),
  atm: new WeightedPicker([['atm_cash', 1]]),
};
const CHANNELS = new WeightedPicker<Channel>([['pos', 62], ['online', 33], ['atm', 5]]);
const PATTERNS = ['card_testing', 'account_takeover', 'cross_border', 'risky_merchant'] as const;
/** Relative volume of legitimate traffic per UTC hour (people sleep; fraudsters less so). */
const DAILY_CURVE = [0.25, 0.15, 0.1, 0.1, 0.12, 0.25, 0.5, 0.8, 1.1, 1.2, 1.25, 1.35, 1.5, 1.4, 1.3, 1.3, 1.4, 1.55, 1.6, 1.5, 1.3, 1.0, 0.7, 0.45];
const CURVE_MEAN = DAILY_CURVE.reduce((a, b) => a + b, 0) / 24;
const MERCHANTS_PER_CATEGORY = 400;
const HOUR_MS = 3_600_000;

/** A scheduled follow-up transaction of an episode: a fraud pattern or a legitimate in-app burst. */
interface Pending {
  readonly time: number;
  readonly card: number;
  readonly pattern: FraudPattern | 'in_app';
  readonly device: string;
  readonly country: string;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export class TransactionGenerator implements Iterable<Transaction> {
  private readonly rng: Prng;
  private readonly seed: number;
  private readonly keyCount: number;
  private readonly zipf: ZipfSampler | undefined;
  private readonly includeLabel: boolean;
  private readonly meanGapMs: number;
  private readonly episodeRate: number;
  private readonly countryPicker = new WeightedPicker(COUNTRIES);
  private readonly cardIds: (string | undefined)[] = [];
  private readonly lastSeen: Float64Array;
  private readonly merchants: Readonly<Record<string, readonly string[]>>;
  private readonly pending: Pending[] = [];
  private readonly idPrefix: string;
  private nextLegitTime: number;
  private counter = 0;

  constructor(options: TransactionGeneratorOptions = {}) {
    this.seed = options.seed ?? 1;
    this.rng = new Prng(this.seed);
    this.keyCount = options.keyCount ?? 10_000;
    if (!(this.keyCount >= 1)) throw new RangeError('keyCount must be >= 1');
    this.zipf = options.keyDistribution === 'zipf' ? new ZipfSampler(this.keyCount, options.zipfExponent ?? 1.1) : undefined;
    this.includeLabel = options.includeLabel ?? true;
    this.meanGapMs = 1000 / (options.eventsPerSecond ?? 2);
    // Episodes average ~3.4 transactions (card testing bursts dominate).
    this.episodeRate = (options.fraudRate ?? 0.01) / 3.4;
    this.nextLegitTime = options.startTime ?? Date.UTC(2024, 2, 4);
    this.lastSeen = new Float64Array(this.keyCount).fill(NaN);
    this.idPrefix = `tx-${this.seed.toString(36)}-`;
    const merchants: Record<string, string[]> = {};
    for (const cat of MERCHANT_CATEGORIES) {
      merchants[cat] = Array.from({ length: MERCHANTS_PER_CATEGORY }, (_, i) => `m-${cat.slice(0, 4)}-${(hash32(i, hash32(cat.length * 131 + cat.charCodeAt(0))) % 1_000_000).toString().padStart(6, '0')}`);
    }
    this.merchants = merchants;
  }

  [Symbol.iterator](): Iterator<Transaction> {
    return { next: () => ({ value: this.next(), done: false }) };
  }

  /** The next `n` transactions. */
  batch(n: number): Transaction[] {
    const out = new Array<Transaction>(n);
    for (let i = 0; i < n; i++) out[i] = this.next();
    return out;
  }

  /** The next transaction in event-time order. */
  next(): Transaction {
    const head = this.pending[0];
    if (head !== undefined && head.time <= this.nextLegitTime) {
      this.pending.shift();
      if (head.pattern === 'in_app') return this.inApp(head.card, head.time, head.device, head.country);
      return this.fraud(head.card, head.time, head.pattern, head.device, head.country);
    }
    const time = this.nextLegitTime;
    const hour = Math.floor((time % 86_400_000) / HOUR_MS);
    this.nextLegitTime = time + Math.max(1, Math.round(this.rng.exponential((this.meanGapMs * CURVE_MEAN) / (DAILY_CURVE[hour] ?? 1))));
    const card = this.pickCard();
    if (this.rng.chance(this.episodeRate)) return this.startEpisode(card, time, hour);
    return this.legit(card, time);
  }

  private pickCard(): number {
    return this.zipf !== undefined ? this.zipf.sample(this.rng) - 1 : this.rng.int(this.keyCount);
  }

  private cardId(card: number): string {
    let id = this.cardIds[card];
    if (id === undefined) {
      id = `card-${card.toString().padStart(7, '0')}`;
      this.cardIds[card] = id;
    }
    return id;
  }

  private homeCountry(card: number): string {
    return this.countryPicker.at(hash32(card, this.seed) / 4294967296);
  }

  /** Cards have one or two known devices, derived from the card number so no state is kept. */
  private knownDevice(card: number, which: number): string {
    return `dev-${hash32(card * 2 + which, this.seed ^ 0x9e37).toString(36)}`;
  }

  private newDevice(): string {
    return `dev-${this.rng.u32().toString(36)}x`;
  }

  private secondsSince(card: number, time: number): number | null {
    const last = this.lastSeen[card] ?? NaN;
    this.lastSeen[card] = time;
    return Number.isNaN(last) ? null : Math.round((time - last) / 10) / 100;
  }

  private make(card: number, time: number, amount: number, category: string, country: string, device: string, isNew: boolean, channel: Channel, pattern: FraudPattern | null): Transaction {
    const tx: Transaction = {
      transaction_id: this.idPrefix + (this.counter++).toString(36),
      card_id: this.cardId(card),
      amount: round2(amount),
      currency: CURRENCY[country] ?? 'EUR',
      merchant_id: this.rng.pick(this.merchants[category] ?? []),
      merchant_category: category,
      country,
      card_country: this.homeCountry(card),
      device_id: device,
      channel,
      is_new_device: isNew,
      seconds_since_last_tx: this.secondsSince(card, time),
      event_time: time,
    };
    if (this.includeLabel) {
      tx.is_fraud = pattern !== null;
      tx.fraud_pattern = pattern;
    }
    return tx;
  }

  private legit(card: number, time: number): Transaction {
    const channel = CHANNELS.pick(this.rng);
    const home = this.homeCountry(card);
    if (channel === 'online' && this.rng.chance(0.02)) return this.startInApp(card, time, home);
    const abroad = this.rng.chance(0.05);
    const category = abroad && this.rng.chance(0.4) ? (channel === 'online' ? 'travel' : this.rng.pick(['restaurants', 'travel', 'retail'])) : LEGIT_CATEGORIES[channel].pick(this.rng);
    const [median, sigma] = AMOUNTS[category] ?? [40, 0.7];
    let amount = this.rng.logNormal(median, sigma);
    if (channel === 'atm') amount = Math.max(20, Math.round(amount / 20) * 20);
    const isNew = this.rng.chance(0.03);
    const device = isNew ? this.newDevice() : this.knownDevice(card, this.rng.chance(0.85) ? 0 : 1);
    let country = home;
    if (abroad) {
      // Holidays go to risky-looking places too.
      country = this.rng.chance(0.15) ? this.rng.pick(FRAUD_COUNTRIES) : this.countryPicker.pick(this.rng);
      if (country === home) country = home === 'FR' ? 'DE' : 'FR';
    }
    return this.make(card, time, amount, category, country, device, isNew, channel, null);
  }

  /** A legitimate burst of tiny in-app purchases on a known device: looks like card testing, is not. */
  private startInApp(card: number, time: number, home: string): Transaction {
    const device = this.knownDevice(card, 0);
    let t = time;
    for (let i = 1 + this.rng.int(4); i > 0; i--) {
      t += 5000 + this.rng.int(115_000);
      this.schedule({ time: t, card, pattern: 'in_app', device, country: home });
    }
    return this.inApp(card, time, device, home);
  }

  private inApp(card: number, time: number, device: string, country: string): Transaction {
    return this.make(card, time, this.rng.range(0.99, 9.99), 'digital_goods', country, device, false, 'online', null);
  }

  private startEpisode(card: number, time: number, hour: number): Transaction {
    // Account takeovers cluster at night (UTC); the other patterns are spread over the day.
    const night = hour < 6;
    const weights = [0.35, night ? 0.45 : 0.1, 0.3, 0.25];
    let u = this.rng.next() * weights.reduce((a, b) => a + b, 0);
    let p = 0;
    while (p < weights.length - 1 && u >= (weights[p] ?? 0)) u -= weights[p++] ?? 0;
    const pattern = PATTERNS[p] ?? 'risky_merchant';
    const device = this.newDevice();
    const home = this.homeCountry(card);
    let foreign = this.rng.chance(0.6) ? this.rng.pick(FRAUD_COUNTRIES) : this.countryPicker.pick(this.rng);
    if (foreign === home) foreign = 'NG';
    const country = pattern === 'cross_border' || (pattern !== 'account_takeover' && this.rng.chance(0.35)) ? foreign : home;
    const extra = pattern === 'card_testing' ? 3 + this.rng.int(9) : pattern === 'account_takeover' ? this.rng.int(3) : this.rng.int(2);
    let t = time;
    for (let i = 0; i < extra; i++) {
      t += pattern === 'card_testing' ? 2000 + this.rng.int(38_000) : 60_000 + this.rng.int(1_200_000);
      this.schedule({ time: t, card, pattern, device, country });
    }
    return this.fraud(card, time, pattern, device, country);
  }

  private schedule(p: Pending): void {
    let i = this.pending.length;
    while (i > 0 && (this.pending[i - 1]?.time ?? 0) > p.time) i--;
    this.pending.splice(i, 0, p);
  }

  private fraud(card: number, time: number, pattern: FraudPattern, device: string, country: string): Transaction {
    const r = this.rng;
    switch (pattern) {
      case 'card_testing': {
        // Some testers replay a stolen device fingerprint.
        const isNew = !r.chance(0.1);
        return this.make(card, time, r.range(0.5, 4.99), r.chance(0.6) ? 'digital_goods' : 'gift_cards', country, isNew ? device : this.knownDevice(card, 0), isNew, 'online', pattern);
      }
      case 'account_takeover': {
        const isNew = !r.chance(0.2);
        return this.make(card, time, r.logNormal(900, 0.7), r.pick(['electronics', 'electronics', 'jewelry', 'retail']), country, isNew ? device : this.knownDevice(card, 1), isNew, 'online', pattern);
      }
      case 'cross_border': {
        const atm = r.chance(0.35);
        const category = atm ? 'atm_cash' : r.pick(['electronics', 'jewelry', 'retail']);
        const amount = atm ? Math.round(r.range(200, 1000) / 20) * 20 : r.logNormal(600, 0.6);
        const isNew = r.chance(0.7);
        return this.make(card, time, amount, category, country, isNew ? device : this.knownDevice(card, 0), isNew, atm ? 'atm' : 'pos', pattern);
      }
      case 'risky_merchant':
      {
        const isNew = r.chance(0.6);
        return this.make(card, time, r.logNormal(400, 0.8), r.pick(['crypto', 'gambling', 'money_transfer']), country, isNew ? device : this.knownDevice(card, 0), isNew, 'online', pattern);
      }
    }
  }
}
