/**
 * Partition routing compatible with the Java client's default (RoundRobinPartitionMessageRouter with
 * HashingScheme.JavaStringHash): a keyed message goes to (String.hashCode(key) & 0x7fffffff) mod n, so Java
 * and Strobe producers put a key on the same partition (checked against the Java client in
 * test/integration/client/producer-features.test.ts); keyless messages rotate over the partitions.
 */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h & 0x7fffffff;
}

export function signSafeMod(dividend: number, divisor: number): number {
  const m = dividend % divisor;
  return m < 0 ? m + divisor : m;
}

export class PartitionRouter {
  private next: number;
  private readonly partitions: number;
  private readonly switchMs: number;
  private readonly now: () => number;

  /**
   * @param switchMs with batching, keyless messages stay on one partition for this long (so batches fill),
   *   as the Java router does; 0 rotates per message.
   */
  constructor(partitions: number, switchMs = 0, start = Math.floor(Math.random() * Math.max(1, partitions)), now: () => number = Date.now) {
    this.partitions = partitions;
    this.next = start;
    this.switchMs = switchMs;
    this.now = now;
  }

  choose(key: string | undefined): number {
    if (key !== undefined && key !== '') return signSafeMod(javaStringHash(key), this.partitions);
    if (this.switchMs > 0) return (this.next + Math.floor(this.now() / this.switchMs)) % this.partitions;
    const p = this.next;
    this.next = (this.next + 1) % this.partitions;
    return p;
  }
}
