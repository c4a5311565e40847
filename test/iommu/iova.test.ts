// drivers/iommu/iova.c, exactly: hand-worked cases from the kernel's code (the cached search
// starts that skip holes, the retry from the limit, size alignment, reserve_iova's merge, the
// range caches and both depots), a naive reference model on random traffic, and growth.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IovaTree } from "../../src/iommu/iova-tree.ts";
import { flsLong, IOVA_MAG_SIZE, IovaDomain, MAX_GLOBAL_MAGS, orderBase2 } from "../../src/iommu/iova.ts";

const G = 4096;
const LIMIT32 = 0xfffff; // last pfn below 4 GiB with 4 KiB granules
const dom = (o: Partial<ConstructorParameters<typeof IovaDomain>[0]> = {}) => new IovaDomain({ granule: G, startPfn: 1, ...o });
const lo = (x: { pfnLo: number } | null) => x?.pfnLo ?? null;

describe("bit helpers", () => {
  it("fls_long and order_base_2 as the kernel defines them", () => {
    expect([0, 1, 2, 3, 4, 255, 256, 2 ** 32 - 1, 2 ** 32, 2 ** 52 - 1].map(flsLong)).toEqual([0, 1, 2, 2, 3, 8, 9, 32, 33, 52]);
    expect([1, 2, 3, 4, 5, 31, 32, 33].map(orderBase2)).toEqual([0, 1, 2, 2, 3, 5, 5, 6]);
  });
});

describe("alloc_iova", () => {
  it("allocates top-down below the limit; size-aligned ranges start on their power of two", () => {
    const d = dom();
    expect(lo(d.allocIova(1, LIMIT32, true))).toBe(0xfffff);
    expect(lo(d.allocIova(1, LIMIT32, true))).toBe(0xffffe);
    // (0xffffe - 4) & ~3
    expect(lo(d.allocIova(4, LIMIT32, true))).toBe(0xffff8);
    // size 3, aligned to 4: (0xffff8 - 3) & ~3 = 0xffff4; unaligned it would start at 0xffff5
    expect(d.allocIova(3, LIMIT32, true)).toEqual({ pfnLo: 0xffff4, pfnHi: 0xffff6, reserved: false });
    expect(lo(d.allocIova(3, LIMIT32, false))).toBe(0xffff1);
  });

  it("the search starts at the last allocation below 4 GiB, so a hole above it is skipped", () => {
    const d = dom();
    d.allocIova(1, LIMIT32, true); // 0xfffff
    const mid = d.allocIova(2, LIMIT32, true)!; // 0xffffc..d (aligned), hole at 0xffffe
    expect(mid.pfnLo).toBe(0xffffc);
    expect(lo(d.allocIova(1, LIMIT32, true))).toBe(0xffffb); // not 0xffffe
    // Freeing a range at or above the cached start moves the start to the range after it.
    d.freeIova(0xffffc);
    expect(lo(d.allocIova(1, LIMIT32, true))).toBe(0xffffe);
  });

  it("a higher limit below 4 GiB still starts at the cached node; the retry from the limit finds the space above", () => {
    const d = dom();
    for (const want of [15, 14, 13]) expect(lo(d.allocIova(1, 15, true))).toBe(want);
    expect(lo(d.allocIova(1, 100, true))).toBe(12); // not 100: cached32_node is 13
    for (let p = 11; p >= 1; p--) expect(lo(d.allocIova(1, 100, true))).toBe(p);
    // Nothing below the cached node: retry between it and the limit.
    expect(lo(d.allocIova(1, 100, true))).toBe(100);
  });

  it("a failure below 4 GiB records max32_alloc_size; a free below 4 GiB resets it", () => {
    const d = dom();
    for (let i = 0; i < 15; i++) expect(d.allocIova(1, 15, true)).not.toBeNull();
    expect(d.allocIova(1, 15, true)).toBeNull();
    // Now every 32-bit request of size >= 1 fails at once, even one that would fit higher up.
    expect(d.allocIova(1, 1000, true)).toBeNull();
    // Above 4 GiB the tree is searched from the anchor.
    expect(lo(d.allocIova(1, 2 ** 36 - 1, true))).toBe(2 ** 36 - 1);
    d.freeIova(8);
    expect(lo(d.allocIova(1, 15, true))).toBe(8);
  });

  it("respects start_pfn and returns null when no gap fits", () => {
    const d = dom({ startPfn: 0x100 });
    expect(lo(d.allocIova(0x100, 0x1ff, true))).toBe(0x100);
    expect(d.allocIova(1, 0x1ff, true)).toBeNull();
    const e = dom({ startPfn: 0x101 });
    expect(e.allocIova(0x100, 0x1ff, false)).toBeNull();
    expect(lo(e.allocIova(0xff, 0x1ff, false))).toBe(0x101);
  });
});

