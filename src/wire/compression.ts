// Payload compression codecs, in the formats the official clients use:
//   LZ4    raw block (no frame, no size prefix)          own decoder (lz4-block.ts), lz4js encoder
//   ZLIB   deflate with the 2-byte zlib header (RFC 1950) node:zlib
//   ZSTD   zstd frame                                    fzstd decoder; zstd-napi encoder when it loads
//   SNAPPY raw snappy block (no framing format)           snappyjs
// The uncompressed size comes from MessageMetadata.uncompressedSize; it is checked against a limit before
// anything is allocated, and the output must have exactly that size.
import { createRequire } from 'node:module';
import { deflateSync, inflateSync } from 'node:zlib';
import { decompress as zstdDecompress } from 'fzstd';
import { compress as snappyCompress, uncompress as snappyUncompress } from 'snappyjs';
import { ConfigError, ProtocolError, StrobeError } from '../errors.js';
import { CompressionType } from './enums.js';
import { DEFAULT_MAX_FRAME_SIZE } from './frame.js';
import { lz4CompressBlock, lz4DecompressBlock } from './lz4-block.js';

export interface DecompressOptions {
  /** Largest uncompressed size accepted. @default DEFAULT_MAX_FRAME_SIZE (5 MiB + 10 KiB) */
  maxSize?: number;
}

interface ZstdEncoder {
  compress(data: Uint8Array, parameters?: { compressionLevel?: number }): Buffer;
}

// zstd-napi is a native addon built at install time; load it lazily so that a machine where the build
// failed can still decode ZSTD (fzstd) and use every other codec.
let zstdEncoder: ZstdEncoder | null | undefined;
let zstdLoadError: unknown;

function loadZstdEncoder(): ZstdEncoder | null {
  if (zstdEncoder === undefined) {
    try {
      zstdEncoder = createRequire(import.meta.url)('zstd-napi') as ZstdEncoder;
    } catch (err) {
      zstdEncoder = null;
      zstdLoadError = err;
    }
  }
  return zstdEncoder;
}

