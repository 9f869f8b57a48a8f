import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../../src/errors.js';
import { CommandType } from '../../../src/wire/enums.js';
import {
  DEFAULT_MAX_FRAME_SIZE,
  decodeFrame,
  encodeCommand,
  encodePayloadCommand,
  maxFrameSizeFor,
} from '../../../src/wire/frame.js';
import type { BaseCommand } from '../../../src/wire/commands.js';
import { encodeMessage } from '../../../src/wire/proto.js';
import { SAMPLE_METADATA } from './sample-commands.js';
import { crc32cReference, lfield, plain, u32be, vfield } from './wire-test-helpers.js';

const send: BaseCommand = { type: CommandType.SEND, send: { producerId: 1, sequenceId: 7, numMessages: 3 } };
const message: BaseCommand = { type: CommandType.MESSAGE, message: { consumerId: 2, messageId: { ledgerId: 10, entryId: 0 } } };
const payload = Buffer.from('hello, pulsar');

describe('wire/frame: simple commands', () => {
  it('lays out [totalSize][commandSize][command] big-endian', () => {
    const frame = encodeCommand({ type: CommandType.FLOW, flow: { consumerId: 0, messagePermits: 1000 } });
    const command = [...vfield(1, CommandType.FLOW), ...lfield(11, [...vfield(1, 0), ...vfield(2, 1000)])];
    assert.deepEqual([...frame], [...u32be(4 + command.length), ...u32be(command.length), ...command]);
  });

  it('PING is the smallest frame: type only plus an empty sub-message', () => {
    const frame = encodeCommand({ type: CommandType.PING, ping: {} });
    assert.equal(frame.toString('hex'), Buffer.from([...u32be(9), ...u32be(5), 0x08, 18, 0x92, 0x01, 0x00]).toString('hex'));
  });
});

