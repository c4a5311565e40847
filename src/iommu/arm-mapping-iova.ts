// The IOVA allocator of an arm32 `struct dma_iommu_mapping` (arch/arm/mm/dma-mapping.c,
// CONFIG_ARM_DMA_USE_IOMMU), modelled exactly: `arm_iommu_create_mapping` sizes one bitmap of at
// most a page (32,768 pages = 128 MiB of IOVA) and allows `extensions` of them; `__alloc_iova`
// takes the first free run of pages (bottom-up, first fit) aligned to the buffer's order capped at
// CONFIG_ARM_DMA_IOMMU_ALIGNMENT, in the first bitmap that has one, and adds the next bitmap on
// demand (`extend_iommu_mapping`); a run never spans two bitmaps. Same code in 6.1 and 6.12 (6.12
// takes the window from dev->dma_range_map inside arm_setup_iommu_dma_ops, 6.1 from
// arch_setup_dma_ops' arguments).

/** arm32's PAGE_SIZE (PAGE_SHIFT 12). */
export const ARM_PAGE_SIZE = 4096;
const PAGE_SHIFT = 12;
/** sizeof(long) on arm32. */
const LONG_BYTES = 4;
/** CONFIG_ARM_DMA_IOMMU_ALIGNMENT's default (range 4..9). */
export const DEFAULT_ARM_DMA_IOMMU_ALIGNMENT = 8;

export interface ArmMappingOptions {
  /** `base` of arm_iommu_create_mapping: the IOVA of the first page. */
  readonly base: number;
  /** `size` in bytes (u64): at most 4 GiB. */
  readonly size: number;
  /** CONFIG_ARM_DMA_IOMMU_ALIGNMENT (maximum alignment order), default 8. */
  readonly alignmentOrder?: number;
  /** dma_addr_t is 64-bit (LPAE kernels); else IOVAs wrap at 4 GiB like the 32-bit type. */
  readonly dmaAddr64?: boolean;
}

export type CreateMappingResult = { readonly ok: true; readonly mapping: ArmIommuMappingIova } | { readonly ok: false; readonly errno: "-ERANGE" | "-EINVAL"; readonly message: string };

export interface ArmMappingUsage {
  /** Bitmaps allocated so far (`nr_bitmaps`) and the most there can be (`extensions`). */
  readonly bitmaps: number;
  readonly extensions: number;
  /** Pages per bitmap (`bits`). */
  readonly bitsPerBitmap: number;
  readonly usedPages: number;
  /** Pages the mapping can ever hold (extensions × bits). */
  readonly capacityPages: number;
}

/** get_order(): the order of pages a size needs (0 for up to a page). */
export function getOrder(size: number): number {
  if (size <= ARM_PAGE_SIZE) return 0;
  const pages = Math.floor((size - 1) / ARM_PAGE_SIZE);
  return 32 - Math.clz32(pages);
}

const pageAlign = (n: number) => Math.ceil(n / ARM_PAGE_SIZE) * ARM_PAGE_SIZE;

/** One page-sized (or smaller) bitmap, with the first-zero hint and free count the search uses. */
class Bitmap {
  private readonly words: Uint32Array;
  /** Every bit below it is set (a lower bound for find_next_zero_bit from 0). */
  private firstZero = 0;
  free: number;

  constructor(readonly bits: number) {
    this.words = new Uint32Array(Math.ceil(bits / 32));
    this.free = bits;
  }

  private test(i: number): boolean {
    return ((this.words[i >>> 5]! >>> (i & 31)) & 1) === 1;
  }

  /** find_next_zero_bit(map, bits, start): `bits` when there is none. */
  nextZero(start: number): number {
    let i = Math.max(start, this.firstZero);
    while (i < this.bits) {
      const w = this.words[i >>> 5]!;
      if (w === 0xffffffff && (i & 31) === 0) {
        i += 32;
        continue;
      }
      if (!this.test(i)) return i;
      i++;
    }
    return this.bits;
  }

