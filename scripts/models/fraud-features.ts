/**
 * The feature mapping of the example fraud model, fitted on training transactions: scaling statistics
 * and vocabularies come from the data, so the `features:` section written next to the model is exactly
 * what it was trained with.
 */
import type { Transaction } from '../../src/generator/transactions.js';

const round = (x: number, digits = 6): number => Number(x.toFixed(digits));

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { mean: round(mean), std: round(Math.sqrt(variance) || 1) };
}

/** Categories by descending frequency (ties by name), keeping those seen at least `minCount` times. */
function vocabulary(values: readonly string[], minCount: number, max = Infinity): string[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([v]) => v);
}

/** A week, used for a card's first transaction (no previous one): "long ago". */
export const NO_PREVIOUS_TX_SECONDS = 7 * 86_400;

/** The raw `features:` section (as it appears in YAML) fitted on `train`. */
export function fitFraudFeatures(train: readonly Transaction[]): unknown[] {
  const amount = meanStd(train.map((t) => Math.log1p(t.amount)));
  const gap = meanStd(train.map((t) => Math.log1p(t.seconds_since_last_tx ?? NO_PREVIOUS_TX_SECONDS)));
  return [
    {
      input: 'features',
      columns: [
        { field: 'amount', kind: 'numeric', log1p: true, scaling: 'standard', ...amount, clip: [-6, 6] },
        { field: 'seconds_since_last_tx', kind: 'numeric', log1p: true, scaling: 'standard', ...gap, clip: [-6, 6], default: NO_PREVIOUS_TX_SECONDS },
        { field: 'merchant_category', kind: 'categorical', vocabulary: vocabulary(train.map((t) => t.merchant_category), 20), encoding: 'onehot', oov: 'bucket' },
        { field: 'channel', kind: 'categorical', vocabulary: ['pos', 'online', 'atm'], encoding: 'onehot', oov: 'bucket' },
        { field: 'country', kind: 'categorical', vocabulary: vocabulary(train.map((t) => t.country), 20, 24), encoding: 'onehot', oov: 'bucket' },
        { field: 'is_new_device', kind: 'boolean', default: false },
        { field: 'country', kind: 'equals', otherField: 'card_country', default: true },
        { field: 'event_time', kind: 'timestamp', parts: ['hourOfDay'], cyclical: true },
      ],
    },
  ];
}
