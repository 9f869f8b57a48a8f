// featureSources / streamFeatures inside a function file: compiled into FunctionConfig.enrichment, and
// checked against the input schema like the other sections.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeTestFunction } from '../../../helpers/test-function.js';

const SOURCES = [{ name: 'card', key: 'card:{card}', maxAgeMs: '1h', features: [{ name: 'avg_amount', default: 50 }] }];
const STREAM = [{ name: 'velocity', key: 'card', timeField: 'seq', idField: 'id', features: [{ as: 'tx_count_1m', agg: 'count', window: '1m' }] }];

describe('function config with enrichment', () => {
  it('compiles both sections; features and outputs may use the fields they add', () => {
    const { config } = writeTestFunction({
      name: 'enriched',
      input: 'in',
      output: 'out',
      extra: {
        featureSources: SOURCES,
        streamFeatures: STREAM,
        features: [{ input: 'features', columns: [{ field: 'card_avg_amount', kind: 'numeric' }] }],
        outputs: { id: { kind: 'field' }, card: { kind: 'field' }, seq: { kind: 'field', from: 'tx_count_1m' }, score: { kind: 'score', output: 'score' } },
      },
    });
    assert.deepEqual(config.enrichment?.sources.map((s) => s.features.map((f) => f.as)), [['card_avg_amount']]);
    assert.equal(config.enrichment?.stream[0]?.horizonMs, 60_000);
  });

  it('a function without them has no enrichment', () => {
    assert.equal(writeTestFunction({ name: 'plain', input: 'in', output: 'out' }).config.enrichment, undefined);
  });

  it('reports fields read that the input lacks, added fields that clash with it, and section errors, naming file and field', () => {
    assert.throws(
      () =>
        writeTestFunction({
          name: 'bad-enriched',
          input: 'in',
          output: 'out',
          extra: {
            featureSources: [{ name: 'merchant', key: 'merchant:{merchant_id}', features: [{ name: 'risk', as: 'amount', default: 0 }] }],
            streamFeatures: [{ name: 'v', key: 'card', idField: 'id', features: [{ as: 'n', agg: 'count', window: 'soon' }] }],
          },
        }),
      (err: Error) => {
        assert.match(err.message, /function\.yaml: featureSources\[0\]\.key: "merchant_id" is not a field of dev\.strobe\.test\.Payment/);
        assert.match(err.message, /featureSources\[0\]\.features\[0\]\.as: "amount" is already a field of the input schema/);
        assert.match(err.message, /streamFeatures\[0\]\.features\[0\]\.window: expected a positive duration/);
        return true;
      },
    );
  });
});
