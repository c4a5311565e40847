// dma-direct's rule: the physical address through dma-ranges must fit the mask and the bus limit,
// else swiotlb bounces (if the pool itself is reachable), else the mapping fails.
import { describe, expect, it } from "vitest";
import { directAllocZone, dmaCapable, dmaDirectMap, physToDma, type DirectDevice } from "../../src/iommu/dma-direct.ts";

const dev32: DirectDevice = { dmaMask: 0xffff_ffffn, busDmaLimit: 0n, dmaRangeMap: null };
const pool = { start: 0xf800_0000n, end: 0xfc00_0000n };

describe("dma-direct", () => {
  it("maps a buffer that fits as its own physical address", () => {
    expect(dmaDirectMap(dev32, 0x8000_0000n, 4096, null)).toEqual({ ok: true, dma: 0x8000_0000n, bounced: false });
    expect(dmaCapable(dev32, 0xffff_f000n, 4096)).toBe(true);
    expect(dmaCapable(dev32, 0xffff_f000n, 4097)).toBe(false);
  });

  it("above the mask: bounced when there is a reachable swiotlb pool, else DMA_MAPPING_ERROR", () => {
    expect(dmaDirectMap(dev32, 0x1_0000_0000n, 4096, pool)).toEqual({ ok: true, dma: null, bounced: true, fits: true });
    expect(dmaDirectMap(dev32, 0x1_0000_0000n, 4096, null)).toMatchObject({ ok: false, reason: "overflow", message: "DMA addr 0x100000000+4096 overflow (mask 0xffffffff, bus limit 0x0)." });
    expect(dmaDirectMap(dev32, 0x1_0000_0000n, 512 * 1024, pool)).toMatchObject({ ok: false, reason: "swiotlb-too-large" });
    const high = { start: 0x8_0000_0000n, end: 0x8_0400_0000n };
    expect(dmaDirectMap(dev32, 0x1_0000_0000n, 4096, high)).toMatchObject({ ok: false, reason: "swiotlb-overflow" });
    expect(dmaDirectMap(dev32, 0x8000_0000n, 4096, { ...pool, forceBounce: true })).toMatchObject({ ok: true, bounced: true });
  });

  it("the bus limit and dma-ranges offsets apply", () => {
    const d: DirectDevice = { dmaMask: (1n << 64n) - 1n, busDmaLimit: 0x3fff_ffffn, dmaRangeMap: [{ cpuStart: 0x8000_0000n, dmaStart: 0n, size: 0x4000_0000n }] };
    expect(physToDma(d, 0x8000_1000n)).toBe(0x1000n);
    expect(dmaDirectMap(d, 0x8000_1000n, 4096, null)).toEqual({ ok: true, dma: 0x1000n, bounced: false });
    expect(dmaDirectMap(d, 0x1000n, 4096, null)).toMatchObject({ ok: false, message: expect.stringContaining("no dma-ranges translation") });
  });

  it("32-bit dma_addr_t: RAM below the first low page is not DMA-capable", () => {
    expect(dmaCapable({ ...dev32, lowestRamDma: 0x8000_0000n }, 0x7fff_f000n, 4096)).toBe(false);
  });

  it("coherent allocations start from the zone the coherent mask reaches", () => {
    expect(directAllocZone({ ...dev32, dmaMask: 0x3fff_ffffn }, 0x3fff_ffffn)).toBe("DMA");
    expect(directAllocZone(dev32, 0x3fff_ffffn)).toBe("DMA32");
    expect(directAllocZone({ ...dev32, dmaMask: (1n << 40n) - 1n }, 0x3fff_ffffn)).toBe("NORMAL");
  });
});
