// A small seeded PRNG so that a board is a pure function of (options, seed): the generator never
// touches Math.random, and the same seed gives the same bytes on every machine and node version.
//
// The core is mulberry32 (32-bit state, full period 2^32), which is ample for choosing among a
// handful of alternatives per device. Only integer arithmetic is used (Math.imul, >>>), so the
// sequence does not depend on floating-point details.

export class Prng {
  private state: number;

  constructor(seed: number) {
    // Mix the seed once so that neighbouring seeds (1, 2, 3) start far apart.
    let s = (seed ^ 0x9e3779b9) >>> 0;
    s = Math.imul(s ^ (s >>> 16), 0x85ebca6b) >>> 0;
    s = Math.imul(s ^ (s >>> 13), 0xc2b2ae35) >>> 0;
    this.state = (s ^ (s >>> 16)) >>> 0;
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n) for 1 <= n <= 2^32 (multiply-shift: no modulo bias worth caring about here). */
  below(n: number): number {
    return Math.floor((this.next() / 4294967296) * n);
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.below(hi - lo + 1);
  }

  /** True with probability `percent`/100. */
  percent(percent: number): boolean {
    return this.below(100) < percent;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }

  /** Picks by integer weights (`weights[i]` for `items[i]`); `total` is their sum, passed to avoid re-summing. */
  weighted<T>(items: readonly T[], weights: readonly number[], total: number): T {
    let r = this.below(total);
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }
}
