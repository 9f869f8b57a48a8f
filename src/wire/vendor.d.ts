// Type declarations for the pure-JS codec packages that ship none (only what Strobe calls).
declare module 'lz4js' {
  /** Compresses src[sIndex, sIndex + sLength) into dst as one raw LZ4 block; returns its size, 0 if nothing matched. */
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
  export function compressBound(n: number): number;
}

declare module 'snappyjs' {
  export function compress(uncompressed: Uint8Array): Uint8Array;
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
}
