import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fmt, markdownTable } from '../../../../bench/lib/markdown-table.js';
import { median, ratePerSecond, ratio } from '../../../../bench/lib/summary-stats.js';

describe('median', () => {
  it('takes the middle value, or the mean of the middle two, ignoring NaN', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([Number.NaN, 5, 7]), 6);
    assert.ok(Number.isNaN(median([])));
  });
});

describe('ratio and ratePerSecond', () => {
  it('divides, giving NaN rather than Infinity for missing data', () => {
    assert.equal(ratio(3, 4), 0.75);
    assert.ok(Number.isNaN(ratio(3, 0)));
    assert.ok(Number.isNaN(ratio(Number.NaN, 2)));
  });

  it('turns a count over an epoch-ms window into a per-second rate', () => {
    assert.equal(ratePerSecond(5000, 1000, 3000), 2500);
    assert.ok(Number.isNaN(ratePerSecond(5000, undefined, 3000)));
    assert.ok(Number.isNaN(ratePerSecond(5000, 3000, 3000)));
  });
});

describe('markdownTable', () => {
  it('pads columns, aligns the rest right and escapes pipes', () => {
    const t = markdownTable(['name', 'n'], [['a|b', '1'], ['c', '100']]);
    assert.equal(t, ['| name |   n |', '|:-----|----:|', '| a\\|b |   1 |', '| c    | 100 |'].join('\n'));
  });

  it('formats numbers with separators and a dash for missing values', () => {
    assert.equal(fmt(1234567), '1,234,567');
    assert.equal(fmt(0.456, 2), '0.46');
    assert.equal(fmt(Number.NaN), '—');
    assert.equal(fmt(undefined), '—');
  });
});

describe('markdownTable alignment list', () => {
  it('aligns each column as listed', () => {
    const t = markdownTable(['n', 'note'], [['1', 'ok']], [false, true]);
    assert.equal(t, ['|   n | note |', '|----:|:-----|', '|   1 | ok   |'].join('\n'));
  });
});
