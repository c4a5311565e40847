// What of_dma_configure and of_iommu_configure read from the tree for each device, read once while
// the graph is built (the layers above never read the tree): coherence, the DMA parent bus's
// dma-ranges, the `iommus` specifiers (platform and AMBA devices), the host bridge's `iommu-map`
// (PCI functions), and the `memory-region` entries whose reserved-memory node carries
// `iommu-addresses` for the device. Per-bus answers (ranges, coherence) are shared by every device
// on the bus; targets of specifiers are interned per node (OfIommuNode), so identity compares them.
import {
  BAD_ADDRESS,
  busAddressCells,
  busSizeCells,
  cellsOf,
  compatibleList,
  dmaCoherent,
  dmaParent,
  dmaRangeMap,
  isAvailable,
  parsePhandleList,
  parsePhandleListWith,
  propertyString,
  propertyU32,
  readNumber,
  readReg,
  toOfNode,
  translateAddress,
  type PhandleIndex,
  type PhandleListError,
} from "../of/index.ts";
import type { DtNode, DtProperty } from "../tree/model.ts";
import type { IommuMap } from "../of/index.ts";
import type { DmaFacts, DmaRanges, IommusEntry, IommusError, OfIommuNode, ReservedRegionEntry } from "./types.ts";

const MASK32 = 0xffffffffn;
const NO_ENTRIES: readonly never[] = Object.freeze([]);

/** Which of the properties the facts depend on a device node has (one pass over its properties). */
export const HAS_DMA_COHERENT = 1;
export const HAS_DMA_NONCOHERENT = 2;
export const HAS_INTERCONNECT_NAMES = 4;
export const HAS_MEMORY_REGION = 8;

/**
 * The facts of a device with `iommus` or `memory-region`. Its reserved regions are read on first
 * use: only the drivers that reach of_iommu_get_resv_regions (6.3+) ask, and most devices with a
 * `memory-region` never do.
 */
class DeviceDmaFacts implements DmaFacts {
  readonly iommuMap = null;
  #reserved: readonly ReservedRegionEntry[] | undefined;

  constructor(
    readonly coherent: boolean,
    readonly ranges: DmaRanges | null,
    readonly iommus: DmaFacts["iommus"],
    readonly firstIommu: OfIommuNode | undefined,
    private readonly read: (() => readonly ReservedRegionEntry[]) | undefined,
  ) {}

  get reserved(): readonly ReservedRegionEntry[] {
    return (this.#reserved ??= this.read ? this.read() : NO_ENTRIES);
  }
}

export class DmaFactsReader {
  private readonly iommuNodes = new Map<DtNode, OfIommuNode>();
  private readonly rangesByBus = new Map<DtNode, DmaRanges>();
  private readonly coherentByBus = new Map<DtNode, boolean>();
  /** Facts without specifiers or reserved regions, shared per (ranges, coherence). */
  private readonly plain = new Map<DmaRanges | null, [DmaFacts | undefined, DmaFacts | undefined]>();

  constructor(private readonly phandles: PhandleIndex) {}

  /** The interned description of a node that specifiers name (an IOMMU, or what claims to be one). */
  iommuNode(node: DtNode): OfIommuNode {
    let n = this.iommuNodes.get(node);
    if (!n) {
      const compat = node.property("compatible");
      n = {
        node: toOfNode(node),
        path: node.path,
        name: node.name,
        available: isAvailable(node),
        status: propertyString(node, "status") ?? "",
        compatible: compatibleList(node),
        compatibleText: compat ? propertyString(node, "compatible") : "(no compatible)",
      };
      this.iommuNodes.set(node, n);
    }
    return n;
  }

  /**
   * A platform or AMBA device: its own node (of_dma_configure's np), its `iommus` property and
   * which of the other properties it has (HAS_* bits), from the one-pass scan of the node.
   */
  platform(node: DtNode, iommusProp: DtProperty | undefined, has: number): DmaFacts {
    // The DMA parent is the node's parent unless it has `interconnect-names` (a "dma-mem" path).
    const busNp = has & HAS_INTERCONNECT_NAMES ? dmaParent(node, this.phandles) : node.parent;
    // Own property first, then the (cached) answer of the DMA parent: of_dma_is_coherent's walk
    // without repeating it for every device on a bus.
    const coherent = has & HAS_DMA_COHERENT ? true : has & HAS_DMA_NONCOHERENT ? false : !busNp ? dmaCoherent(node, this.phandles) : this.busCoherent(busNp);
    const ranges = busNp ? this.rangesOf(busNp) : null;
    const memoryRegion = (has & HAS_MEMORY_REGION) !== 0;
    if (!iommusProp && !memoryRegion) return this.shared(ranges, coherent);
    let iommus: DmaFacts["iommus"] = null;
    let firstIommu: OfIommuNode | undefined;
    if (iommusProp) {
      const list = parsePhandleListWith(this.phandles, node, "iommus", "#iommu-cells", undefined, this.makeEntry);
      iommus = { entries: list.entries.length === 0 ? NO_ENTRIES : list.entries, error: list.error ? iommusError(list.error) : undefined };
      // The first cell's phandle, even when the list does not parse (the IOMMU a master waits for).
      if (iommusProp.value.length >= 4) {
        const t = this.phandles.get(iommusProp.value.u32At(0));
        firstIommu = t && this.iommuNode(t);
      }
    }
    return new DeviceDmaFacts(coherent, ranges, iommus, firstIommu, memoryRegion ? () => this.reservedRegions(node) : undefined);
  }

