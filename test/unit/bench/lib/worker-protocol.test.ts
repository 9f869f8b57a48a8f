import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { benchPayload, parseWorkerResult, RESULT_PREFIX } from '../../../../bench/lib/worker-protocol.js';

describe('parseWorkerResult', () => {
  it('finds the RESULT line among other output', () => {
    const r = { startMs: 1, endMs: 2, count: 3, failures: 0, bytes: 300 };
    assert.deepEqual(parseWorkerResult(`noise\n${RESULT_PREFIX}${JSON.stringify(r)}\nmore\n`), r);
    assert.equal(parseWorkerResult('nothing here\n'), undefined);
  });
});

describe('benchPayload', () => {
  it('is the requested size, printable A–Z, and the same for the same seed', () => {
    const a = benchPayload(1024);
    assert.equal(a.length, 1024);
    assert.ok(a.every((b) => b >= 65 && b <= 90));
    assert.deepEqual(benchPayload(1024), a);
    assert.notDeepEqual(benchPayload(1024, 7), a);
    // Not one repeated letter: a payload that compresses to nothing would flatter any codec path.
    assert.ok(new Set(a).size > 20);
  });
});
