// of_dma_configure's inputs (drivers/of/address.c, device.c): the DMA parent (__of_get_dma_parent),
// of_dma_get_range and of_dma_is_coherent.
import type { DtNode } from "../tree/model.ts";
import { BAD_ADDRESS, isPciBus, translateAddress } from "./address.ts";
import { addressCells, busAddressCells, busSizeCells } from "./base.ts";
import { parsePhandleList, type PhandleIndex } from "./phandle.ts";
import { cellsOf, hasProperty, propertyStrings, readNumber } from "./property.ts";

/** One `dma-ranges` region as the kernel's bus_dma_region holds it. */
export interface DmaRegion {
  readonly cpuStart: bigint;
  readonly dmaStart: bigint;
  readonly size: bigint;
}

export type DmaRangeResult =
  | { readonly kind: "map"; readonly regions: DmaRegion[]; readonly node: DtNode }
  | { readonly kind: "none" }
  | { readonly kind: "error"; readonly message: string; readonly node: DtNode };

/** __of_get_dma_parent: the `interconnects` entry named "dma-mem" if any, else the DT parent. */
export function dmaParent(node: DtNode, phandles: PhandleIndex): DtNode | null {
  // Most nodes have no interconnect-names: no strings array to make for them.
  if (!node.property("interconnect-names")) return node.parent;
  const names = propertyStrings(node, "interconnect-names");
  const at = names.indexOf("dma-mem");
  if (at >= 0) {
    const list = parsePhandleList(phandles, node, "interconnects", "#interconnect-cells");
    // Each path has two endpoints (source and destination); "dma-mem" names the pair at `at`.
    const entry = list.entries[at * 2];
    if (entry) return entry.node;
  }
  return node.parent;
}

/**
 * of_dma_get_range(bus): walk up the DMA-parent chain from `bus`. An empty `dma-ranges` is 1:1 and
 * the walk continues; a node without the property ends it (the first node may lack it: then there
 * is no map); a non-empty one is decoded, its parent addresses translated to CPU addresses.
 */
export function dmaRangeMap(bus: DtNode, phandles: PhandleIndex): DmaRangeResult {
  let node: DtNode | null = bus;
  let found = false;
  // `interconnects` may point anywhere: a visited set keeps a looping DMA-parent chain finite.
  const seen = new Set<DtNode>();
  while (node && !seen.has(node)) {
    seen.add(node);
    const prop = node.property("dma-ranges");
    if (!prop) {
      if (found) return { kind: "error", message: `no dma-ranges found for node(${node.path})`, node };
      return { kind: "none" };
    }
    found = true;
    if (prop.value.length > 0) {
      const cells = cellsOf(prop)!;
      const na = busAddressCells(node);
      const pna = addressCells(node);
      const ns = busSizeCells(node);
      const stride = na + pna + ns;
      const regions: DmaRegion[] = [];
      for (let i = 0; stride > 0 && i + stride <= cells.length; i += stride) {
        const pci = isPciBus(node) && na === 3;
        const dmaStart = pci ? readNumber(cells, i + 1, 2) : readNumber(cells, i, na);
        // of_translate_dma_address: the parent address goes up through the ancestors' dma-ranges.
        const cpu = translateAddress(node, cells.slice(i + na, i + na + pna), "dma-ranges");
        const size = readNumber(cells, i + na + pna, ns);
        // A parent address that does not reach the CPU drops the range (of_dma_get_range's pr_err).
        if (cpu === BAD_ADDRESS) continue;
        regions.push({ cpuStart: cpu, dmaStart, size });
      }
      if (regions.length === 0) return { kind: "error", message: `no usable dma-ranges in ${node.path}`, node };
      return { kind: "map", regions, node };
    }
    node = dmaParent(node, phandles);
  }
  return { kind: "none" };
}

/** of_dma_is_coherent: nearest `dma-coherent`/`dma-noncoherent` up the DMA-parent chain, else false (arm/arm64). */
export function dmaCoherent(node: DtNode, phandles: PhandleIndex, defaultCoherent = false): boolean {
  const seen = new Set<DtNode>();
  for (let n: DtNode | null = node; n && !seen.has(n); n = dmaParent(n, phandles)) {
    seen.add(n);
    if (hasProperty(n, "dma-coherent")) return true;
    if (hasProperty(n, "dma-noncoherent")) return false;
  }
  return defaultCoherent;
}
