import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ProtocolError } from '../../../src/errors.js';
import type { BaseCommand } from '../../../src/wire/commands.js';
import { CommandType } from '../../../src/wire/enums.js';
import { FrameDecoder } from '../../../src/wire/frame-decoder.js';
import type { DecodedFrame } from '../../../src/wire/frame-decoder.js';
import { encodeCommand, encodePayloadCommand } from '../../../src/wire/frame.js';
import { SAMPLE_COMMANDS, SAMPLE_METADATA } from './sample-commands.js';
import { plain, u32be } from './wire-test-helpers.js';

function messageCommand(entryId: number): BaseCommand {
  return { type: CommandType.MESSAGE, message: { consumerId: 1, messageId: { ledgerId: 5, entryId } } };
}

/** A stream of simple and payload frames, and what each should decode to. */
interface SampleStream {
  bytes: Buffer;
  commands: BaseCommand[];
  payloads: (Buffer | undefined)[];
  /** [start, end) of each payload frame's checksummed bytes within `bytes`. */
  checksummed: [number, number][];
}

function sampleStream(payloadSizes: number[]): SampleStream {
  const frames: Buffer[] = [];
  const commands: BaseCommand[] = [];
  const payloads: (Buffer | undefined)[] = [];
  payloadSizes.forEach((size, i) => {
    const simple = SAMPLE_COMMANDS[i % SAMPLE_COMMANDS.length]!;
    frames.push(encodeCommand(simple));
    commands.push(simple);
    payloads.push(undefined);
    const payload = Buffer.alloc(size, i % 251);
    const cmd = messageCommand(i);
    frames.push(encodePayloadCommand(cmd, SAMPLE_METADATA, payload, i % 2 === 0 ? {} : { brokerEntryMetadata: { index: i } }));
    commands.push(cmd);
    payloads.push(payload);
  });
  const checksummed: [number, number][] = [];
  let offset = 0;
  for (const f of frames) {
    let pos = 8 + f.readUInt32BE(4);
    if (pos < f.length) {
      if (f.readUInt16BE(pos) === 0x0e02) pos += 6 + f.readUInt32BE(pos + 2);
      checksummed.push([offset + pos + 6, offset + f.length]);
    }
    offset += f.length;
  }
  return { bytes: Buffer.concat(frames), commands, payloads, checksummed };
}

function splitAt(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(prev, p));
    prev = p;
  }
  return chunks;
}

function checkFrames(frames: DecodedFrame[], expected: SampleStream): void {
  assert.equal(frames.length, expected.commands.length);
  frames.forEach((f, i) => {
    assert.deepStrictEqual(plain(f.command), plain(expected.commands[i]));
    const payload = expected.payloads[i];
    if (payload === undefined) assert.equal(f.payload, undefined);
    else {
      assert.equal(f.checksumValid, true);
      assert.ok(f.payload?.equals(payload));
    }
  });
}

describe('wire/FrameDecoder', () => {
  it('decodes many frames from one chunk', () => {
    const stream = sampleStream([0, 10, 1000, 70000]);
    checkFrames(new FrameDecoder().push(stream.bytes), stream);
  });

  it('decodes a stream fed one byte at a time', () => {
    const stream = sampleStream([3, 300]);
    const decoder = new FrameDecoder();
    const frames: DecodedFrame[] = [];
    for (let i = 0; i < stream.bytes.length; i++) frames.push(...decoder.push(stream.bytes.subarray(i, i + 1)));
    checkFrames(frames, stream);
    assert.equal(decoder.bufferedBytes, 0);
  });

  it('decodes the same frames whatever the chunk boundaries (property)', () => {
    const stream = sampleStream([0, 1, 200, 5000, 17]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const decoder = new FrameDecoder();
        const frames = splitAt(stream.bytes, cuts).flatMap((c) => decoder.push(c));
        checkFrames(frames, stream);
        assert.equal(decoder.bufferedBytes, 0);
      }),
      { numRuns: 300 },
    );
  });

  it('delivers frames through onFrame when given', () => {
    const stream = sampleStream([5, 6]);
    const seen: DecodedFrame[] = [];
    const decoder = new FrameDecoder({ onFrame: (f) => seen.push(f) });
    assert.deepEqual(decoder.push(stream.bytes), []);
    checkFrames(seen, stream);
  });

  it('rejects an oversized frame from its size field alone, before buffering it', () => {
    const decoder = new FrameDecoder({ maxFrameSize: 1024 });
    assert.throws(
      () => decoder.push(Buffer.from(u32be(1025))),
      (e: unknown) => e instanceof ProtocolError && e.code === 'FRAME_TOO_LARGE',
    );
    assert.equal(decoder.bufferedBytes, 0);
  });

  it('rejects an oversized frame whose size field is split across chunks', () => {
    const decoder = new FrameDecoder({ maxFrameSize: 1024 });
    decoder.push(Buffer.from([0x00, 0x10]));
    assert.throws(() => decoder.push(Buffer.from([0x00, 0x00])), (e: unknown) => e instanceof ProtocolError && e.code === 'FRAME_TOO_LARGE');
  });

  it('accepts a frame of exactly maxFrameSize and follows setMaxFrameSize', () => {
    const payload = Buffer.alloc(2000, 7);
    const frame = encodePayloadCommand(messageCommand(1), SAMPLE_METADATA, payload);
    const decoder = new FrameDecoder({ maxFrameSize: frame.length - 4 });
    assert.equal(decoder.push(frame).length, 1);
    decoder.setMaxFrameSize(frame.length - 5);
    assert.equal(decoder.getMaxFrameSize(), frame.length - 5);
    assert.throws(() => decoder.push(frame), ProtocolError);
  });

  it('stays failed after a framing error and keeps throwing it', () => {
    const decoder = new FrameDecoder();
    const bad = Buffer.from([...u32be(6), ...u32be(9), 0x08, 0x12]);
    let first: unknown;
    try {
      decoder.push(bad);
    } catch (err) {
      first = err;
    }
    assert.ok(first instanceof ProtocolError);
    assert.equal(decoder.error, first);
    assert.throws(() => decoder.push(encodeCommand({ type: CommandType.PING, ping: {} })), (e: unknown) => e === first);
  });

  it('with onFrame, delivers the good frames that precede a bad one in the same chunk', () => {
    const good = encodeCommand({ type: CommandType.PONG, pong: {} });
    const bad = Buffer.from([...u32be(6), ...u32be(1), 0xff, 0xff]);
    const seen: DecodedFrame[] = [];
    const decoder = new FrameDecoder({ onFrame: (f) => seen.push(f) });
    assert.throws(() => decoder.push(Buffer.concat([good, good, bad])), ProtocolError);
    assert.equal(seen.length, 2);
  });

  it('reports a corrupted payload with checksumValid false instead of dropping it', () => {
    const frame = encodePayloadCommand(messageCommand(3), SAMPLE_METADATA, Buffer.alloc(100, 1));
    frame[frame.length - 50]! ^= 0x40;
    const [decoded] = new FrameDecoder().push(frame);
    assert.equal(decoded?.checksumValid, false);
    assert.equal(decoded?.command.message?.messageId.entryId, 3);
  });
});

