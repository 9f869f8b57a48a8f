// Helpers for the wire tests: independent (slow, obvious) reference encoders to derive expected bytes from,
// and a normaliser that turns decoded protobufjs messages into comparable plain values.

/** Varint of an unsigned or two's-complement 64-bit value. */
export function varint(value: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return out;
}

/** Field with a varint value. */
export function vfield(fieldNumber: number, value: bigint | number | boolean): number[] {
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  return [...varint((fieldNumber << 3) | 0), ...varint(v)];
}

/** Length-delimited field (bytes, string, sub-message). */
export function lfield(fieldNumber: number, content: number[] | string | Uint8Array): number[] {
  const bytes = typeof content === 'string' ? [...Buffer.from(content, 'utf8')] : [...content];
  return [...varint((fieldNumber << 3) | 2), ...varint(bytes.length), ...bytes];
}

export function u32be(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Bitwise CRC32C (reflected polynomial 0x82F63B78), the textbook definition. */
export function crc32cReference(bytes: Uint8Array | number[]): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/**
 * Deep plain copy for deepStrictEqual: objects keep own enumerable keys whose value is not undefined and
 * not an empty array; bytes become `hex:<hex>` strings.
 */
export function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return `hex:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      out[k] = plain(v);
    }
    return out;
  }
  return value;
}
