// arch/arm/mm/dma-mapping.c's dma_iommu_mapping allocator: the mapping's sizing (whole longs, one
// page of bitmap, extensions), first-fit aligned runs, extension on demand, exhaustion, the
// map_page / alloc_attrs sizes, 32-bit wrap, and growth with 100,000 mappings.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ArmIommuMappingIova, armMappingWindow, getOrder, type ArmMappingOptions } from "../../src/iommu/arm-mapping-iova.ts";

const SZ_128M = 128 * 2 ** 20;
function mk(o: ArmMappingOptions): ArmIommuMappingIova {
  const r = ArmIommuMappingIova.create(o);
  if (!r.ok) throw new Error(r.message);
  return r.mapping;
}

describe("arm_iommu_create_mapping", () => {
  it("a 4 GiB mapping is 32 extensions of one page of bitmap (128 MiB each), one allocated at first", () => {
    const m = mk({ base: 0, size: 2 ** 32 });
    expect(m.usage()).toEqual({ bitmaps: 1, extensions: 32, bitsPerBitmap: 32768, usedPages: 0, capacityPages: 2 ** 20 });
  });

  it("rounds the bitmap to whole longs, and truncates a size that is not a multiple of 128 MiB to whole pages of bitmap", () => {
    expect(mk({ base: 0, size: 2 ** 20 + 4096 }).usage().capacityPages).toBe(288); // 257 pages -> 9 longs
    expect(mk({ base: 0, size: 200 * 2 ** 20 }).usage()).toMatchObject({ extensions: 1, capacityPages: 32768 }); // 128 of 200 MiB
  });

  it("-ERANGE above 4 GiB, -EINVAL without a whole page", () => {
    expect(ArmIommuMappingIova.create({ base: 0, size: 2 ** 32 + 4096 })).toMatchObject({ ok: false, errno: "-ERANGE" });
    expect(ArmIommuMappingIova.create({ base: 0, size: 4095 })).toMatchObject({ ok: false, errno: "-EINVAL" });
    expect(() => ArmIommuMappingIova.create({ base: 0, size: 4096, alignmentOrder: 10 })).toThrow(/outside 4..9/);
  });

  it("the window arm_setup_iommu_dma_ops asks for", () => {
    expect(armMappingWindow(null, "range-map")).toEqual({ base: 0, size: 2 ** 32 });
    expect(armMappingWindow({ min: 0x8000_0000, max: 0xffff_ffff }, "arch-args")).toEqual({ base: 0x8000_0000, size: 0x8000_0000 });
    expect(armMappingWindow({ min: 0x8000_0000, max: 0xffff_ffff }, "range-map")).toEqual({ base: 0x8000_0000, size: 0x7fff_ffff });
  });
});

describe("__alloc_iova / __free_iova", () => {
  it("get_order", () => {
    expect([1, 4096, 4097, 8192, 12288, 2 ** 22].map(getOrder)).toEqual([0, 0, 1, 1, 2, 10]);
  });

  it("first fit from the bottom, each run aligned to its order: a hole below an aligned run is filled later", () => {
    const m = mk({ base: 0x8000_0000, size: 2 ** 24 });
    expect(m.allocIova(4096)).toBe(0x8000_0000);
    expect(m.allocIova(8192)).toBe(0x8000_2000); // order 1: page 1 is skipped
    expect(m.allocIova(4096)).toBe(0x8000_1000);
    expect(m.allocIova(3 * 4096)).toBe(0x8000_4000); // order 2 (3 pages, aligned to 4)
    // Alignment is capped at CONFIG_ARM_DMA_IOMMU_ALIGNMENT (256 pages by default).
    expect(m.allocIova(2 ** 22)).toBe(0x8010_0000);
    const small = mk({ base: 0x8000_0000, size: 2 ** 24, alignmentOrder: 4 });
    small.allocIova(4096);
    expect(small.allocIova(2 ** 22)).toBe(0x8001_0000);
  });

  it("adds a bitmap when none of the existing ones has room; a run never spans two", () => {
    const m = mk({ base: 0, size: 2 ** 32 });
    expect(m.allocIova(SZ_128M - 4096)).toBe(0);
    expect(m.allocIova(8192)).toBe(SZ_128M); // one page left in bitmap 0, too small
    expect(m.allocIova(4096)).toBe(SZ_128M - 4096); // fits the last page of bitmap 0
    expect(m.usage()).toMatchObject({ bitmaps: 2, usedPages: 32768 + 2 });
  });

  it("runs out (DMA_MAPPING_ERROR) when every extension is full, and an unmap makes room", () => {
    const m = mk({ base: 0x1000_0000, size: 2 ** 20 }); // 256 pages, no extension
    const got: number[] = [];
    for (let a = m.allocIova(4096); a !== null; a = m.allocIova(4096)) got.push(a);
    expect(got.length).toBe(256);
    m.freeIova(got[100]!, 4096);
    expect(m.allocIova(8192)).toBeNull(); // one free page only
    expect(m.allocIova(4096)).toBe(got[100]);
    expect(() => m.freeIova(0x1000_0000 + 2 ** 20, 4096)).toThrow(/outside the mapping/);
  });

  it("map_page keeps the offset and maps whole pages around it; alloc_attrs maps whole pages", () => {
    const m = mk({ base: 0x8000_0000, size: 2 ** 24 });
    expect(m.mapPage(0x100, 4096)).toBe(0x8000_0100); // two pages
    expect(m.usage().usedPages).toBe(2);
    expect(m.allocAttrs(5000)).toBe(0x8000_2000);
    m.unmapPage(0x8000_0100, 4096);
    m.freeAttrs(0x8000_2000, 5000);
    expect(m.usage().usedPages).toBe(0);
  });

  it("without LPAE the 32-bit dma_addr_t wraps past 4 GiB", () => {
    const m = mk({ base: 0xf000_0000, size: 2 ** 29 });
    expect([m.allocIova(SZ_128M), m.allocIova(SZ_128M), m.allocIova(SZ_128M)]).toEqual([0xf000_0000, 0xf800_0000, 0]);
    const lpae = mk({ base: 0xf000_0000, size: 2 ** 29, dmaAddr64: true });
    lpae.allocIova(SZ_128M);
    lpae.allocIova(SZ_128M);
    expect(lpae.allocIova(SZ_128M)).toBe(2 ** 32);
  });
});