describe('wire/FrameDecoder: hostile input (property)', () => {
  const maxFrameSize = 4096;

  function feed(chunks: Buffer[]): { frames: DecodedFrame[]; error?: ProtocolError } {
    const decoder = new FrameDecoder({ maxFrameSize });
    const frames: DecodedFrame[] = [];
    for (const chunk of chunks) {
      try {
        frames.push(...decoder.push(chunk));
      } catch (err) {
        if (!(err instanceof ProtocolError)) throw err;
        return { frames, error: err };
      }
      assert.ok(decoder.bufferedBytes <= maxFrameSize + 4, `buffered ${decoder.bufferedBytes}`);
    }
    return { frames };
  }

  it('random bytes: only ProtocolError, never another exception, never more than one frame buffered', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 600 }), { maxLength: 12 }), (arrays) => {
        feed(arrays.map((a) => Buffer.from(a)));
      }),
      { numRuns: 500 },
    );
  });

  it('random bytes behind a valid size prefix: exercise the command decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.nat({ max: 320 }), (body, commandSize) => {
        const bytes = Buffer.from([...u32be(body.length + 4), ...u32be(commandSize), ...body]);
        feed([bytes]);
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated valid streams anywhere: typed errors only, bounded buffering', () => {
    const stream = sampleStream([0, 40, 300, 900]);
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (mutations, cuts) => {
          const bytes = Buffer.from(stream.bytes);
          for (const m of mutations) bytes[m.at % bytes.length]! ^= m.xor;
          // A corrupted size field may leave the decoder waiting for bytes that never come: that is not
          // an error at this layer (the connection's keepalive ends it), so only the error type is checked.
          const { frames } = feed(splitAt(bytes, cuts));
          for (const f of frames) {
            if (f.payload !== undefined || f.payloadError !== undefined) assert.ok(f.rawMetadataAndPayload !== undefined);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('mutations inside payload sections: every frame still arrives, the damaged ones marked (property)', () => {
    const stream = sampleStream([1, 40, 300, 900]);
    fc.assert(
      fc.property(
        fc.array(fc.record({ region: fc.nat(), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (mutations, cuts) => {
          const bytes = Buffer.from(stream.bytes);
          for (const m of mutations) {
            const [start, end] = stream.checksummed[m.region % stream.checksummed.length]!;
            bytes[start + (m.at % (end - start))]! ^= m.xor;
          }
          // Damaged = content actually changed: two mutations of one byte can cancel out.
          const damaged = new Set<number>();
          stream.checksummed.forEach(([start, end], region) => {
            if (!bytes.subarray(start, end).equals(Buffer.from(stream.bytes).subarray(start, end))) damaged.add(region);
          });
          const { frames, error } = feed(splitAt(bytes, cuts));
          assert.equal(error, undefined);
          assert.equal(frames.length, stream.commands.length);
          const payloadFrames = frames.filter((f) => f.rawMetadataAndPayload !== undefined);
          payloadFrames.forEach((f, i) => assert.equal(f.checksumValid, !damaged.has(i), `payload frame ${i}`));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a flipped payload byte is always caught by the checksum', () => {
    const frame = encodePayloadCommand(messageCommand(9), SAMPLE_METADATA, Buffer.alloc(500, 3));
    const payloadStart = frame.length - 500;
    fc.assert(
      fc.property(fc.nat({ max: 499 }), fc.integer({ min: 1, max: 255 }), (offset, xor) => {
        const bytes = Buffer.from(frame);
        bytes[payloadStart + offset]! ^= xor;
        const frames = new FrameDecoder().push(bytes);
        assert.equal(frames.length, 1);
        assert.equal(frames[0]?.checksumValid, false);
      }),
      { numRuns: 300 },
    );
  });
});