describe("reserve_iova", () => {
  it("grows an overlapping range down and inserts the rest above it", () => {
    const d = dom();
    d.reserveIova(10, 20);
    d.reserveIova(5, 25);
    expect([...d.ranges()]).toEqual([
      { pfnLo: 5, pfnHi: 20, reserved: true },
      { pfnLo: 21, pfnHi: 25, reserved: true },
    ]);
    // Fully inside: nothing new.
    expect(d.reserveIova(6, 7)).toEqual({ pfnLo: 5, pfnHi: 20, reserved: true });
    // Spanning two ranges and a gap: the second range absorbs the gap, the tail is new.
    d.reserveIova(40, 50);
    d.reserveIova(22, 60);
    expect([...d.ranges()].map((r) => [r.pfnLo, r.pfnHi])).toEqual([
      [5, 20],
      [21, 25],
      [26, 50],
      [51, 60],
    ]);
    expect(d.usage().reservedPages).toBe(56);
    expect(d.reserveIova(0, d.maxPfn + 1)).toBeNull();
  });

  it("reserved ranges are skipped by the allocator", () => {
    const d = dom();
    d.reserveIova(0xfff00, 0xfffff);
    expect(lo(d.allocIova(1, LIMIT32, true))).toBe(0xffeff);
  });
});

describe("alloc_iova_fast / free_iova_fast", () => {
  it("rounds small sizes up, caches freed ranges per order and hands the newest back first", () => {
    const d = dom({ rcaches: true });
    const a = d.allocIovaFast(3, LIMIT32, true)!; // 4 granules
    expect(d.findIova(a)).toEqual({ pfnLo: 0xffffc, pfnHi: 0xfffff, reserved: false });
    const b = d.allocIovaFast(4, LIMIT32, true)!;
    d.freeIovaFast(a, 3); // order_base_2(3) = 2: the 4-granule cache
    d.freeIovaFast(b, 4);
    expect(d.usage()).toMatchObject({ ranges: 2, cachedRanges: 2, cachedPages: 8 });
    expect(d.allocIovaFast(4, LIMIT32, true)).toBe(b);
    expect(d.allocIovaFast(2, LIMIT32, true)).toBe(0xffff6); // another order: the tree
    // A cached range above the caller's limit is not used.
    expect(d.allocIovaFast(4, 0x1000, true)).toBe(0xffc);
    expect(d.allocIovaFast(4, LIMIT32, true)).toBe(a);
    // 33 granules and more are never rounded nor cached.
    const big = d.allocIovaFast(33, LIMIT32, true)!;
    expect(d.findIova(big)!.pfnHi - big + 1).toBe(33);
    d.freeIovaFast(big, 33);
    expect(d.findIova(big)).toBeNull();
  });

  it("on failure with flush_rcache the caches go back to the tree and the allocation is retried", () => {
    const d = dom({ rcaches: true, startPfn: 1 });
    const got: number[] = [];
    for (let i = 0; i < 64; i++) got.push(d.allocIovaFast(1, 128, true)!);
    expect(got.at(-1)).toBe(65);
    for (const p of got) d.freeIovaFast(p, 1);
    expect(d.usage().cachedRanges).toBe(64);
    // 64 granules, aligned to 64, at or below 128: only [64, 127], held by cached ranges.
    expect(d.allocIovaFast(64, 128, false)).toBeNull();
    expect(d.allocIovaFast(64, 128, true)).toBe(64);
    expect(d.usage()).toMatchObject({ ranges: 1, cachedRanges: 0 });
  });

  it("6.1's depot holds 32 magazines, a 33rd spills its ranges into the tree; 6.7+'s grows and is trimmed by its work", () => {
    const fill = (depot: "bounded" | "list") => {
      const d = dom({ rcaches: true, depot });
      const n = IOVA_MAG_SIZE * (2 + MAX_GLOBAL_MAGS + 2);
      const pfns: number[] = [];
      for (let i = 0; i < n; i++) pfns.push(d.allocIova(1, 2 ** 40, true)!.pfnLo);
      for (const p of pfns) d.freeIovaFast(p, 1);
      return { d, n };
    };
    const old = fill("bounded");
    // loaded + prev + 32 depot magazines stay cached; the 33rd and 34th overflowed.
    expect(old.d.usage().cachedRanges).toBe(IOVA_MAG_SIZE * (2 + MAX_GLOBAL_MAGS));
    expect(old.d.usage().ranges).toBe(old.n - 2 * IOVA_MAG_SIZE);
    const neu = fill("list");
    expect(neu.d.usage().cachedRanges).toBe(neu.n);
    // The delayed work trims the depot to one magazine per CPU.
    expect(neu.d.runDepotWork()).toBe(MAX_GLOBAL_MAGS + 2 - 1);
    expect(neu.d.usage().cachedRanges).toBe(IOVA_MAG_SIZE * 3);
    expect(old.d.runDepotWork()).toBe(0);
  });
});

