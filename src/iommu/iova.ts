// drivers/iommu/iova.c: the IOVA allocator of a DMA domain (`struct iova_domain`), modelled
// exactly: the same addresses come out for the same calls, including the cached search start
// points (`cached_node`, `cached32_node`, `max32_alloc_size`) that make the kernel's top-down
// search skip holes, the retry from the limit, `reserve_iova`'s merging, and the per-CPU range
// caches (`alloc_iova_fast` / `free_iova_fast`: magazines of 127 pfns per power-of-two size up to
// 32 granules, and the depot behind them). Read against Debian's 6.1 and 6.12 sources; the one
// difference between them is the depot (see RcacheDepot). Page frames are granule-sized.
import { IovaNode, IovaTree } from "./iova-tree.ts";

/** IOVA_RANGE_CACHE_MAX_SIZE: sizes of 2^0 .. 2^5 granules are cached. */
export const IOVA_RANGE_CACHE_MAX_SIZE = 6;
/** IOVA_MAG_SIZE: pfns per magazine. */
export const IOVA_MAG_SIZE = 127;
/** MAX_GLOBAL_MAGS (up to 6.6): full magazines a size's depot holds. */
export const MAX_GLOBAL_MAGS = 32;

/**
 * How the depot behind the per-CPU magazines behaves.
 * - "bounded" (up to 6.6, e.g. 6.1): an array of at most 32 full magazines; a 33rd is emptied
 *   back into the tree at once (`__iova_rcache_insert`'s `mag_to_free`).
 * - "list" (6.7+, Robin Murphy's depot rework, 911aa1245da8 / 233045378dbb ≈): an unbounded list;
 *   a delayed work (`iova_depot_work_func`, 100 ms) frees one magazine per run while the depot
 *   holds more than one per online CPU. Time does not pass by itself here: call runDepotWork().
 */
export type RcacheDepot = "bounded" | "list";

export interface IovaDomainOptions {
  /** Bytes per page frame: the smallest IOMMU page size (power of two, 4 KiB .. 64 KiB). */
  readonly granule: number;
  /** The lowest pfn handed out (`start_pfn`; dma-iommu passes max(1, aperture start)). */
  readonly startPfn: number;
  /** Initialise the range caches (`iova_domain_init_rcaches`); dma-iommu always does. */
  readonly rcaches?: boolean;
  readonly depot?: RcacheDepot;
  /** Online CPUs (each has its own magazines); default 1. */
  readonly cpus?: number;
}

/** An allocated or reserved range, as callers see it. */
export interface Iova {
  readonly pfnLo: number;
  readonly pfnHi: number;
  readonly reserved: boolean;
}

export interface IovaUsage {
  /** Ranges in the tree (allocated, reserved, or held in a cache), without the anchor. */
  readonly ranges: number;
  readonly allocatedPages: number;
  readonly reservedPages: number;
  /** Ranges freed into the per-CPU caches and depots but still in the tree. */
  readonly cachedRanges: number;
  readonly cachedPages: number;
}

class Magazine {
  readonly pfns: number[] = [];

  get full(): boolean {
    return this.pfns.length === IOVA_MAG_SIZE;
  }

  /** iova_magazine_pop: the newest pfn at or below `limit`, swapped out with the last one. */
  pop(limit: number): number {
    const p = this.pfns;
    let i = p.length - 1;
    for (; p[i]! > limit; i--) if (i === 0) return 0;
    const pfn = p[i]!;
    p[i] = p[p.length - 1]!;
    p.pop();
    return pfn;
  }
}

interface CpuRcache {
  loaded: Magazine;
  prev: Magazine;
}

interface Rcache {
  readonly cpus: CpuRcache[];
  /** Newest last ("bounded" pops from the end; "list" pushes and pops at the head = the end). */
  readonly depot: Magazine[];
}

/** A value above every pfn (`IOVA_ANCHOR` is ~0UL; pfns of a 64-bit space stay below 2^52). */
const ANCHOR = 2 ** 53;

/** fls_long(x): the 1-based index of the highest set bit, 0 for 0. */
export function flsLong(x: number): number {
  if (x <= 0) return 0;
  if (x < 2 ** 32) return 32 - Math.clz32(x);
  return 32 + flsLong(Math.floor(x / 2 ** 32));
}

/** order_base_2(n): ceil(log2(n)), 0 for n <= 1. */
export function orderBase2(n: number): number {
  return n <= 1 ? 0 : flsLong(n - 1);
}

