// One pre-order pass over every node of the tree, after the devices exist: each device node's
// properties are read once (the few of_dma_configure and of_iommu_configure care about, found in a
// single scan: on a large board a property lookup is a scan whose cost is loading each property,
// and most of the names asked for are absent), giving the device its DmaFacts; nodes with
// `#iommu-cells` are recorded as IOMMU providers with their position in the tree.
import type { DtNode, DtProperty } from "../tree/model.ts";
import { HAS_DMA_COHERENT, HAS_DMA_NONCOHERENT, HAS_INTERCONNECT_NAMES, HAS_MEMORY_REGION, type DmaFactsReader } from "./dma-facts.ts";
import type { Device, DmaFacts } from "./types.ts";

/** TreeScan.order of a device without a node (PCI functions). */
export const NOT_IN_TREE = 0xffffffff;

export interface TreeScan {
  /** Pre-order index of each device's node, by Device.id (NOT_IN_TREE: none). */
  readonly order: Uint32Array;
  /** Nodes with `#iommu-cells`, in tree order, with their device (null: not populated). */
  readonly cellNodes: readonly { readonly node: DtNode; readonly device: Device | null; readonly order: number }[];
}

type WithFacts = { dma: DmaFacts };

export function scanTree(root: DtNode, devices: readonly (Device & WithFacts)[], byNode: ReadonlyMap<DtNode, Device & WithFacts>, facts: DmaFactsReader): TreeScan {
  const order = new Uint32Array(devices.length).fill(NOT_IN_TREE);
  const cellNodes: { node: DtNode; device: Device | null; order: number }[] = [];
  let cursor = 0;
  let index = 0;
  // Pre-order with an explicit stack (the same order as DtNode.walk(), without a generator).
  const stack: DtNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const at = index++;
    const kids = node.children;
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
    let cells = false;
    let iommus: DtProperty | undefined;
    let has = 0;
    const props = node.properties;
    for (let i = 0; i < props.length; i++) {
      const name = props[i]!.name;
      if (name === "#iommu-cells") cells = true;
      else if (name === "iommus") iommus ??= props[i];
      else if (name === "dma-coherent") has |= HAS_DMA_COHERENT;
      else if (name === "dma-noncoherent") has |= HAS_DMA_NONCOHERENT;
      else if (name === "interconnect-names") has |= HAS_INTERCONNECT_NAMES;
      else if (name === "memory-region") has |= HAS_MEMORY_REGION;
    }
    // Platform devices are populated in tree order: the next device with a node is usually this
    // node's, which spares a Map lookup per node (byNode answers the others).
    while (cursor < devices.length && devices[cursor]!.node === null) cursor++;
    const device = cursor < devices.length && (devices[cursor]!.node as unknown) === node ? devices[cursor++] : byNode.get(node);
    if (device && order[device.id] === NOT_IN_TREE) {
      order[device.id] = at;
      device.dma = facts.platform(node, iommus, has);
    }
    if (cells) cellNodes.push({ node, device: byNode.get(node) ?? null, order: at });
  }
  return { order, cellNodes };
}
