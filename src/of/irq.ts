// of_irq_count (drivers/of/irq.c): how many interrupts a node declares.
import type { DtNode } from "../tree/model.ts";
import { parsePhandleList, type PhandleIndex } from "./phandle.ts";
import { propertyCells, propertyU32 } from "./property.ts";

/** of_irq_find_parent: `interrupt-parent` on the node or its nearest ancestor. */
function interruptParent(node: DtNode, phandles: PhandleIndex): DtNode | undefined {
  for (let n: DtNode | null = node; n; n = n.parent) {
    const ph = propertyU32(n, "interrupt-parent");
    if (ph !== undefined) return phandles.get(ph);
  }
  return undefined;
}

/** Number of interrupts a node declares, as of_irq_count sees them. */
export function countInterrupts(node: DtNode, phandles: PhandleIndex): number {
  if (node.property("interrupts-extended")) return parsePhandleList(phandles, node, "interrupts-extended", "#interrupt-cells").entries.length;
  const cells = propertyCells(node, "interrupts");
  if (!cells) return 0;
  const parent = interruptParent(node, phandles);
  const n = (parent && propertyU32(parent, "#interrupt-cells")) || 1;
  return Math.floor(cells.length / n);
}
