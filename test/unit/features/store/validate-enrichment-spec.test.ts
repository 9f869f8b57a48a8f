import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, validateFeatureSources, validateStreamFeatures } from '../../../../src/features/store/validate-enrichment-spec.js';
import { compileKeyTemplate, parseKeyTemplate } from '../../../../src/features/store/key-template.js';

describe('validateFeatureSources', () => {
  it('fills defaults: as = <source>_<name>, type number, onStale score, onMissing default, wait when unavailable', () => {
    const r = validateFeatureSources([{ name: 'card', key: 'card:{card_id}', maxAgeMs: '1h', features: [{ name: 'avg_amount', default: 0 }, { name: 'home', type: 'string', as: 'home_country', maxAgeMs: 5000, onMissing: 'score' }] }]);
    assert.deepEqual(r.errors, []);
    const s = r.value?.[0];
    assert.deepEqual(s?.keyFields, ['card_id']);
    assert.equal(s?.onUnavailable, 'wait');
    assert.equal(s?.cacheTtlMs, 0);
    assert.deepEqual(s?.features[0], { name: 'avg_amount', as: 'card_avg_amount', type: 'number', default: 0, maxAgeMs: 3_600_000, onStale: 'score', onMissing: 'default' });
    assert.equal(s?.features[1]?.maxAgeMs, 5000);
    assert.equal(s?.features[1]?.as, 'home_country');
  });

  it('names each problem with its path and a fix', () => {
    const r = validateFeatureSources([
      { name: 'm', key: 'merchant', features: [{ name: 'risk', onStale: 'defualt' }] },
      { name: 'm', key: 'x:{id}', maxAgeMs: 'soon', onUnavailable: 'default', features: [{ name: 'a', onMissing: 'default' }] },
    ]);
    const byField = new Map(r.errors.map((e) => [e.field, e]));
    assert.match(byField.get('featureSources[0].key')?.message ?? '', /takes no record field/);
    assert.equal(byField.get('featureSources[0].features[0].onStale')?.hint, 'did you mean "default"?');
    assert.match(byField.get('featureSources[1].maxAgeMs')?.hint ?? '', /1h/);
    assert.match(byField.get('featureSources[1].features[0].onMissing')?.message ?? '', /needs a default value/);
    assert.equal(r.value, undefined);
  });
});

describe('validateStreamFeatures', () => {
  it('parses windows and needs an idField', () => {
    const ok = validateStreamFeatures([{ name: 'card', key: 'card_id', idField: 'transaction_id', features: [{ as: 'n', agg: 'count', window: '1h' }, { as: 'm', agg: 'max', field: 'amount', window: '90s' }, { as: 'g', agg: 'timeSincePrevious', unit: '1s' }] }]);
    assert.deepEqual(ok.errors, []);
    assert.equal(ok.value?.[0]?.horizonMs, 3_600_000);
    assert.equal(ok.value?.[0]?.timeField, 'event_time');
    assert.equal(ok.value?.[0]?.features[2]?.unitMs, 1000);
    const bad = validateStreamFeatures([{ name: 'card', key: 'card_id', features: [{ as: 'n', agg: 'count' }, { as: 's', agg: 'sum', window: '1m' }, { as: 'g', agg: 'timeSincePrevious', window: '1m' }] }]);
    const fields = bad.errors.map((e) => e.field);
    assert.deepEqual(fields.sort(), ['streamFeatures[0].features[0].window', 'streamFeatures[0].features[1].field', 'streamFeatures[0].features[2].window', 'streamFeatures[0].idField'].sort());
  });
});

describe('key templates and durations', () => {
  it('fills placeholders from record fields, dotted too; a missing field gives no key', () => {
    const k = compileKeyTemplate('pair:{card_id}:{merchant.id}');
    assert.equal(k({ card_id: 'c1', merchant: { id: 7 } }), 'pair:c1:7');
    assert.equal(k({ card_id: 'c1' }), undefined);
    assert.ok('problem' in parseKeyTemplate('a:{b'));
    assert.ok('problem' in parseKeyTemplate('a:{1x}'));
  });

  it('parses durations in ms, s, m, h, d', () => {
    assert.deepEqual(['250ms', '30s', '1m', '1.5h', '7d', 42].map(parseDuration), [250, 30_000, 60_000, 5_400_000, 604_800_000, 42]);
    assert.equal(parseDuration('1 week'), undefined);
  });
});
