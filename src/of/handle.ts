// struct device_node * for the layers above the device graph. The kernel model (iommu, probe,
// report) never holds the tree's DtNode: it holds an OfNode, an opaque handle it can only pass to
// the of_* helpers below, as kernel drivers read their own node (the IOMMU drivers' probes,
// host1x walking its children). Everything else the model needs from the tree is interpreted
// once, when the graph is built (graph/types.ts Device, DmaFacts). At run time the handle is the
// DtNode itself: converting costs nothing and keeps node identity (Maps keyed by OfNode work).
import type { Span } from "../source/index.ts";
import type { DtNode } from "../tree/model.ts";
import { readReg } from "./address.ts";
import { compatibleList, isAvailable } from "./base.ts";
import { countInterrupts } from "./irq.ts";
import type { PhandleIndex } from "./phandle.ts";
import { hasProperty, propertyString, propertyU32 } from "./property.ts";

declare const OF_NODE: unique symbol;

/** An opaque device_node handle (see above). */
export interface OfNode {
  readonly [OF_NODE]: true;
}

/** The handle of a tree node (for the graph layer, which reads the tree). */
export const toOfNode = (node: DtNode): OfNode => node as unknown as OfNode;
const dt = (np: OfNode): DtNode => np as unknown as DtNode;

/** %pOF: the node's full path. */
export const ofNodeFullName = (np: OfNode): string => dt(np).path;
/** %pOFn: the node name with its unit address. */
export const ofNodeName = (np: OfNode): string => dt(np).name;
export const ofGetParent = (np: OfNode): OfNode | null => {
  const p = dt(np).parent;
  return p ? toOfNode(p) : null;
};
/** for_each_child_of_node (every child, available or not). */
export const ofChildren = (np: OfNode): readonly OfNode[] => dt(np).children as unknown as readonly OfNode[];
/** of_device_is_available. */
export const ofDeviceIsAvailable = (np: OfNode): boolean => isAvailable(dt(np));
/** The `compatible` strings (shared, read-only). */
export const ofCompatible = (np: OfNode): readonly string[] => compatibleList(dt(np));
/** of_property_present. */
export const ofPropertyPresent = (np: OfNode, name: string): boolean => hasProperty(dt(np), name);
/** of_property_read_u32 (undefined: absent or short). */
export const ofPropertyReadU32 = (np: OfNode, name: string): number | undefined => propertyU32(dt(np), name);
/** of_property_read_string (undefined: absent or empty). */
export const ofPropertyReadString = (np: OfNode, name: string): string | undefined => propertyString(dt(np), name);
/** The untranslated address of the first `reg` entry (in the parent's cells). */
export const ofRegAddress = (np: OfNode): bigint | undefined => readReg(dt(np))[0]?.address;
/** of_irq_count. */
export const ofIrqCount = (np: OfNode, phandles: PhandleIndex): number => countInterrupts(dt(np), phandles);
/** of_parse_phandle(np, name, 0): the node the first cell of `name` points at. */
export function ofParsePhandle(phandles: PhandleIndex, np: OfNode, name: string): OfNode | undefined {
  const ph = propertyU32(dt(np), name);
  const target = ph === undefined ? undefined : phandles.get(ph);
  return target ? toOfNode(target) : undefined;
}
/** Where the node is written in the source (diagnostics about it); undefined for a blob's nodes. */
export const ofNodeSpan = (np: OfNode): Span | undefined => dt(np).spans[0];