describe('wire/frame: payload commands', () => {
  it('writes magic 0x0e01 and a CRC32C over metadataSize + metadata + payload', () => {
    const frame = encodePayloadCommand(send, SAMPLE_METADATA, payload);
    const commandSize = frame.readUInt32BE(4);
    const at = 8 + commandSize;
    assert.equal(frame.readUInt16BE(at), 0x0e01);
    const metadataBytes = encodeMessage('MessageMetadata', SAMPLE_METADATA);
    const checksummed = [...u32be(metadataBytes.length), ...metadataBytes, ...payload];
    assert.equal(frame.readUInt32BE(at + 2), crc32cReference(checksummed));
    assert.deepEqual([...frame.subarray(at + 6)], checksummed);
    assert.equal(frame.readUInt32BE(0), frame.length - 4);
  });

  it('decodes command, metadata and payload back, checksum valid', () => {
    const decoded = decodeFrame(encodePayloadCommand(send, SAMPLE_METADATA, payload));
    assert.deepStrictEqual(plain(decoded.command), plain(send));
    assert.deepStrictEqual(plain(decoded.metadata), plain(SAMPLE_METADATA));
    assert.equal(decoded.payload?.toString(), 'hello, pulsar');
    assert.equal(decoded.checksumValid, true);
    assert.equal(decoded.payloadError, undefined);
    assert.equal(decoded.brokerEntryMetadata, undefined);
  });

  it('handles an empty payload', () => {
    const decoded = decodeFrame(encodePayloadCommand(send, SAMPLE_METADATA, Buffer.alloc(0)));
    assert.equal(decoded.payload?.length, 0);
    assert.equal(decoded.checksumValid, true);
  });

  it('keeps a frame with a bad checksum, marked invalid, with its metadata and payload', () => {
    const frame = encodePayloadCommand(message, SAMPLE_METADATA, payload);
    frame[frame.length - 1]! ^= 0x01;
    const decoded = decodeFrame(frame);
    assert.equal(decoded.checksumValid, false);
    assert.equal(decoded.command.message?.consumerId, 2);
    assert.equal(decoded.payload?.toString(), 'hello, pulsas');
    assert.ok(decoded.rawMetadataAndPayload);
  });

  it('reads the broker entry metadata section (0x0e02) before the checksum magic', () => {
    const frame = encodePayloadCommand(message, SAMPLE_METADATA, payload, {
      brokerEntryMetadata: { brokerTimestamp: 1_700_000_000_555, index: 41 },
    });
    const at = 8 + frame.readUInt32BE(4);
    assert.equal(frame.readUInt16BE(at), 0x0e02);
    const bemBytes = [...vfield(1, 1_700_000_000_555), ...vfield(2, 41)];
    assert.deepEqual([...frame.subarray(at + 2, at + 6 + bemBytes.length)], [...u32be(bemBytes.length), ...bemBytes]);
    const decoded = decodeFrame(frame);
    assert.deepStrictEqual(plain(decoded.brokerEntryMetadata), { brokerTimestamp: 1_700_000_000_555, index: 41 });
    assert.equal(decoded.checksumValid, true);
    assert.equal(decoded.payload?.toString(), 'hello, pulsar');
  });

  it('accepts a payload without checksum magic (old peers): checksumValid undefined', () => {
    const command = encodeMessage('BaseCommand', message);
    const metadata = encodeMessage('MessageMetadata', SAMPLE_METADATA);
    const rest = [...u32be(command.length), ...command, ...u32be(metadata.length), ...metadata, ...payload];
    const decoded = decodeFrame(Buffer.from([...u32be(rest.length), ...rest]));
    assert.equal(decoded.checksumValid, undefined);
    assert.equal(decoded.payload?.toString(), 'hello, pulsar');
  });

  it('reports an impossible metadataSize as payloadError, keeping the command', () => {
    const frame = encodePayloadCommand(message, SAMPLE_METADATA, payload);
    const at = 8 + frame.readUInt32BE(4) + 6;
    frame.writeUInt32BE(0xfffffff0, at);
    const decoded = decodeFrame(frame);
    assert.ok(decoded.payloadError instanceof ProtocolError);
    assert.equal(decoded.payloadError.code, 'BAD_METADATA_SIZE');
    assert.equal(decoded.checksumValid, false);
    assert.equal(decoded.metadata, undefined);
    assert.equal(decoded.command.message?.messageId.ledgerId, 10);
  });

  it('reports undecodable metadata as payloadError', () => {
    const command = encodeMessage('BaseCommand', message);
    const junk = [0xff, 0xff, 0xff];
    const checksummed = [...u32be(junk.length), ...junk];
    const rest = [...u32be(command.length), ...command, 0x0e, 0x01, ...u32be(crc32cReference(checksummed)), ...checksummed];
    const decoded = decodeFrame(Buffer.from([...u32be(rest.length), ...rest]));
    assert.equal(decoded.checksumValid, true);
    assert.equal(decoded.payloadError?.code, 'BAD_METADATA');
  });
});

describe('wire/frame: malformed frames', () => {
  it('rejects sizes that do not add up', () => {
    const good = encodeCommand({ type: CommandType.PING, ping: {} });
    const cases: [string, Buffer][] = [
      ['short', good.subarray(0, 6)],
      ['totalSize mismatch', Buffer.concat([good, Buffer.from([0])])],
      ['commandSize zero', Buffer.from([...u32be(4), ...u32be(0)])],
      ['commandSize beyond frame', Buffer.from([...u32be(6), ...u32be(3), 0x08, 0x12])],
    ];
    for (const [name, bytes] of cases) assert.throws(() => decodeFrame(bytes), ProtocolError, name);
  });

  it('max frame size is the broker max message size plus 10 KiB', () => {
    assert.equal(DEFAULT_MAX_FRAME_SIZE, 5 * 1024 * 1024 + 10 * 1024);
    assert.equal(maxFrameSizeFor(1024), 1024 + 10240);
  });
});