  private readonly makeEntry = (target: DtNode, _phandle: number, args: readonly number[]): IommusEntry => ({ target: this.iommuNode(target), args });

  /** A PCI host bridge's node, for every function behind it: its own `iommu-map`, no `iommus`. */
  pciBridge(node: DtNode): DmaFacts {
    const coherent = node.property("dma-coherent") !== undefined ? true : node.property("dma-noncoherent") !== undefined ? false : this.busCoherent(node);
    return { coherent, ranges: this.rangesOf(node), iommus: null, firstIommu: undefined, iommuMap: this.iommuMap(node), reserved: NO_ENTRIES };
  }

  private shared(ranges: DmaRanges | null, coherent: boolean): DmaFacts {
    let pair = this.plain.get(ranges);
    if (!pair) this.plain.set(ranges, (pair = [undefined, undefined]));
    const i = coherent ? 1 : 0;
    return (pair[i] ??= Object.freeze({ coherent, ranges, iommus: null, firstIommu: undefined, iommuMap: null, reserved: NO_ENTRIES }));
  }

  private busCoherent(bus: DtNode): boolean {
    let c = this.coherentByBus.get(bus);
    if (c === undefined) {
      c = dmaCoherent(bus, this.phandles);
      this.coherentByBus.set(bus, c);
    }
    return c;
  }

  /** of_dma_get_range from the bus, once per bus, with the DMA limit its ranges give. */
  private rangesOf(bus: DtNode): DmaRanges {
    let r = this.rangesByBus.get(bus);
    if (!r) {
      const map = dmaRangeMap(bus, this.phandles);
      if (map.kind === "map") {
        let end = 0n;
        for (const x of map.regions) if (x.dmaStart + x.size - 1n > end) end = x.dmaStart + x.size - 1n;
        // DMA_BIT_MASK(ilog2(end) + 1) caps the 32-bit default masks; bus_dma_limit = end.
        const bits = end.toString(2).length;
        const mask = bits >= 64 ? (1n << 64n) - 1n : (1n << BigInt(bits)) - 1n;
        r = { kind: "map", regions: map.regions, limit: end < (MASK32 & mask) ? end : MASK32 & mask };
      } else r = map.kind === "error" ? { kind: "error", message: map.message } : { kind: "none" };
      this.rangesByBus.set(bus, r);
    }
    return r;
  }

  /** `iommu-map` and `iommu-map-mask` of a host bridge (of_map_id's inputs); null when absent. */
  private iommuMap(node: DtNode): IommuMap<OfIommuNode> | null {
    const prop = node.property("iommu-map");
    if (!prop) return null;
    const cells = cellsOf(prop)!;
    const targets: (OfIommuNode | undefined)[] = [];
    for (let i = 0; i + 4 <= cells.length; i += 4) {
      const t = this.phandles.get(cells[i + 1]!);
      targets.push(t && this.iommuNode(t));
    }
    return { path: node.path, name: "iommu-map", maskName: "iommu-map-mask", bytes: prop.value.length, cells, mask: propertyU32(node, "iommu-map-mask") ?? 0xffffffff, targets };
  }

  /**
   * The tree half of of_iommu_get_resv_regions: every `memory-region` whose reserved-memory node
   * has `iommu-addresses` naming this device, in order. What the kernel does with each entry (its
   * type, the messages, which releases skip zero sizes) is decided where it is used.
   */
  private reservedRegions(devNode: DtNode): readonly ReservedRegionEntry[] {
    const out: ReservedRegionEntry[] = [];
    const list = parsePhandleList(this.phandles, devNode, "memory-region", "", 0);
    for (const e of list.entries) {
      const rmem = e.node;
      let phys: { readonly start: bigint; readonly end: bigint } | null = null;
      if (rmem.property("reg")) {
        const r = readReg(rmem)[0];
        const cpu = r ? translateAddress(rmem, r.addressCells) : BAD_ADDRESS;
        if (!r || cpu === BAD_ADDRESS) {
          out.push({ kind: "unparsable", path: rmem.path });
          continue;
        }
        phys = { start: cpu, end: cpu + r.size - 1n };
      }
      const maps = cellsOf(rmem.property("iommu-addresses"));
      if (!maps) continue;
      // of_translate_dma_region: cell counts of the referenced device's DMA parent bus.
      const parent = dmaParent(devNode, this.phandles);
      const na = parent ? busAddressCells(parent) : 1;
      const ns = parent ? busSizeCells(parent) : 1;
      // The kernel steps one cell at a time and only consumes address/size after a matching phandle.
      for (let i = 0; i < maps.length; ) {
        const target = this.phandles.get(maps[i++]!);
        if (target !== devNode) continue;
        if (i + na + ns > maps.length) break;
        const iova = readNumber(maps, i, na);
        const length = readNumber(maps, i + na, ns);
        i += na + ns;
        out.push({ kind: "region", iova, length, phys, path: rmem.path });
      }
    }
    return out.length === 0 ? NO_ENTRIES : out;
  }
}

function iommusError(e: PhandleListError): IommusError {
  switch (e.kind) {
    case "unknown-phandle":
      return { kind: e.kind, index: e.index, phandle: e.phandle };
    case "missing-cells":
      return { kind: e.kind, index: e.index, targetPath: e.target.path };
    case "truncated":
      return { kind: e.kind, index: e.index, targetPath: e.target.path, expected: e.expected, found: e.found };
    case "null-phandle":
      return { kind: e.kind, index: e.index };
  }
}