export function roundupPowOfTwo(n: number): number {
  return 2 ** orderBase2(n);
}

export class IovaDomain {
  readonly granule: number;
  readonly shift: number;
  readonly startPfn: number;
  /** `dma_32bit_pfn`: the first pfn above 4 GiB. */
  readonly dma32bitPfn: number;
  readonly depotKind: RcacheDepot;
  readonly cpuCount: number;
  private readonly tree = new IovaTree();
  private readonly anchor: IovaNode;
  private cachedNode: IovaNode;
  private cached32Node: IovaNode;
  private max32AllocSize: number;
  private readonly rcaches: Rcache[] | null;
  private allocatedPages = 0;
  private reservedPages = 0;
  private cachedRanges = 0;
  private cachedPages = 0;

  /** init_iova_domain (+ iova_domain_init_rcaches when `rcaches`). */
  constructor(o: IovaDomainOptions) {
    const shift = Math.log2(o.granule);
    if (!Number.isInteger(shift) || shift < 12 || shift > 16) throw new RangeError(`IOVA granule ${o.granule} is not a power of two between 4 KiB and 64 KiB`);
    if (!Number.isSafeInteger(o.startPfn) || o.startPfn < 0) throw new RangeError(`bad start pfn ${o.startPfn}`);
    this.granule = o.granule;
    this.shift = shift;
    this.startPfn = o.startPfn;
    this.dma32bitPfn = 2 ** (32 - shift);
    this.max32AllocSize = this.dma32bitPfn;
    this.depotKind = o.depot ?? "list";
    this.cpuCount = Math.max(1, o.cpus ?? 1);
    this.anchor = this.tree.node(ANCHOR, ANCHOR, false);
    this.tree.insert(this.anchor);
    this.cachedNode = this.anchor;
    this.cached32Node = this.anchor;
    this.rcaches = o.rcaches
      ? Array.from({ length: IOVA_RANGE_CACHE_MAX_SIZE }, () => ({
          cpus: Array.from({ length: this.cpuCount }, () => ({ loaded: new Magazine(), prev: new Magazine() })),
          depot: [],
        }))
      : null;
  }

  /** The highest pfn reserve_iova accepts (ULLONG_MAX >> shift). */
  get maxPfn(): number {
    return 2 ** (64 - this.shift) - 1;
  }

  usage(): IovaUsage {
    return { ranges: this.tree.size - 1, allocatedPages: this.allocatedPages, reservedPages: this.reservedPages, cachedRanges: this.cachedRanges, cachedPages: this.cachedPages };
  }

  /** Every range in address order, without the anchor. */
  *ranges(): IterableIterator<Iova> {
    for (const n of this.tree) if (n !== this.anchor) yield { pfnLo: n.pfnLo, pfnHi: n.pfnHi, reserved: n.reserved };
  }

  /** find_iova */
  findIova(pfn: number): Iova | null {
    const n = this.tree.find(pfn);
    return n && n !== this.anchor ? { pfnLo: n.pfnLo, pfnHi: n.pfnHi, reserved: n.reserved } : null;
  }

