// dma-iommu's IOVA policy over iova.c: the start pfn and aperture check of iommu_dma_init_domain
// in both eras, reserved regions and PCI host-bridge windows, the 32-bit first try for PCI
// devices (per mapping in 6.1, until the first failure later), map offsets, exhaustion, the
// flush queue of DMA-FQ domains, coherent allocations and MSI pages.
import { describe, expect, it } from "vitest";
import { bitsPer, createDmaIovaSpace, DEFAULT_FLUSH_QUEUE, type DmaDomainInit, type DmaIommuVersion, type DmaIovaDevice, type IommuDmaIovaSpace } from "../../src/iommu/dma-iommu-iova.ts";

const V612: DmaIommuVersion = { limitChecks: "self-contained", sac: "until-first-failure", depot: "list" };
const V61: DmaIommuVersion = { limitChecks: "device-base", sac: "every-map", depot: "bounded" };
const SZ_4K = 0x1000n;
const PGSIZES = SZ_4K | 0x20_0000n | 0x4000_0000n; // 4K, 2M, 1G (io-pgtable-arm, 4K granule)

const base = (o: Partial<DmaDomainInit> = {}): DmaDomainInit => ({
  pgsizeBitmap: PGSIZES,
  geometry: { apertureStart: 0n, apertureEnd: (1n << 48n) - 1n, forceAperture: true },
  deviceWindow: null,
  resvRegions: [],
  ...o,
});

function space(init: DmaDomainInit, v: DmaIommuVersion = V612): IommuDmaIovaSpace {
  const r = createDmaIovaSpace(init, v);
  if (!r.ok) throw new Error(r.message);
  return r.space;
}

const platform = (): DmaIovaDevice => ({ name: "10000000.dma", isPci: false, busDmaLimit: 0n, pci32bitWorkaround: false });
const pci = (forcedac = false): DmaIovaDevice => ({ name: "0000:01:00.0", isPci: true, busDmaLimit: 0n, pci32bitWorkaround: !forcedac });
const MASK64 = (1n << 64n) - 1n;
const MASK32 = 0xffff_ffffn;