  /** find_next_bit(map, end, start): `end` when there is none. */
  nextSet(start: number, end: number): number {
    let i = start;
    while (i < end) {
      const w = this.words[i >>> 5]!;
      if (w === 0 && (i & 31) === 0) {
        i += 32;
        continue;
      }
      if (this.test(i)) return i;
      i++;
    }
    return end;
  }

  /** bitmap_find_next_zero_area(map, bits, 0, nr, alignMask): an index, or a value > bits. */
  findZeroArea(nr: number, alignMask: number): number {
    if (nr > this.free) return this.bits + 1; // no run of nr zero bits can exist
    let start = 0;
    for (;;) {
      let index = this.nextZero(start);
      index = (index + alignMask) & ~alignMask;
      const end = index + nr;
      if (end > this.bits) return end;
      const i = this.nextSet(index, end);
      if (i < end) {
        start = i + 1;
        continue;
      }
      return index;
    }
  }

  set(start: number, count: number): void {
    for (let i = start; i < start + count; i++) this.words[i >>> 5]! |= 1 << (i & 31);
    this.free -= count;
    if (start <= this.firstZero && start + count > this.firstZero) {
      let z = start + count;
      while (z < this.bits && this.test(z)) z++;
      this.firstZero = z;
    }
  }

  clear(start: number, count: number): void {
    for (let i = start; i < start + count; i++) this.words[i >>> 5]! &= ~(1 << (i & 31));
    this.free += count;
    if (start < this.firstZero) this.firstZero = start;
  }
}

export class ArmIommuMappingIova {
  readonly base: number;
  /** Pages per bitmap (`mapping->bits`). */
  readonly bits: number;
  /** Bitmaps the mapping may grow to (`mapping->extensions`). */
  readonly extensions: number;
  readonly alignmentOrder: number;
  private readonly dmaAddr64: boolean;
  private readonly bitmaps: Bitmap[] = [];
  private used = 0;

  private constructor(o: ArmMappingOptions, bits: number, extensions: number) {
    this.base = o.base;
    this.bits = bits;
    this.extensions = extensions;
    this.alignmentOrder = o.alignmentOrder ?? DEFAULT_ARM_DMA_IOMMU_ALIGNMENT;
    this.dmaAddr64 = o.dmaAddr64 ?? false;
    this.bitmaps.push(new Bitmap(bits));
  }

  /**
   * arm_iommu_create_mapping's sizing: -ERANGE above 4 GiB, -EINVAL for less than a page. The
   * bitmap is whole longs (so a mapping covers up to 31 pages more than asked) and at most a page;
   * a larger one becomes floor(bytes / PAGE_SIZE) extensions of a page each (so the tail of a size
   * that is not a multiple of 128 MiB is lost).
   */
  static create(o: ArmMappingOptions): CreateMappingResult {
    if (o.size > 2 ** 32) return { ok: false, errno: "-ERANGE", message: `Failed to create ${o.size}-byte IOMMU mapping: larger than 4 GiB` };
    const order = o.alignmentOrder ?? DEFAULT_ARM_DMA_IOMMU_ALIGNMENT;
    if (!Number.isInteger(order) || order < 4 || order > 9) throw new RangeError(`CONFIG_ARM_DMA_IOMMU_ALIGNMENT ${order} is outside 4..9`);
    const bits = Math.floor(o.size / ARM_PAGE_SIZE);
    let bitmapBytes = Math.ceil(bits / (8 * LONG_BYTES)) * LONG_BYTES;
    if (bitmapBytes === 0) return { ok: false, errno: "-EINVAL", message: `Failed to create ${o.size}-byte IOMMU mapping: no page to map` };
    let extensions = 1;
    if (bitmapBytes > ARM_PAGE_SIZE) {
      extensions = Math.floor(bitmapBytes / ARM_PAGE_SIZE);
      bitmapBytes = ARM_PAGE_SIZE;
    }
    return { ok: true, mapping: new ArmIommuMappingIova(o, 8 * bitmapBytes, extensions) };
  }

  usage(): ArmMappingUsage {
    return { bitmaps: this.bitmaps.length, extensions: this.extensions, bitsPerBitmap: this.bits, usedPages: this.used, capacityPages: this.bits * this.extensions };
  }

