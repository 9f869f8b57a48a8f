import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, UnsafeIntegerError } from '../../../src/errors.js';
import { CommandType, ServerErrorCode, serverErrorName } from '../../../src/wire/enums.js';
import {
  decodeBaseCommand,
  decodeMessage,
  decodeMessageMetadata,
  encodeMessage,
} from '../../../src/wire/proto.js';
import { lfield, plain, vfield } from './wire-test-helpers.js';

function hex(bytes: number[]): string {
  return Buffer.from(bytes).toString('hex');
}

describe('wire/proto: proto2 required fields', () => {
  it('writes required zero fields of MessageIdData (ledgerId 0, entryId 0)', () => {
    const bytes = encodeMessage('MessageIdData', { ledgerId: 0, entryId: 0 });
    assert.equal(bytes.toString('hex'), hex([...vfield(1, 0), ...vfield(2, 0)]));
  });

  it('writes ACK ackType Individual (0) and the zero ids', () => {
    const bytes = encodeMessage('CommandAck', {
      consumerId: 0,
      ackType: 0,
      messageId: [{ ledgerId: 5, entryId: 0 }],
    });
    const expected = [...vfield(1, 0), ...vfield(2, 0), ...lfield(3, [...vfield(1, 5), ...vfield(2, 0)])];
    assert.equal(bytes.toString('hex'), hex(expected));
  });

  it('omits absent optional fields and writes present ones even when zero or false', () => {
    const absent = encodeMessage('CommandSend', { producerId: 1, sequenceId: 2 });
    assert.equal(absent.toString('hex'), hex([...vfield(1, 1), ...vfield(2, 2)]));
    const zero = encodeMessage('CommandSend', { producerId: 1, sequenceId: 2, numMessages: 0, isChunk: false });
    assert.equal(zero.toString('hex'), hex([...vfield(1, 1), ...vfield(2, 2), ...vfield(3, 0), ...vfield(7, false)]));
  });

  it('rejects a message missing a required field with a ProtocolError', () => {
    assert.throws(() => decodeMessage('MessageIdData', Buffer.from(vfield(2, 0))), ProtocolError);
    assert.throws(() => encodeMessage('MessageIdData', { entryId: 0 }), ProtocolError);
  });
});

describe('wire/proto: 64-bit integers', () => {
  it('decodes ids up to 2^53 - 1 and Java -1 sentinels as numbers', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const bytes = Buffer.from([...vfield(1, BigInt(max)), ...vfield(2, -1n), ...vfield(3, -1n)]);
    const id = plain(decodeMessage('MessageIdData', bytes));
    assert.deepEqual(id, { ledgerId: max, entryId: -1, partition: -1 });
  });

  it('throws UnsafeIntegerError for a value beyond 2^53 - 1, positive or negative', () => {
    for (const big of [2n ** 53n, 2n ** 63n - 1n, -(2n ** 53n)]) {
      const bytes = Buffer.from([...vfield(1, big), ...vfield(2, 0)]);
      assert.throws(() => decodeMessage('MessageIdData', bytes), UnsafeIntegerError);
    }
    assert.throws(() => encodeMessage('MessageIdData', { ledgerId: 2 ** 53, entryId: 0 }), UnsafeIntegerError);
  });

  it('round-trips every boundary of the safe range', () => {
    for (const n of [0, 1, 127, 128, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 35, 2 ** 49, Number.MAX_SAFE_INTEGER, -1, -(2 ** 32), Number.MIN_SAFE_INTEGER]) {
      const bytes = encodeMessage('MessageIdData', { ledgerId: n, entryId: 0 });
      assert.equal(bytes.toString('hex'), hex([...vfield(1, BigInt(n)), ...vfield(2, 0)]), `encode ${n}`);
      assert.equal((decodeMessage('MessageIdData', bytes) as { ledgerId: number }).ledgerId, n);
    }
  });

  it('keeps ack_set words as 64-bit bit sets (bigint)', () => {
    const words = [-1n, -(2n ** 63n), 5n, 2n ** 62n];
    const bytes = encodeMessage('CommandMessage', { consumerId: 1, messageId: { ledgerId: 1, entryId: 2 }, ackSet: words });
    const expected = [...vfield(1, 1), ...lfield(2, [...vfield(1, 1), ...vfield(2, 2)]), ...words.flatMap((w) => vfield(4, w))];
    assert.equal(bytes.toString('hex'), hex(expected));
    assert.deepEqual((decodeMessage('CommandMessage', bytes) as { ackSet: bigint[] }).ackSet, words);
  });

  it('rejects a varint longer than 10 bytes', () => {
    const bytes = Buffer.from([0x08, ...new Array<number>(10).fill(0xff), 0x01, 0x10, 0x00]);
    assert.throws(() => decodeMessage('MessageIdData', bytes), ProtocolError);
  });
});

describe('wire/proto: decoding', () => {
  it('leaves absent optional fields undefined (batch presence stays visible)', () => {
    const bytes = encodeMessage('MessageMetadata', { producerName: 'p', sequenceId: 0, publishTime: 0 });
    const md = decodeMessageMetadata(bytes);
    assert.equal(md.numMessagesInBatch, undefined);
    assert.equal(md.compression, undefined);
    assert.equal(md.partitionKey, undefined);
    assert.equal('numMessagesInBatch' in md, false);
  });

  it('decodes an enum value newer than the enums as its number', () => {
    const bytes = Buffer.from([...vfield(1, 7), ...vfield(2, 99), ...lfield(3, 'new error')]);
    const err = decodeMessage('CommandError', bytes) as { error: number };
    assert.equal(err.error, 99);
    assert.equal(serverErrorName(99), 'Unknown(99)');
    assert.equal(serverErrorName(ServerErrorCode.TopicTerminatedError), 'TopicTerminatedError');
  });

  it('preserves unknown fields so that re-encoding gives the same bytes', () => {
    const send = [...vfield(1, 3), ...vfield(2, 4), ...vfield(20, 123456), ...lfield(21, 'future')];
    const bytes = Buffer.from([...vfield(1, CommandType.SEND), ...lfield(6, send)]);
    const cmd = decodeBaseCommand(bytes);
    assert.equal(cmd.send?.sequenceId, 4);
    assert.equal(encodeMessage('BaseCommand', cmd).toString('hex'), bytes.toString('hex'));
  });

  it('returns bytes fields as zero-copy views of the input', () => {
    const bytes = Buffer.from([...lfield(1, 'p'), ...vfield(2, 1), ...vfield(3, 2), ...lfield(16, [9, 8, 7])]);
    const md = decodeMessageMetadata(bytes);
    assert.ok(md.schemaVersion instanceof Buffer);
    assert.equal(md.schemaVersion.buffer, bytes.buffer);
    assert.deepEqual([...md.schemaVersion], [9, 8, 7]);
  });

  it('turns garbage into a ProtocolError, never another error type', () => {
    for (const garbage of [[0xff], [0x0a, 0x05, 0x01], [0x08], [0x0f, 0x01], [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]]) {
      assert.throws(() => decodeBaseCommand(Buffer.from(garbage)), ProtocolError, `bytes ${hex(garbage)}`);
    }
  });

  it('prints decoded messages as JSON with numeric ids', () => {
    const bytes = encodeMessage('MessageIdData', { ledgerId: 3, entryId: 4 });
    assert.equal(JSON.stringify(decodeMessage('MessageIdData', bytes)), '{"ackSet":[],"ledgerId":3,"entryId":4}');
  });
});
