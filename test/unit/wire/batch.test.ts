import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ProtocolError } from '../../../src/errors.js';
import { decodeBatch, encodeBatch } from '../../../src/wire/batch.js';
import type { BatchEntry } from '../../../src/wire/batch.js';
import { encodeMessage } from '../../../src/wire/proto.js';
import { lfield, plain, u32be, vfield } from './wire-test-helpers.js';

const entries: BatchEntry[] = [
  { metadata: { partitionKey: 'k1', properties: [{ key: 'a', value: 'b' }], sequenceId: 0, eventTime: 1_700_000_000_000 }, payload: Buffer.from('first') },
  { metadata: { partitionKey: 'k2', orderingKey: Buffer.from('o'), sequenceId: 1 }, payload: Buffer.alloc(0) },
  { metadata: { nullValue: true, sequenceId: 2 }, payload: Buffer.from('third message') },
];

describe('wire/batch', () => {
  it('lays out [size u32][SingleMessageMetadata][payload] per message, payload_size filled in', () => {
    const one = encodeBatch([{ metadata: { partitionKey: 'k' }, payload: Buffer.from('xyz') }]);
    const md = [...lfield(2, 'k'), ...vfield(3, 3)];
    assert.deepEqual([...one], [...u32be(md.length), ...md, ...Buffer.from('xyz')]);
  });

  it('round-trips metadata and payloads; decoded payloads are views of the batch', () => {
    const batch = encodeBatch(entries);
    const decoded = decodeBatch(batch, entries.length);
    assert.equal(decoded.length, 3);
    decoded.forEach((d, i) => {
      const e = entries[i]!;
      assert.deepStrictEqual(plain(d.metadata), plain({ ...e.metadata, payloadSize: e.payload.length }));
      assert.ok(d.payload.equals(e.payload));
      assert.equal(d.payload.buffer, batch.buffer);
    });
  });

  it('accepts a matching payloadSize and refuses a wrong one', () => {
    assert.doesNotThrow(() => encodeBatch([{ metadata: { payloadSize: 2 }, payload: Buffer.from('ab') }]));
    assert.throws(() => encodeBatch([{ metadata: { payloadSize: 3 }, payload: Buffer.from('ab') }]), ProtocolError);
  });

  it('an empty batch is empty', () => {
    assert.equal(encodeBatch([]).length, 0);
    assert.deepEqual(decodeBatch(Buffer.alloc(0), 0), []);
  });

  it('throws BAD_BATCH with the entry index on every truncation', () => {
    const batch = encodeBatch(entries);
    for (let cut = 0; cut < batch.length; cut++) {
      const whole = decodeBatch(batch.subarray(0, cut), 0);
      assert.deepEqual(whole, []);
      assert.throws(
        () => decodeBatch(batch.subarray(0, cut), entries.length),
        (e: unknown) => e instanceof ProtocolError && e.code === 'BAD_BATCH' && typeof e.context.index === 'number',
        `cut at ${cut}`,
      );
    }
  });

  it('throws BAD_BATCH when count exceeds the entries, or a payload size lies', () => {
    const batch = encodeBatch(entries);
    assert.throws(() => decodeBatch(batch, 4), ProtocolError);
    assert.throws(() => decodeBatch(batch, -1), ProtocolError);
    const md = encodeMessage('SingleMessageMetadata', { payloadSize: 1000 });
    assert.throws(() => decodeBatch(Buffer.from([...u32be(md.length), ...md, 1, 2, 3]), 1), ProtocolError);
  });

  it('the fast metadata writer gives the generic encoder bytes for any metadata (property)', () => {
    const text = fc.string({ maxLength: 12 });
    const metadata = fc.record(
      {
        properties: fc.array(fc.record({ key: text, value: text }), { maxLength: 3 }),
        partitionKey: text,
        compactedOut: fc.boolean(),
        eventTime: fc.maxSafeNat(),
        partitionKeyB64Encoded: fc.boolean(),
        orderingKey: fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
        sequenceId: fc.maxSafeNat(),
        nullValue: fc.boolean(),
        nullPartitionKey: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(metadata, fc.uint8Array({ maxLength: 40 }), (md, payload) => {
        const generic = encodeMessage('SingleMessageMetadata', { ...md, payloadSize: payload.length });
        const expected = Buffer.concat([Buffer.from(u32be(generic.length)), generic, payload]);
        assert.equal(encodeBatch([{ metadata: md, payload }]).toString('hex'), expected.toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps unknown fields of decoded metadata when re-encoding a batch', () => {
    const md = [...lfield(2, 'k'), ...vfield(3, 1), ...vfield(40, 7)];
    const batch = Buffer.from([...u32be(md.length), ...md, 0x61]);
    const [entry] = decodeBatch(batch, 1);
    assert.equal(encodeBatch([entry!]).toString('hex'), batch.toString('hex'));
  });

  it('random bytes decode or fail with ProtocolError only (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat({ max: 20 }), (bytes, count) => {
        try {
          decodeBatch(Buffer.from(bytes), count);
        } catch (err) {
          assert.ok(err instanceof ProtocolError, String(err));
        }
      }),
      { numRuns: 500 },
    );
  });
});
