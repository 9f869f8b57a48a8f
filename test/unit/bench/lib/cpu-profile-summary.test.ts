import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeProfile, type CpuProfile } from '../../../../bench/lib/cpu-profile-summary.js';

const frame = (functionName: string, url: string, lineNumber: number): { functionName: string; url: string; lineNumber: number } => ({
  functionName,
  url,
  lineNumber,
});

describe('summarizeProfile', () => {
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)', '', -1) },
      { id: 2, callFrame: frame('(idle)', '', -1) },
      { id: 3, callFrame: frame('encode', 'file:///proj/src/wire/frame.ts', 9) },
      { id: 4, callFrame: frame('', 'file:///proj/node_modules/protobufjs/x.js', 0) },
      // Same function seen on two call paths: one row.
      { id: 5, callFrame: frame('encode', 'file:///proj/src/wire/frame.ts', 9) },
    ],
    samples: [2, 3, 3, 4, 5, 2],
    timeDeltas: [500, 1000, 1000, 1000, 1000, 1500],
  };

  it('sums self time per function over the sample deltas, largest first, idle left out of the shares', () => {
    const s = summarizeProfile(profile, 10, '/proj');
    assert.equal(s.totalMs, 6);
    assert.equal(s.idleMs, 2);
    assert.deepEqual(
      s.top.map((h) => [h.where, h.selfMs, h.selfPercent]),
      [
        ['src/wire/frame.ts:encode:10', 3, 75],
        ['node_modules/protobufjs/x.js:(anonymous):1', 1, 25],
      ],
    );
  });

  it('keeps only the top entries', () => {
    assert.equal(summarizeProfile(profile, 1, '/proj').top.length, 1);
  });
});