/** A naive model of alloc_iova / free_iova / reserve_iova: sorted arrays, linear scans. */
class NaiveIova {
  ranges: { lo: number; hi: number }[] = [{ lo: 2 ** 53, hi: 2 ** 53 }];
  cached = 2 ** 53;
  cached32 = 2 ** 53;
  max32: number;
  constructor(
    readonly start: number,
    readonly d32: number,
  ) {
    this.max32 = d32;
  }
  private idx(lo: number) {
    return this.ranges.findIndex((r) => r.lo === lo);
  }
  alloc(size: number, limitIncl: number, aligned: boolean): number | null {
    const limit = limitIncl + 1;
    const sh = aligned ? flsLong(size - 1) : 0;
    const al = (x: number) => Math.floor(x / 2 ** sh) * 2 ** sh;
    if (limit <= this.d32 && size >= this.max32) return null;
    let ci = this.idx(limit <= this.d32 ? this.cached32 : this.cached);
    const retry = this.ranges[ci]!.hi;
    let high = limit;
    let low = this.start;
    let np = 0;
    for (;;) {
      do {
        high = Math.min(high, this.ranges[ci]!.lo);
        np = high >= size ? al(high - size) : Infinity;
        ci--;
      } while (ci >= 0 && np <= this.ranges[ci]!.hi && np >= low);
      if (high < size || np < low) {
        if (low === this.start && retry < limit) {
          high = limit;
          low = retry + 1;
          ci = limit > this.d32 ? this.ranges.length - 1 : this.ranges.findIndex((r) => r.hi >= limit);
          continue;
        }
        this.max32 = size;
        return null;
      }
      break;
    }
    const r = { lo: np, hi: np + size - 1 };
    this.ranges.splice(this.ranges.findIndex((x) => x.lo > np), 0, r);
    if (r.hi < this.d32) this.cached32 = r.lo;
    else this.cached = r.lo;
    return np;
  }
  free(pfn: number) {
    const i = this.ranges.findIndex((r) => r.lo <= pfn && pfn <= r.hi && r.lo !== 2 ** 53);
    if (i < 0) return;
    const f = this.ranges[i]!;
    const next = this.ranges[i + 1]!.lo;
    const c32 = this.ranges[this.idx(this.cached32)]!;
    if (f.lo === c32.lo || (f.hi < this.d32 && f.lo >= c32.lo)) this.cached32 = next;
    if (f.lo < this.d32) this.max32 = this.d32;
    if (f.lo >= this.cached) this.cached = next;
    this.ranges.splice(i, 1);
  }
}

describe("against a naive model", () => {
  it("random alloc/free traffic gives the same ranges, and the tree stays balanced", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 8, max: 400 }), fc.nat(), fc.boolean(), fc.boolean()), { minLength: 1, maxLength: 300 }),
        (ops) => {
          // A 64 KiB "4 GiB line" keeps both the 32-bit and the high paths busy.
          const d = new IovaDomain({ granule: 2 ** 16, startPfn: 3 });
          const n = new NaiveIova(3, d.dma32bitPfn);
          const live: number[] = [];
          for (const [alloc, size, limit, pick, high, aligned] of ops) {
            if (alloc || live.length === 0) {
              const lim = high ? d.dma32bitPfn + limit : limit;
              const a = d.allocIova(size, lim, aligned)?.pfnLo ?? null;
              expect(a).toBe(n.alloc(size, lim, aligned));
              if (a !== null) live.push(a);
            } else {
              const [p] = live.splice(pick % live.length, 1);
              d.freeIova(p!);
              n.free(p!);
            }
          }
          expect([...d.ranges()].map((r) => [r.pfnLo, r.pfnHi])).toEqual(n.ranges.slice(0, -1).map((r) => [r.lo, r.hi]));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("the red-black tree keeps its invariants through inserts and removes", () => {
    const t = new IovaTree();
    const nodes = [];
    for (let i = 0; i < 2000; i++) {
      const n = t.node((i * 7919) % 100003, (i * 7919) % 100003, false);
      t.insert(n);
      nodes.push(n);
    }
    t.checkInvariants();
    for (let i = 0; i < 2000; i += 3) t.remove(nodes[i]!);
    t.checkInvariants();
    const keys = [...t].map((n) => n.pfnLo);
    expect(keys).toEqual([...keys].sort((a, b) => a - b));
    expect(t.size).toBe(2000 - 667);
  });
});

describe("scale", () => {
  const traffic = (n: number) => {
    const d = dom({ rcaches: true });
    const t0 = performance.now();
    const pfns: number[] = [];
    for (let i = 0; i < n; i++) pfns.push(d.allocIovaFast(1 + (i % 5), 2 ** 36 - 1, true)!);
    for (let i = 0; i < n; i += 2) d.freeIovaFast(pfns[i]!, 1 + (i % 5));
    for (let i = 0; i < n / 2; i++) d.allocIovaFast(1 + (i % 5), 2 ** 36 - 1, true);
    return { d, ms: performance.now() - t0 };
  };
  it("100,000 mappings, freed and mapped again, grow about linearly", () => {
    traffic(2000); // warm-up
    const small = traffic(10_000);
    const big = traffic(100_000);
    expect(big.d.usage().ranges).toBe(100_000);
    expect(big.ms / Math.max(small.ms, 1)).toBeLessThan(40);
  });
});
