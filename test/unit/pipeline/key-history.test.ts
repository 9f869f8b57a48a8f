import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyHistory } from '../../../src/pipeline/key-history.js';

describe('KeyHistory', () => {
  it('a window is the key history followed by the fresh events, cut to the last N', () => {
    const h = new KeyHistory(3);
    const w1 = h.window('s', ['a']);
    assert.deepEqual(w1, ['a']);
    h.record('s', w1);
    const w2 = h.window('s', ['b', 'c']);
    assert.deepEqual(w2, ['a', 'b', 'c']);
    h.record('s', w2);
    assert.deepEqual(h.window('s', ['d']), ['b', 'c', 'd']);
    assert.deepEqual(h.window('other', ['x']), ['x']);
  });
  it('keeps at most maxKeys keys, dropping the least recently recorded', () => {
    const h = new KeyHistory(2, 2);
    h.record('a', [1]);
    h.record('b', [2]);
    h.record('a', [1, 3]);
    h.record('c', [4]);
    assert.equal(h.size, 2);
    assert.deepEqual(h.window('b', []), [], 'b was least recently used');
    assert.deepEqual(h.window('a', [5]), [3, 5]);
  });
});
