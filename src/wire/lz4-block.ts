// Raw LZ4 block format (no frame, no size prefix), as Pulsar's LZ4 compression uses it.
// Compression runs lz4js' block compressor; decompression is ours because it must be safe on hostile
// input: every literal run, match offset and match length is checked against both buffers, so a corrupt
// block fails fast with a typed error instead of looping or writing past the output.
import { compressBlock, compressBound } from 'lz4js';
import { ProtocolError } from '../errors.js';

const MIN_MATCH = 4;
const hashTable = new Uint32Array(1 << 16);

function corrupt(why: string): ProtocolError {
  return new ProtocolError('DECOMPRESSION_FAILED', `LZ4 block corrupt: ${why}`);
}

/** Writes `data` as one literal-only sequence (a valid block for any input, the empty one included). */
function literalBlock(data: Uint8Array): Buffer {
  const n = data.length;
  const extra = n >= 15 ? Math.floor((n - 15) / 255) + 1 : 0;
  const out = Buffer.allocUnsafe(1 + extra + n);
  let d = 0;
  if (n >= 15) {
    out[d++] = 0xf0;
    let rest = n - 15;
    while (rest >= 255) {
      out[d++] = 255;
      rest -= 255;
    }
    out[d++] = rest;
  } else {
    out[d++] = n << 4;
  }
  out.set(data, d);
  return out;
}

export function lz4CompressBlock(data: Uint8Array): Buffer {
  const dst = Buffer.allocUnsafe(compressBound(data.length));
  hashTable.fill(0); // positions from an earlier input would still be verified, but keep output reproducible
  const size = compressBlock(data, dst, 0, data.length, hashTable);
  if (size === 0) return literalBlock(data); // lz4js gives up when nothing matched
  return dst.subarray(0, size);
}

/** Decompresses a raw LZ4 block into exactly `size` bytes; throws ProtocolError on any inconsistency. */
export function lz4DecompressBlock(src: Uint8Array, size: number): Buffer {
  const dst = Buffer.allocUnsafe(size);
  const sEnd = src.length;
  let s = 0;
  let d = 0;
  while (s < sEnd) {
    const token = src[s++] as number;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (s >= sEnd) throw corrupt('literal length runs past the input');
        b = src[s++] as number;
        literals += b;
      } while (b === 255);
    }
    if (literals > sEnd - s) throw corrupt('literals run past the input');
    if (literals > size - d) throw corrupt('literals overflow the declared size');
    if (literals < 16) {
      for (let i = 0; i < literals; i++) dst[d++] = src[s++] as number;
    } else {
      dst.set(src.subarray(s, s + literals), d);
      s += literals;
      d += literals;
    }
    if (s === sEnd) break; // the last sequence holds literals only
    if (sEnd - s < 2) throw corrupt('match offset truncated');
    const offset = (src[s] as number) | ((src[s + 1] as number) << 8);
    s += 2;
    if (offset === 0 || offset > d) throw corrupt(`match offset ${offset} outside the output`);
    let length = token & 15;
    if (length === 15) {
      let b: number;
      do {
        if (s >= sEnd) throw corrupt('match length runs past the input');
        b = src[s++] as number;
        length += b;
      } while (b === 255);
    }
    length += MIN_MATCH;
    if (length > size - d) throw corrupt('match overflows the declared size');
    let m = d - offset;
    if (offset >= length) {
      dst.copyWithin(d, m, m + length);
      d += length;
    } else {
      // overlapping copy repeats the last `offset` bytes: byte by byte on purpose
      for (let i = 0; i < length; i++) dst[d++] = dst[m++] as number;
    }
  }
  if (d !== size) throw corrupt(`produced ${d} bytes, expected ${size}`);
  return dst;
}