describe("iommu_dma_init_domain", () => {
  it("granule from the smallest page size; IOVA 0 is never handed out; sw-msi is not reserved, the rest is", () => {
    const s = space(base({ resvRegions: [
      { start: 0x800_0000n, length: 0x10_0000n, type: "sw-msi" },
      { start: 0xfff0_0000n, length: 0x10_0000n, type: "reserved" },
    ] }));
    expect(s.granule).toBe(SZ_4K);
    expect(s.iovad.startPfn).toBe(1);
    expect([...s.iovad.ranges()]).toEqual([{ pfnLo: 0xfff00, pfnHi: 0xfffff, reserved: true }]);
    // A 32-bit platform device lands just below the reservation.
    const m = s.map(0x8000_0000n, 4096, MASK32, platform());
    expect(m).toEqual({ ok: true, dma: 0xffef_f000n, notice: undefined });
  });

  it("6.1 starts the space at the device's DMA base; 6.10+ at the aperture start", () => {
    const w = { start: 0x8000_0000n, end: 0xffff_ffffn };
    expect(space(base({ deviceWindow: w }), V61).iovad.startPfn).toBe(0x80000);
    expect(space(base({ deviceWindow: w }), V612).iovad.startPfn).toBe(1);
    const ap = base({ geometry: { apertureStart: 0x1_0000_0000n, apertureEnd: 0xf_ffff_ffffn, forceAperture: true } });
    expect(space(ap, V612).iovad.startPfn).toBe(0x100000);
  });

  it("a DMA window wholly outside the aperture is -EFAULT; 6.1 checks it only for a forced aperture", () => {
    const far = { start: 1n << 50n, end: (1n << 51n) - 1n };
    expect(createDmaIovaSpace(base({ deviceWindow: far }), V612)).toMatchObject({ ok: false, errno: "-EFAULT", message: "specified DMA range outside IOMMU capability" });
    expect(createDmaIovaSpace(base({ deviceWindow: far }), V61)).toMatchObject({ ok: false, errno: "-EFAULT" });
    const loose = base({ deviceWindow: far, geometry: { apertureStart: 0n, apertureEnd: (1n << 48n) - 1n, forceAperture: false } });
    expect(createDmaIovaSpace(loose, V61).ok).toBe(true);
  });

  it("a later device must agree on granule and start: else 'Incompatible range for DMA domain'", () => {
    const s = space(base({ deviceWindow: { start: 0x8000_0000n, end: 0xffff_ffffn } }), V61);
    expect(s.checkCompatible(base({ deviceWindow: { start: 0x8000_0000n, end: 0x1_ffff_ffffn } }))).toEqual({ ok: true });
    expect(s.checkCompatible(base({ deviceWindow: { start: 0n, end: 0xffff_ffffn } }))).toEqual({ ok: false, errno: "-EFAULT", message: "Incompatible range for DMA domain" });
  });

  it("PCI: the bridge's memory windows and the holes around its dma-ranges are reserved (the first page of each range too, as iova_pfn(end) is inclusive)", () => {
    const s = space(base({
      hostBridge: {
        memWindows: [{ start: 0x4000_0000n, end: 0x7fff_ffffn, offset: 0n }],
        dmaRanges: [{ start: 0x8000_0000n, end: 0xffff_ffffn, offset: 0n }],
      },
    }));
    expect([...s.iovad.ranges()].map((r) => [r.pfnLo, r.pfnHi])).toEqual([
      [0, 0x7ffff], // the memory window, grown down to 0 by the reservation below the dma range ...
      [0x80000, 0x80000], // ... whose rest (up to and including the range's first page) is a new node
      [0x100000, 2 ** 52 - 1], // above the range, to ~0
    ]);
    // Every mapping of a 64-bit PCI device now lands inside 0x80001000..0xffffffff.
    const m = s.map(0x1234_5000n, 8192, MASK64, pci());
    expect(m).toMatchObject({ ok: true, dma: 0xffff_e000n });
    const bad = createDmaIovaSpace(base({ hostBridge: { memWindows: [], dmaRanges: [
      { start: 0x8000_0000n, end: 0xffff_ffffn, offset: 0n },
      { start: 0x9000_0000n, end: 0x9fff_ffffn, offset: 0n },
    ] } }), V612);
    expect(bad).toMatchObject({ ok: false, errno: "-EINVAL", message: "Failed to reserve IOVA [0x100000000-0x90000000]" });
  });
});

describe("iommu_dma_alloc_iova", () => {
  it("limits: the device mask, the bus limit, the forced aperture", () => {
    const s = space(base({ geometry: { apertureStart: 0n, apertureEnd: (1n << 40n) - 1n, forceAperture: true } }));
    expect(s.allocIova(SZ_4K, MASK64, platform()).iova).toBe((1n << 40n) - SZ_4K);
    expect(s.allocIova(SZ_4K, MASK64, { ...platform(), busDmaLimit: (1n << 36n) - 1n }).iova).toBe((1n << 36n) - SZ_4K);
    expect(s.allocIova(SZ_4K, MASK32, platform()).iova).toBe(0x1_0000_0000n - SZ_4K);
  });

  it("PCI devices try below 4 GiB first; from 6.4 the first failure switches the device to its full mask for good", () => {
    const small = base({ resvRegions: [{ start: 0x1000n, length: 0xffff_e000n, type: "reserved" }] }); // only 0xfffff000 free below 4 GiB
    const s = space(small);
    const dev = pci();
    expect(s.map(0n, 4096, MASK64, dev)).toEqual({ ok: true, dma: 0xffff_f000n, notice: undefined });
    expect(s.map(0n, 4096, MASK64, dev)).toEqual({ ok: true, dma: (1n << 48n) - SZ_4K, notice: "Using 48-bit DMA addresses" });
    expect(dev.pci32bitWorkaround).toBe(false);
    s.unmap(0xffff_f000n, 4096);
    s.iovad.freeCpuCachedIovas(0);
    expect(s.map(0n, 4096, MASK64, dev)).toMatchObject({ dma: (1n << 48n) - 2n * SZ_4K });
    // 6.1: every mapping tries low first, no notice; iommu.forcedac=1 skips it.
    const old = space(small, V61);
    const d61 = pci();
    expect(old.map(0n, 4096, MASK64, d61)).toMatchObject({ dma: 0xffff_f000n });
    old.unmap(0xffff_f000n, 4096);
    old.iovad.freeCpuCachedIovas(0);
    old.map(0n, 4096, MASK64, d61); // the freed page below 4 GiB is tried (and taken) again
    expect([...old.iovad.ranges()].filter((r) => !r.reserved).map((r) => r.pfnLo)).toEqual([0xfffff]);
    expect(old.map(0n, 4096, MASK64, pci(true))).toMatchObject({ dma: (1n << 48n) - SZ_4K });
    expect(bitsPer((1n << 40n) - 1n)).toBe(40);
  });

  it("keeps the buffer's offset in its granule and rounds the size up around it", () => {
    const s = space(base());
    const m = s.map(0x8000_0100n, 0x1000, MASK32, platform());
    expect(m).toMatchObject({ ok: true, dma: 0xffff_e100n }); // two granules
    expect(s.usage().allocatedPages).toBe(2);
    s.unmap(0xffff_e100n, 0x1000);
    expect(s.usage()).toMatchObject({ allocatedPages: 2, cachedPages: 2 });
  });
});

