/** Exponential backoff with full jitter: delay n is uniform in [initial·2^n / 2, initial·2^n], capped at max. */
export interface BackoffOptions {
  /** @default 100 */
  readonly initialMs?: number;
  /** @default 60000 */
  readonly maxMs?: number;
  /** @default 2 */
  readonly multiplier?: number;
  /** Random source in [0, 1) (injectable for tests). @default Math.random */
  readonly random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly multiplier: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.initialMs = opts.initialMs ?? 100;
    this.maxMs = opts.maxMs ?? 60_000;
    this.multiplier = opts.multiplier ?? 2;
    this.random = opts.random ?? Math.random;
  }

  /** The next delay in ms; each call grows the ceiling until `maxMs`. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.initialMs * Math.pow(this.multiplier, this.attempt));
    this.attempt++;
    return Math.round(ceiling / 2 + (ceiling / 2) * this.random());
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}

/** Redelivery delay for the n-th redelivery (0-based) of a message: min·multiplier^n capped at max, no jitter. */
export function redeliveryDelay(redeliveryCount: number, policy: { minDelayMs: number; maxDelayMs: number; multiplier: number }): number {
  return Math.min(policy.maxDelayMs, policy.minDelayMs * Math.pow(policy.multiplier, Math.max(0, redeliveryCount)));
}