/** The kernel's search with no hints: plain bit arrays, bitmap_find_next_zero_area as written. */
function naiveAlloc(maps: boolean[][], ext: number, bits: number, size: number, alignOrder = 8): number | null {
  const order = Math.min(getOrder(size), alignOrder);
  const count = Math.ceil(size / 4096);
  const mask = (1 << order) - 1;
  const find = (m: boolean[]) => {
    let start = 0;
    for (;;) {
      let index = start;
      while (index < bits && m[index]) index++;
      index = (index + mask) & ~mask;
      const end = index + count;
      if (end > bits) return end;
      let i = index;
      while (i < end && !m[i]) i++;
      if (i < end) {
        start = i + 1;
        continue;
      }
      return index;
    }
  };
  let i = 0;
  let start = 0;
  for (; i < maps.length; i++) if ((start = find(maps[i]!)) <= bits) break;
  if (i === maps.length) {
    if (maps.length >= ext) return null;
    maps.push(new Array<boolean>(bits).fill(false));
    if ((start = find(maps[i]!)) > bits) return null;
  }
  for (let k = start; k < start + count; k++) maps[i]![k] = true;
  return (i * bits + start) * 4096;
}

describe("against the kernel's search without hints", () => {
  it("random traffic gives the same IOVAs", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 70_000 }), fc.nat()), { maxLength: 250 }), (ops) => {
        const m = mk({ base: 0, size: 2 ** 22 }); // 1024 pages: one bitmap of 1024 bits, no extension
        const big = mk({ base: 0, size: 2 ** 27 + 2 ** 26 }); // 48K pages: 1 extension of 32K
        const n1: boolean[][] = [new Array<boolean>(1024).fill(false)];
        const n2: boolean[][] = [new Array<boolean>(32768).fill(false)];
        const live: [number, number, number | null][] = [];
        for (const [alloc, size, pick] of ops) {
          if (alloc || live.length === 0) {
            const a = m.allocIova(size);
            expect(a).toBe(naiveAlloc(n1, 1, 1024, size));
            const b = big.allocIova(size * 8);
            expect(b).toBe(naiveAlloc(n2, 1, 32768, size * 8));
            live.push([size, a ?? -1, b]);
          } else {
            const [size, a, b] = live.splice(pick % live.length, 1)[0]!;
            const pages = Math.ceil(size / 4096);
            if (a >= 0) {
              m.freeIova(a, pages * 4096);
              for (let k = 0; k < pages; k++) n1[0]![a / 4096 + k] = false;
            }
            if (b !== null) {
              big.freeIova(b, Math.ceil((size * 8) / 4096) * 4096);
              for (let k = 0; k < Math.ceil((size * 8) / 4096); k++) n2[0]![b / 4096 + k] = false;
            }
          }
        }
      }),
      { numRuns: 120 },
    );
  });
});

describe("scale", () => {
  const traffic = (n: number) => {
    const m = mk({ base: 0, size: 2 ** 32 });
    const t0 = performance.now();
    const got: number[] = [];
    for (let i = 0; i < n; i++) got.push(m.mapPage(0, 4096)!);
    for (let i = 0; i < n; i += 2) m.unmapPage(got[i]!, 4096);
    for (let i = 0; i < n / 2; i++) m.mapPage(0, 4096);
    return { m, ms: performance.now() - t0 };
  };
  it("100,000 mappings, half unmapped and mapped again", () => {
    traffic(2000);
    const small = traffic(10_000);
    const big = traffic(100_000);
    expect(big.m.usage()).toMatchObject({ usedPages: 100_000, bitmaps: 4 });
    expect(big.ms / Math.max(small.ms, 1)).toBeLessThan(40);
  });
});