describe("exhaustion and the flush queue", () => {
  const tiny = (fq: boolean) =>
    space(base({ geometry: { apertureStart: 0n, apertureEnd: 0x3f_ffffn, forceAperture: true }, flushQueue: fq ? DEFAULT_FLUSH_QUEUE : null })); // 4 MiB: pfns 1..1023
  it("strict: mapping until -ENOMEM, then an unmap makes room", () => {
    const s = tiny(false);
    const got: bigint[] = [];
    for (;;) {
      const m = s.map(0n, 4096, MASK32, platform());
      if (!m.ok) {
        expect(m.errno).toBe("-ENOMEM");
        break;
      }
      got.push(m.dma);
    }
    expect(got.length).toBe(1023);
    s.unmap(got[500]!, 4096);
    expect(s.map(0n, 4096, MASK32, platform())).toMatchObject({ ok: true, dma: got[500] });
  });

  it("DMA-FQ: unmapped ranges wait for the flush; a full ring (255) or the timer frees them", () => {
    const s = tiny(true);
    const got: bigint[] = [];
    for (let m = s.map(0n, 4096, MASK32, platform()); m.ok; m = s.map(0n, 4096, MASK32, platform())) got.push(m.dma);
    s.unmap(got[0]!, 4096);
    expect(s.usage().queuedRanges).toBe(1);
    expect(s.map(0n, 4096, MASK32, platform()).ok).toBe(false); // still queued: alloc_iova_fast's flush does not drain the queue
    expect(s.runFlushTimer()).toBe(1);
    expect(s.map(0n, 4096, MASK32, platform())).toMatchObject({ ok: true, dma: got[0] });
    for (let i = 1; i <= 255; i++) s.unmap(got[i]!, 4096);
    expect(s.usage().queuedRanges).toBe(255);
    expect(s.flushes).toBe(1);
    s.unmap(got[256]!, 4096);
    expect([s.usage().queuedRanges, s.flushes]).toEqual([1, 2]);
  });
});

describe("coherent allocations and MSI pages", () => {
  it("dma_alloc_coherent takes whole pages below the coherent mask", () => {
    const s = space(base());
    expect(s.allocCoherent(5000, MASK32, platform())).toMatchObject({ ok: true, dma: 0xffff_e000n });
    expect(s.usage().allocatedPages).toBe(2);
    s.freeCoherent(0xffff_e000n, 5000);
    expect(s.usage().cachedPages).toBe(2);
  });

  it("one IOVA granule per MSI doorbell, shared by later users", () => {
    const s = space(base());
    const a = s.msiPage(0x2f02_0040n, pci(), MASK64);
    expect(a).toMatchObject({ ok: true, dma: 0xffff_f040n });
    expect(s.msiPage(0x2f02_0040n, pci(), MASK64)).toMatchObject({ dma: 0xffff_f040n });
    expect(s.usage().allocatedPages).toBe(1);
  });
});
