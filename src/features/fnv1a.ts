/**
 * FNV-1a 32-bit over the UTF-8 bytes of a string. Chosen for hashed categorical features because it is
 * tiny, fast, and trivially reproducible in any training language (same bytes → same bucket).
 */
const encoder = new TextEncoder();

export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return fnv1a32Bytes(encoder.encode(s));
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function fnv1a32Bytes(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
