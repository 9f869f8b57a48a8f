import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, deflateSync, inflateSync } from 'node:zlib';
import fc from 'fast-check';
import { ProtocolError } from '../../../src/errors.js';
import { canCompress, compress, decompress } from '../../../src/wire/compression.js';
import { CompressionType } from '../../../src/wire/enums.js';

const CODECS = [CompressionType.LZ4, CompressionType.ZLIB, CompressionType.ZSTD, CompressionType.SNAPPY];

function samples(): Buffer[] {
  const text = Buffer.from('{"card_id":"c-0042","amount":12.5,"merchant":"m-7"}'.repeat(200));
  const random = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 2654435761) >>> 24));
  return [Buffer.alloc(0), Buffer.from('a'), Buffer.from('abcdefghijklm'), text, random, Buffer.alloc(1 << 20, 0x5a)];
}

function isCode(code: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof ProtocolError && e.code === code;
}

describe('wire/compression: round trips', () => {
  for (const type of CODECS) {
    it(`${CompressionType[type]} round-trips empty, tiny, text, random and 1 MiB payloads`, () => {
      for (const data of samples()) {
        const packed = compress(type, data);
        assert.ok(decompress(type, packed, data.length, { maxSize: 2 << 20 }).equals(data), `${data.length} bytes`);
      }
    });
  }

  it('NONE passes the bytes through', () => {
    const data = Buffer.from('plain');
    assert.equal(compress(CompressionType.NONE, data), data);
    assert.equal(decompress(CompressionType.NONE, data, 5), data);
  });

  it('every codec can compress on this machine (zstd-napi built)', () => {
    for (const type of [CompressionType.NONE, ...CODECS]) assert.equal(canCompress(type), true, CompressionType[type]);
  });
});

describe('wire/compression: formats the other clients use', () => {
  it('LZ4 decodes a hand-made raw block (literals, overlapping match, final literals)', () => {
    const block = Buffer.from([0x35, 0x61, 0x62, 0x63, 0x03, 0x00, 0x10, 0x78]);
    assert.equal(decompress(CompressionType.LZ4, block, 13).toString(), 'abcabcabcabcx');
  });

  it('LZ4 writes a raw block: no frame magic, no size prefix', () => {
    const packed = compress(CompressionType.LZ4, Buffer.from('x'.repeat(100)));
    assert.notEqual(packed.readUInt32LE(0), 0x184d2204);
    assert.equal(packed[0]! >> 4, 1); // one literal, then a long match
    assert.equal(compress(CompressionType.LZ4, Buffer.alloc(0)).toString('hex'), '00');
  });

  it('ZLIB is deflate with the zlib header, readable by inflate', () => {
    const data = Buffer.from('zlib '.repeat(50));
    const packed = compress(CompressionType.ZLIB, data);
    assert.equal(packed[0], 0x78);
    assert.equal(((packed[0] << 8) | packed[1]!) % 31, 0);
    assert.ok(inflateSync(packed).equals(data));
    assert.ok(decompress(CompressionType.ZLIB, deflateSync(data, { level: 9 }), data.length).equals(data));
  });

  it('ZSTD writes a zstd frame (magic 28 b5 2f fd) with its content size', () => {
    const packed = compress(CompressionType.ZSTD, Buffer.alloc(300, 1));
    assert.equal(packed.subarray(0, 4).toString('hex'), '28b52ffd');
    assert.throws(() => decompress(CompressionType.ZSTD, packed, 299), isCode('DECOMPRESSION_FAILED'));
  });

  it('SNAPPY writes a raw block starting with the varint length', () => {
    const packed = compress(CompressionType.SNAPPY, Buffer.alloc(300, 2));
    assert.deepEqual([...packed.subarray(0, 2)], [0xac, 0x02]);
  });
});

describe('wire/compression: hostile input', () => {
  it('refuses an uncompressed size above the limit before decoding', () => {
    for (const type of CODECS) {
      assert.throws(() => decompress(type, Buffer.from([1, 2, 3]), 2 ** 40), isCode('UNCOMPRESSED_SIZE_CORRUPTION'));
      assert.throws(() => decompress(type, Buffer.from([1]), 101, { maxSize: 100 }), isCode('UNCOMPRESSED_SIZE_CORRUPTION'));
      assert.throws(() => decompress(type, Buffer.from([1]), -1), isCode('UNCOMPRESSED_SIZE_CORRUPTION'));
    }
  });

  it('fails when the data does not give exactly the declared size', () => {
    const data = Buffer.from('exactly this much data, repeated; '.repeat(20));
    for (const type of CODECS) {
      const packed = compress(type, data);
      assert.throws(() => decompress(type, packed, data.length - 1), ProtocolError, `${CompressionType[type]} shorter`);
      assert.throws(() => decompress(type, packed, data.length + 1), ProtocolError, `${CompressionType[type]} longer`);
    }
  });

  it('stops a ZLIB bomb at the declared size', () => {
    const bomb = deflateSync(Buffer.alloc(50 << 20));
    assert.throws(() => decompress(CompressionType.ZLIB, bomb, 1000), isCode('DECOMPRESSION_FAILED'));
    assert.throws(() => decompress(CompressionType.ZLIB, deflateRawSync(Buffer.from('raw')), 3), isCode('DECOMPRESSION_FAILED'));
  });

  it('an unknown type is a ProtocolError', () => {
    assert.throws(() => decompress(9 as CompressionType, Buffer.from([1]), 1), isCode('UNKNOWN_COMPRESSION'));
  });

  for (const type of CODECS) {
    it(`${CompressionType[type]}: random and mutated input fail with ProtocolError only (property)`, () => {
      const good = compress(type, Buffer.from('hello hello hello hello, strobe '.repeat(30)));
      fc.assert(
        fc.property(
          fc.oneof(
            fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
            fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
              const b = Buffer.from(good);
              b[at % b.length]! ^= x;
              return b;
            }),
          ),
          fc.nat({ max: 4000 }),
          (bytes, size) => {
            try {
              const out = decompress(type, bytes, size);
              assert.equal(out.length, size);
            } catch (err) {
              assert.ok(err instanceof ProtocolError, `${CompressionType[type]}: ${String(err)}`);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
