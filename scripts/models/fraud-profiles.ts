/**
 * The online features of the fraud-scorer-fresh example, computed the same way for training and for
 * seeding Redis: batch profiles of merchants and cards from a labelled history (what an offline job
 * would materialise into the online store), and the card velocity features the worker computes in-stream
 * (with the runtime's own RollingState, so training and serving agree).
 */
import type { Transaction } from '../../src/generator/transactions.js';
import { RollingState } from '../../src/features/store/rolling-state.js';
import type { StreamFeatureSpec } from '../../src/features/store/enrichment-spec.js';

/** Transactions before the training data that the store profiles are computed from. */
export const HISTORY = 100_000;
/** Generator options of the training stream (seed given separately). */
export const GENERATOR_OPTIONS = { keyCount: 20_000, fraudRate: 0.02, eventsPerSecond: 1 } as const;

/** Prior strength of the merchant fraud rate (a merchant with few transactions stays near the global rate). */
const PRIOR = 50;

export interface Profiles {
  readonly globalFraudRate: number;
  readonly globalMeanAmount: number;
  readonly merchants: Map<string, { risk: number; tx_count: number }>;
  readonly cards: Map<string, { avg_amount: number; tx_count: number }>;
}

export function computeProfiles(history: readonly Transaction[]): Profiles {
  const fraud = history.filter((t) => t.is_fraud === true).length;
  const globalFraudRate = (fraud + 1) / (history.length + 2);
  const legit = history.filter((t) => t.is_fraud !== true);
  const globalMeanAmount = legit.reduce((s, t) => s + t.amount, 0) / Math.max(1, legit.length);
  const m = new Map<string, { n: number; f: number }>();
  const c = new Map<string, { n: number; sum: number }>();
  for (const t of history) {
    const e = m.get(t.merchant_id) ?? { n: 0, f: 0 };
    e.n++;
    if (t.is_fraud === true) e.f++;
    m.set(t.merchant_id, e);
    // A card's profile is its legitimate spending: fraud on it is not the cardholder's habit.
    if (t.is_fraud !== true) {
      const k = c.get(t.card_id) ?? { n: 0, sum: 0 };
      k.n++;
      k.sum += t.amount;
      c.set(t.card_id, k);
    }
  }
  const round = (x: number): number => Number(x.toFixed(6));
  return {
    globalFraudRate: round(globalFraudRate),
    globalMeanAmount: round(globalMeanAmount),
    merchants: new Map([...m].map(([id, e]) => [id, { risk: round((e.f + PRIOR * globalFraudRate) / (e.n + PRIOR)), tx_count: e.n }])),
    cards: new Map([...c].map(([id, e]) => [id, { avg_amount: round(e.sum / e.n), tx_count: e.n }])),
  };
}

/** The streamFeatures of fraud-scorer-fresh (as in its function.yaml). */
export const VELOCITY: readonly StreamFeatureSpec[] = [
  { as: 'card_tx_count_1m', agg: 'count', field: undefined, windowMs: 60_000, default: undefined, unitMs: 1 },
  { as: 'card_tx_count_1h', agg: 'count', field: undefined, windowMs: 3_600_000, default: undefined, unitMs: 1 },
  { as: 'card_amount_sum_1h', agg: 'sum', field: 'amount', windowMs: 3_600_000, default: undefined, unitMs: 1 },
];

/** Velocity features of each transaction, in stream order, as the worker computes them. */
export function velocity(stream: readonly Transaction[]): Record<string, number | null>[] {
  const states = new Map<string, RollingState>();
  const fields = new Map([['amount', 0]]);
  return stream.map((t) => {
    let s = states.get(t.card_id);
    if (s === undefined) states.set(t.card_id, (s = RollingState.empty(1)));
    s.apply(t.event_time, t.transaction_id, [t.amount]);
    const v = s.compute(t.event_time, t.transaction_id, VELOCITY, fields);
    s.evict(3_600_000, 10_000);
    return v;
  });
}

/** A transaction with its online features, as the enricher hands it to the feature mapping. */
export function enrich(t: Transaction, p: Profiles, v: Record<string, number | null>): Record<string, unknown> {
  return {
    ...t,
    merchant_risk: p.merchants.get(t.merchant_id)?.risk ?? p.globalFraudRate,
    card_avg_amount: p.cards.get(t.card_id)?.avg_amount ?? p.globalMeanAmount,
    ...v,
  };
}
