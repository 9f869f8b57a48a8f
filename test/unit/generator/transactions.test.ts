import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransactionGenerator, type Transaction } from '../../../src/generator/transactions.js';

describe('TransactionGenerator', () => {
  it('is deterministic for a seed and different for another', () => {
    const a = new TransactionGenerator({ seed: 11 }).batch(2000);
    const b = new TransactionGenerator({ seed: 11 }).batch(2000);
    const c = new TransactionGenerator({ seed: 12 }).batch(2000);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.map((t) => t.amount), c.map((t) => t.amount));
  });

  it('emits unique ids in event-time order, with seconds since the card\'s previous transaction', () => {
    const txs = new TransactionGenerator({ seed: 2, keyCount: 50 }).batch(20_000);
    const ids = new Set(txs.map((t) => t.transaction_id));
    assert.equal(ids.size, txs.length);
    const last = new Map<string, number>();
    for (let i = 0; i < txs.length; i++) {
      const t = txs[i]!;
      if (i > 0) assert.ok(t.event_time >= txs[i - 1]!.event_time);
      const prev = last.get(t.card_id);
      if (prev === undefined) assert.equal(t.seconds_since_last_tx, null);
      else assert.ok(Math.abs(t.seconds_since_last_tx! - (t.event_time - prev) / 1000) < 0.006);
      last.set(t.card_id, t.event_time);
      assert.ok(t.amount > 0 && Number.isFinite(t.amount));
    }
  });

  it('keeps the fraud rate near the configured one, with all four patterns', () => {
    const txs = new TransactionGenerator({ seed: 3, fraudRate: 0.02 }).batch(100_000);
    const fraud = txs.filter((t) => t.is_fraud === true);
    assert.ok(Math.abs(fraud.length / txs.length - 0.02) < 0.006, `rate ${fraud.length / txs.length}`);
    const patterns = new Set(fraud.map((t) => t.fraud_pattern));
    assert.deepEqual([...patterns].sort(), ['account_takeover', 'card_testing', 'cross_border', 'risky_merchant']);
    assert.ok(txs.every((t) => (t.is_fraud === true) === (t.fraud_pattern !== null)));
  });

  it('card testing comes in bursts of small online amounts, mostly from a new device', () => {
    const txs = new TransactionGenerator({ seed: 4, fraudRate: 0.03 }).batch(50_000);
    const bursts = new Map<string, Transaction[]>();
    for (const t of txs) if (t.fraud_pattern === 'card_testing') bursts.set(t.card_id, [...(bursts.get(t.card_id) ?? []), t]);
    assert.ok(bursts.size > 20);
    let newDevice = 0;
    let total = 0;
    for (const burst of bursts.values()) {
      assert.ok(burst.every((t) => t.amount < 5 && t.channel === 'online'));
      newDevice += burst.filter((t) => t.is_new_device).length;
      total += burst.length;
    }
    assert.ok(newDevice / total > 0.8, `new device share ${newDevice / total}`);
    assert.ok(total / bursts.size >= 4);
  });

  it('legitimate in-app bursts look like card testing but keep the known device and home country', () => {
    const txs = new TransactionGenerator({ seed: 9, fraudRate: 0 }).batch(50_000);
    const tiny = txs.filter((t) => t.merchant_category === 'digital_goods' && t.seconds_since_last_tx !== null && t.seconds_since_last_tx < 120);
    assert.ok(tiny.length > 100);
    assert.ok(tiny.every((t) => !t.is_fraud));
    // Only the odd ordinary purchase from a new phone lands in the same window.
    assert.ok(tiny.filter((t) => t.is_new_device).length / tiny.length < 0.1);
    assert.ok(tiny.filter((t) => t.country !== t.card_country).length / tiny.length < 0.1);
  });

  it('fraud differs from normal traffic in the ways the patterns say', () => {
    const txs = new TransactionGenerator({ seed: 5, fraudRate: 0.02, eventsPerSecond: 0.5 }).batch(100_000);
    assert.ok(txs[txs.length - 1]!.event_time - txs[0]!.event_time > 2 * 86_400_000);
    const share = (list: Transaction[], f: (t: Transaction) => boolean): number => list.filter(f).length / list.length;
    const fraud = txs.filter((t) => t.is_fraud);
    const legit = txs.filter((t) => !t.is_fraud);
    assert.ok(share(fraud, (t) => t.is_new_device) > 0.7 && share(legit, (t) => t.is_new_device) < 0.05);
    assert.ok(share(fraud, (t) => t.country !== t.card_country) > 0.3 && share(legit, (t) => t.country !== t.card_country) < 0.08);
    const ato = fraud.filter((t) => t.fraud_pattern === 'account_takeover');
    const nightShare = (list: Transaction[]) => share(list, (t) => new Date(t.event_time).getUTCHours() < 6);
    assert.ok(nightShare(ato) > 2 * nightShare(legit), `ato night ${nightShare(ato)} vs legit ${nightShare(legit)}`);
  });

  it('draws cards uniformly or with a Zipf skew', () => {
    const count = (dist: 'uniform' | 'zipf') => {
      const m = new Map<string, number>();
      for (const t of new TransactionGenerator({ seed: 6, keyCount: 1000, keyDistribution: dist, fraudRate: 0 }).batch(50_000)) m.set(t.card_id, (m.get(t.card_id) ?? 0) + 1);
      return Math.max(...m.values()) / 50_000;
    };
    assert.ok(count('uniform') < 0.003);
    assert.ok(count('zipf') > 0.05);
  });

  it('omits labels when asked', () => {
    const [t] = new TransactionGenerator({ includeLabel: false }).batch(1);
    assert.ok(t !== undefined && !('is_fraud' in t) && !('fraud_pattern' in t));
  });
});
