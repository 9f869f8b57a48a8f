// CRC32C (Castagnoli), the checksum of Pulsar payload frames, on the native @node-rs/crc32 implementation.
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/**
 * CRC32C of `bytes`, as an unsigned 32-bit number. Pass the previous result as `initial` to continue a
 * checksum over several pieces: crc32c(b, crc32c(a)) === crc32c(a ++ b).
 */
export function crc32c(bytes: Uint8Array, initial = 0): number {
  return nativeCrc32c(bytes, initial) >>> 0;
}