  /** __alloc_iova: the IOVA of `size` bytes (whole pages), or null for DMA_MAPPING_ERROR. */
  allocIova(size: number): number | null {
    const order = Math.min(getOrder(size), this.alignmentOrder);
    const count = pageAlign(size) / ARM_PAGE_SIZE;
    const alignMask = (1 << order) - 1;
    let i = 0;
    let start = 0;
    for (; i < this.bitmaps.length; i++) {
      start = this.bitmaps[i]!.findZeroArea(count, alignMask);
      if (start > this.bits) continue;
      break;
    }
    if (i === this.bitmaps.length) {
      // extend_iommu_mapping, then one try in the new bitmap only.
      if (this.bitmaps.length >= this.extensions) return null;
      this.bitmaps.push(new Bitmap(this.bits));
      start = this.bitmaps[i]!.findZeroArea(count, alignMask);
      if (start > this.bits) return null;
    }
    this.bitmaps[i]!.set(start, count);
    this.used += count;
    return this.wrap(this.base + this.bits * ARM_PAGE_SIZE * i + start * ARM_PAGE_SIZE);
  }

  /** __free_iova: `size` bytes (whole pages, as the callers pass them) from `addr`. */
  freeIova(addr: number, size: number): void {
    if (size === 0) return;
    const mappingSize = this.bits * ARM_PAGE_SIZE;
    const off = this.wrap(addr - this.base);
    const index = Math.floor(off / mappingSize);
    if (index >= this.bitmaps.length) throw new RangeError(`IOVA 0x${addr.toString(16)} is outside the mapping (BUG_ON in __free_iova)`);
    const start = Math.floor((off - index * mappingSize) / ARM_PAGE_SIZE);
    const count = Math.floor(size / ARM_PAGE_SIZE);
    if (start + count > this.bits) throw new RangeError("the range reaches into the next bitmap (BUG() in __free_iova)");
    this.bitmaps[index]!.clear(start, count);
    this.used -= count;
  }

  /** arm_iommu_map_page: `offset` is the buffer's offset in its page; returns the DMA address or null. */
  mapPage(offset: number, size: number): number | null {
    const iova = this.allocIova(pageAlign(size + offset));
    return iova === null ? null : iova + offset;
  }

  /** arm_iommu_unmap_page */
  unmapPage(handle: number, size: number): void {
    const offset = handle % ARM_PAGE_SIZE;
    this.freeIova(handle - offset, pageAlign(size + offset));
  }

  /** arm_iommu_alloc_attrs -> __iommu_create_mapping: PAGE_ALIGN(size). */
  allocAttrs(size: number): number | null {
    return this.allocIova(pageAlign(size));
  }

  /** arm_iommu_free_attrs -> __iommu_remove_mapping. */
  freeAttrs(handle: number, size: number): void {
    const offset = handle % ARM_PAGE_SIZE;
    this.freeIova(handle - offset, pageAlign(offset + size));
  }

  private wrap(addr: number): number {
    return this.dmaAddr64 ? addr : ((addr % 2 ** 32) + 2 ** 32) % 2 ** 32;
  }
}

/**
 * The window arm_setup_iommu_dma_ops gives arm_iommu_create_mapping for a device whose DMA
 * ranges span [min, max] (inclusive; null: no dma-ranges).
 * - "arch-args" (up to 6.9): of_dma_configure's (dma_start, size), size = max + 1 - min (an odd
 *   size is bumped by one), else 0 and the coherent mask + 1 (4 GiB for the default 32-bit mask);
 * - "range-map" (6.10+ ≈, arch_setup_dma_ops(dev, coherent)): dma_range_map_min and
 *   dma_range_map_max - min, one byte short of the window, else 0 and 4 GiB.
 */
export function armMappingWindow(dmaRange: { readonly min: number; readonly max: number } | null, mode: "arch-args" | "range-map"): { base: number; size: number } {
  if (!dmaRange) return { base: 0, size: 2 ** 32 };
  if (mode === "range-map") return { base: dmaRange.min, size: dmaRange.max - dmaRange.min };
  const size = dmaRange.max + 1 - dmaRange.min;
  return { base: dmaRange.min, size: size % 2 === 1 ? size + 1 : size };
}
