import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { TransactionGenerator } from '../../../src/generator/transactions.js';
import { SessionGenerator } from '../../../src/generator/sessions.js';

function schema(name: string): avro.Type {
  return avro.Type.forSchema(JSON.parse(readFileSync(new URL(`../../../schemas/${name}`, import.meta.url), 'utf8')) as avro.Schema);
}

describe('example schemas', () => {
  it('transaction.avsc accepts generated transactions, with and without labels, and round-trips them', () => {
    const type = schema('transaction.avsc');
    assert.equal(type.name, 'dev.strobe.examples.Transaction');
    for (const includeLabel of [true, false]) {
      for (const tx of new TransactionGenerator({ seed: 8, includeLabel, fraudRate: 0.05 }).batch(2000)) {
        const errors: string[] = [];
        assert.ok(type.isValid(tx, { errorHook: (path) => errors.push(path.join('.')) }), errors.join(', '));
        const back = type.fromBuffer(type.toBuffer(tx)) as Record<string, unknown>;
        assert.equal(back.transaction_id, tx.transaction_id);
        assert.equal(back.amount, tx.amount);
      }
    }
  });

  it('click.avsc accepts generated clicks', () => {
    const type = schema('click.avsc');
    for (const c of new SessionGenerator({ seed: 2 }).batch(2000)) assert.ok(type.isValid(c));
  });

  it('fraud-score.avsc and recommendation.avsc accept the records the example functions produce', () => {
    const now = Date.now();
    assert.ok(schema('fraud-score.avsc').isValid({
      transaction_id: 't', card_id: 'c', fraud_score: 0.93, is_fraud_predicted: true, model_name: 'fraud-mlp',
      model_version: '1', event_time: now, scored_at: now + 3, scoring_latency_ms: 2.5,
    }));
    assert.ok(schema('recommendation.avsc').isValid({
      session_id: 's', user_id: 'u', last_item_id: 'item-0001', items: [{ item_id: 'item-0002', score: 0.4 }],
      model_name: 'session-recs', model_version: '1', event_time: now, scored_at: now, scoring_latency_ms: 1,
    }));
  });
});
