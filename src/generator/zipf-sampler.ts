/**
 * Zipf-distributed ranks in [1, n] with P(k) ∝ k^-s, in O(1) memory and expected O(1) time, by
 * rejection-inversion (Hörmann & Derflinger, 1996): sample the continuous density x^-s by inverting its
 * integral and accept the rounded value against the discrete probabilities. Works for millions of keys
 * without a cumulative table.
 */
import type { Prng } from './prng.js';

/** (e^x - 1) / x, accurate near 0. */
function expm1OverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.expm1(x) / x : 1 + x / 2 + (x * x) / 6;
}

/** log(1 + x) / x, accurate near 0. */
function log1pOverX(x: number): number {
  return Math.abs(x) > 1e-8 ? Math.log1p(x) / x : 1 - x / 2 + (x * x) / 3;
}

export class ZipfSampler {
  readonly n: number;
  readonly exponent: number;
  private readonly hX1: number;
  private readonly hN: number;
  private readonly squeeze: number;

  constructor(n: number, exponent: number) {
    if (!(n >= 1) || !Number.isInteger(n)) throw new RangeError(`zipf n must be a positive integer, got ${n}`);
    if (!(exponent > 0)) throw new RangeError(`zipf exponent must be > 0, got ${exponent}`);
    this.n = n;
    this.exponent = exponent;
    this.hX1 = this.H(1.5) - 1;
    this.hN = this.H(n + 0.5);
    this.squeeze = 2 - this.Hinv(this.H(2.5) - this.h(2));
  }

  /** The density x^-s. */
  private h(x: number): number {
    return Math.exp(-this.exponent * Math.log(x));
  }

  /** An antiderivative of h: (x^(1-s) - 1) / (1 - s), or log x when s = 1. */
  private H(x: number): number {
    const lx = Math.log(x);
    return expm1OverX((1 - this.exponent) * lx) * lx;
  }

  private Hinv(y: number): number {
    const t = Math.max(-1, y * (1 - this.exponent));
    return Math.exp(log1pOverX(t) * y);
  }

  /** A rank in [1, n]; rank 1 is the most frequent. */
  sample(rng: Prng): number {
    for (;;) {
      const u = this.hN + rng.next() * (this.hX1 - this.hN);
      const x = this.Hinv(u);
      let k = Math.round(x);
      if (k < 1) k = 1;
      else if (k > this.n) k = this.n;
      if (k - x <= this.squeeze || u >= this.H(k + 0.5) - this.h(k)) return k;
    }
  }
}