  /**
   * alloc_iova: `size` granules at or below `limitPfn` (inclusive), top-down; with `sizeAligned`
   * the start is aligned to the next power of two of the size. null: -ENOMEM.
   */
  allocIova(size: number, limitPfn: number, sizeAligned: boolean): Iova | null {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`bad IOVA size ${size}`);
    const n = this.allocAndInsertRange(size, limitPfn + 1, sizeAligned);
    return n && { pfnLo: n.pfnLo, pfnHi: n.pfnHi, reserved: false };
  }

  /** free_iova: frees the range holding `pfn` (nothing when there is none). */
  freeIova(pfn: number): void {
    const n = this.tree.find(pfn);
    if (n && n !== this.anchor) this.removeIova(n);
  }

  /**
   * reserve_iova: keeps [pfnLo, pfnHi] out of allocation. Overlapping ranges are extended down to
   * cover the gap before them (as the kernel does); null when the pfns are out of range.
   */
  reserveIova(pfnLo: number, pfnHi: number): Iova | null {
    if (pfnLo > this.maxPfn || pfnHi > this.maxPfn) return null;
    let lo = pfnLo;
    const hi = pfnHi;
    let overlap = false;
    // The kernel walks from rb_first; ranges ending below `lo` can neither overlap nor stop the
    // walk, so starting at the first range that ends at or above it gives the same result.
    for (let n = this.tree.firstEndingAtOrAbove(lo); n; n = this.tree.next(n)) {
      if (lo <= n.pfnHi && hi >= n.pfnLo) {
        // __adjust_overlap_range
        if (lo < n.pfnLo) {
          this.account(n, -1);
          n.pfnLo = lo;
          this.account(n, 1);
        }
        if (hi > n.pfnHi) lo = n.pfnHi + 1;
        if (lo >= n.pfnLo && hi <= n.pfnHi) return { pfnLo: n.pfnLo, pfnHi: n.pfnHi, reserved: n.reserved };
        overlap = true;
      } else if (overlap) break;
    }
    const node = this.tree.node(lo, hi, true);
    this.tree.insert(node);
    this.account(node, 1);
    return { pfnLo: node.pfnLo, pfnHi: node.pfnHi, reserved: true };
  }

  /**
   * alloc_iova_fast: sizes below 32 granules are rounded up to a power of two; the CPU's cache is
   * tried first, then the tree (size-aligned); on failure with `flushRcache` every cache is
   * emptied back into the tree and the tree tried once more. Returns the first pfn, or null
   * (the kernel's 0).
   */
  allocIovaFast(size: number, limitPfn: number, flushRcache: boolean, cpu = 0): number | null {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`bad IOVA size ${size}`);
    if (size < 2 ** (IOVA_RANGE_CACHE_MAX_SIZE - 1)) size = roundupPowOfTwo(size);
    const cached = this.rcacheGet(size, limitPfn + 1, cpu);
    if (cached) return cached;
    for (;;) {
      const n = this.allocAndInsertRange(size, limitPfn + 1, true);
      if (n) return n.pfnLo;
      if (!flushRcache) return null;
      flushRcache = false;
      for (let c = 0; c < this.cpuCount; c++) this.freeCpuCachedIovas(c);
      this.freeGlobalCachedIovas();
    }
  }

  /** free_iova_fast: into the CPU's cache for its size's order, else back to the tree. */
  freeIovaFast(pfn: number, size: number, cpu = 0): void {
    if (this.rcacheInsert(pfn, size, cpu)) return;
    this.freeIova(pfn);
  }

  /** free_cpu_cached_iovas (CPU hot-unplug, or a failed allocation with flush_rcache). */
  freeCpuCachedIovas(cpu: number): void {
    if (!this.rcaches) return;
    for (const rc of this.rcaches) {
      const c = rc.cpus[cpu]!;
      this.magazineFreePfns(c.loaded);
      this.magazineFreePfns(c.prev);
    }
  }

  /** free_global_cached_iovas: every depot magazine back into the tree. */
  freeGlobalCachedIovas(): void {
    if (!this.rcaches) return;
    for (const rc of this.rcaches) while (rc.depot.length > 0) this.magazineFreePfns(rc.depot.pop()!);
  }

  /**
   * The 6.7+ depot work (`iova_depot_work_func`), run until it stops rescheduling itself: what
   * has happened once a few hundred milliseconds pass after frees. Returns the magazines freed.
   */
  runDepotWork(): number {
    if (!this.rcaches || this.depotKind !== "list") return 0;
    let freed = 0;
    for (const rc of this.rcaches) {
      while (rc.depot.length > this.cpuCount) {
        this.magazineFreePfns(rc.depot.pop()!);
        freed++;
      }
    }
    return freed;
  }

  // --- __alloc_and_insert_iova_range and the cached search starts ---

  /** `limitPfn` is exclusive here, as in the kernel's helper. */
  private allocAndInsertRange(size: number, limitPfn: number, sizeAligned: boolean): IovaNode | null {
    const alignShift = sizeAligned ? flsLong(size - 1) : 0;
    const align = (x: number) => (alignShift === 0 ? x : Math.floor(x / 2 ** alignShift) * 2 ** alignShift);
    if (limitPfn <= this.dma32bitPfn && size >= this.max32AllocSize) return null;
    let curr: IovaNode | null = limitPfn <= this.dma32bitPfn ? this.cached32Node : this.cachedNode;
    const retryPfn = curr.pfnHi;
    let highPfn = limitPfn;
    let lowPfn = this.startPfn;
    let newPfn = 0;
    for (;;) {
      // Walk the tree backwards from `curr` until a gap of `size` below it fits.
      do {
        highPfn = Math.min(highPfn, curr!.pfnLo);
        // (high - size) wraps around in the kernel when size > high: no gap, the walk stops.
        newPfn = highPfn >= size ? align(highPfn - size) : Infinity;
        curr = this.tree.prev(curr!);
      } while (curr && newPfn <= curr.pfnHi && newPfn >= lowPfn);
      if (highPfn < size || newPfn < lowPfn) {
        if (lowPfn === this.startPfn && retryPfn < limitPfn) {
          // Retry the part above the cached start, from the limit down.
          highPfn = limitPfn;
          lowPfn = retryPfn + 1;
          curr = this.findLimit(limitPfn);
          continue;
        }
        this.max32AllocSize = size;
        return null;
      }
      break;
    }
    const node = this.tree.node(newPfn, newPfn + size - 1, false);
    this.tree.insert(node);
    this.account(node, 1);
    // __cached_rbnode_insert_update
    if (node.pfnHi < this.dma32bitPfn) this.cached32Node = node;
    else this.cachedNode = node;
    return node;
  }

  /**
   * iova_find_limit: the anchor above 4 GiB, else the first range reaching `limitPfn` (the kernel
   * may start one range higher; the walk then reaches the same gap with the same result).
   */
  private findLimit(limitPfn: number): IovaNode {
    if (limitPfn > this.dma32bitPfn) return this.anchor;
    return this.tree.firstEndingAtOrAbove(limitPfn)!;
  }

  /** remove_iova: __cached_rbnode_delete_update, then rb_erase. */
  private removeIova(free: IovaNode): void {
    const next = this.tree.next(free);
    const c32 = this.cached32Node;
    if (free === c32 || (free.pfnHi < this.dma32bitPfn && free.pfnLo >= c32.pfnLo)) this.cached32Node = next!;
    if (free.pfnLo < this.dma32bitPfn) this.max32AllocSize = this.dma32bitPfn;
    if (free.pfnLo >= this.cachedNode.pfnLo) this.cachedNode = next!;
    this.tree.remove(free);
    this.account(free, -1);
  }

  private account(n: IovaNode, sign: 1 | -1): void {
    if (n.reserved) this.reservedPages += sign * n.pages;
    else this.allocatedPages += sign * n.pages;
  }

  // --- the range caches ---

  /** iova_rcache_get: `limitPfn` exclusive; the cached range must start at or below limit - size. */
  private rcacheGet(size: number, limitPfn: number, cpu: number): number {
    const log = orderBase2(size);
    if (!this.rcaches || log >= IOVA_RANGE_CACHE_MAX_SIZE) return 0;
    const rc = this.rcaches[log]!;
    const c = rc.cpus[cpu]!;
    let has = false;
    if (c.loaded.pfns.length > 0) has = true;
    else if (c.prev.pfns.length > 0) {
      [c.loaded, c.prev] = [c.prev, c.loaded];
      has = true;
    } else if (rc.depot.length > 0) {
      c.loaded = rc.depot.pop()!;
      has = true;
    }
    if (!has) return 0;
    const pfn = c.loaded.pop(limitPfn - size);
    if (pfn) this.uncache(pfn);
    return pfn;
  }

  /** iova_rcache_insert / __iova_rcache_insert. */
  private rcacheInsert(pfn: number, size: number, cpu: number): boolean {
    const log = orderBase2(size);
    if (!this.rcaches || log >= IOVA_RANGE_CACHE_MAX_SIZE) return false;
    const rc = this.rcaches[log]!;
    const c = rc.cpus[cpu]!;
    let toFree: Magazine | null = null;
    if (c.loaded.full) {
      if (!c.prev.full) [c.loaded, c.prev] = [c.prev, c.loaded];
      else {
        if (this.depotKind === "list" || rc.depot.length < MAX_GLOBAL_MAGS) rc.depot.push(c.loaded);
        else toFree = c.loaded;
        c.loaded = new Magazine();
      }
    }
    c.loaded.pfns.push(pfn);
    const n = this.tree.find(pfn);
    if (n) {
      this.cachedRanges++;
      this.cachedPages += n.pages;
    }
    if (toFree) this.magazineFreePfns(toFree);
    return true;
  }

  /** iova_magazine_free_pfns: every pfn of the magazine back out of the tree. */
  private magazineFreePfns(mag: Magazine): void {
    for (const pfn of mag.pfns) {
      const n = this.tree.find(pfn);
      if (!n) continue; // WARN_ON(!iova) in the kernel
      this.uncache(pfn);
      this.removeIova(n);
    }
    mag.pfns.length = 0;
  }

  private uncache(pfn: number): void {
    const n = this.tree.find(pfn);
    if (!n) return;
    this.cachedRanges--;
    this.cachedPages -= n.pages;
  }
}