/** Whether compress() can produce this type here (decompression supports every type). */
export function canCompress(type: CompressionType): boolean {
  switch (type) {
    case CompressionType.NONE:
    case CompressionType.LZ4:
    case CompressionType.ZLIB:
    case CompressionType.SNAPPY:
      return true;
    case CompressionType.ZSTD:
      return loadZstdEncoder() !== null;
    default:
      return false;
  }
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Java's level for ZSTD (the zstd default). */
const ZSTD_LEVEL = 3;

/**
 * Compresses a payload. NONE returns the input (as a Buffer view). Throws ConfigError for a type this
 * machine cannot produce (ZSTD without zstd-napi; an unknown type).
 */
export function compress(type: CompressionType, data: Uint8Array): Buffer {
  switch (type) {
    case CompressionType.NONE:
      return asBuffer(data);
    case CompressionType.LZ4:
      return lz4CompressBlock(data);
    case CompressionType.ZLIB:
      return deflateSync(data);
    case CompressionType.ZSTD: {
      const encoder = loadZstdEncoder();
      if (encoder === null) {
        throw new ConfigError(
          'ZSTD compression needs the zstd-napi package, which did not load here: pick LZ4, ZLIB or SNAPPY, ' +
            'or reinstall with its install script allowed (package.json allowScripts)',
          { field: 'compression', cause: zstdLoadError },
        );
      }
      return encoder.compress(data, { compressionLevel: ZSTD_LEVEL });
    }
    case CompressionType.SNAPPY:
      return asBuffer(snappyCompress(data));
    default:
      throw new ConfigError(`unknown compression type ${String(type)}`, { field: 'compression' });
  }
}

/**
 * Decompresses a payload to exactly `uncompressedSize` bytes. Throws ProtocolError with code
 * UNCOMPRESSED_SIZE_CORRUPTION (size impossible or above the limit, checked before allocating),
 * DECOMPRESSION_FAILED (corrupt data, wrong size) or UNKNOWN_COMPRESSION.
 */
export function decompress(
  type: CompressionType,
  data: Uint8Array,
  uncompressedSize: number,
  options: DecompressOptions = {},
): Buffer {
  if (type === CompressionType.NONE) return asBuffer(data);
  const maxSize = options.maxSize ?? DEFAULT_MAX_FRAME_SIZE;
  if (!Number.isSafeInteger(uncompressedSize) || uncompressedSize < 0 || uncompressedSize > maxSize) {
    throw new ProtocolError(
      'UNCOMPRESSED_SIZE_CORRUPTION',
      `uncompressed size ${uncompressedSize} is outside [0, ${maxSize}]`,
      { context: { compression: CompressionType[type] } },
    );
  }
  let out: Buffer;
  try {
    out = decompressRaw(type, data, uncompressedSize);
  } catch (err) {
    if (err instanceof StrobeError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new ProtocolError('DECOMPRESSION_FAILED', `${CompressionType[type] ?? type} payload corrupt: ${why}`, { cause: err });
  }
  if (out.length !== uncompressedSize) {
    throw new ProtocolError(
      'DECOMPRESSION_FAILED',
      `${CompressionType[type]} payload gave ${out.length} bytes, metadata says ${uncompressedSize}`,
    );
  }
  return out;
}

function decompressRaw(type: CompressionType, data: Uint8Array, size: number): Buffer {
  switch (type) {
    case CompressionType.LZ4:
      return lz4DecompressBlock(data, size);
    case CompressionType.ZLIB:
      // maxOutputLength makes zlib stop (and throw) instead of inflating past the declared size.
      return inflateSync(data, { maxOutputLength: Math.max(size, 1) });
    case CompressionType.ZSTD: {
      // fzstd fills the buffer it is given without saying how much it wrote (and stops silently when it is
      // full), so the frame's own content size must match before decoding.
      const declared = zstdContentSize(data);
      if (declared !== undefined && declared !== size) {
        throw new ProtocolError('DECOMPRESSION_FAILED', `ZSTD frame holds ${declared} bytes, metadata says ${size}`);
      }
      const out = Buffer.allocUnsafe(size);
      zstdDecompress(data, out);
      return out;
    }
    case CompressionType.SNAPPY:
      return asBuffer(snappyUncompress(data, size));
    default:
      throw new ProtocolError('UNKNOWN_COMPRESSION', `unknown compression type ${String(type)}`);
  }
}

/** Frame_Content_Size from a zstd frame header (RFC 8878 3.1.1.1), undefined when the frame omits it. */
function zstdContentSize(data: Uint8Array): number | undefined {
  if (data.length < 6) throw new ProtocolError('DECOMPRESSION_FAILED', 'ZSTD payload shorter than a frame header');
  const magic = ((data[0] as number) | ((data[1] as number) << 8) | ((data[2] as number) << 16) | ((data[3] as number) << 24)) >>> 0;
  if (magic !== 0xfd2fb528) throw new ProtocolError('DECOMPRESSION_FAILED', 'ZSTD payload lacks the frame magic');
  const descriptor = data[4] as number;
  const fcsFlag = descriptor >>> 6;
  const singleSegment = (descriptor >>> 5) & 1;
  const dictIdBytes = [0, 1, 2, 4][descriptor & 3] as number;
  const fcsBytes = fcsFlag === 0 ? singleSegment : 1 << fcsFlag;
  if (fcsBytes === 0) return undefined;
  const at = 5 + (singleSegment ? 0 : 1) + dictIdBytes;
  if (data.length < at + fcsBytes) throw new ProtocolError('DECOMPRESSION_FAILED', 'ZSTD frame header truncated');
  let value = 0;
  for (let i = fcsBytes - 1; i >= 0; i--) value = value * 256 + (data[at + i] as number);
  return fcsBytes === 2 ? value + 256 : value;
}
