// Interrupt checks: `interrupts` against the interrupt parent's #interrupt-cells, interrupt
// providers' #interrupt-cells, and the layout of `interrupt-map`.
import type { DtNode, DtProperty } from "../tree/model.ts";
import { effectiveAddressCells, fullPath } from "./tree-access.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";
import { cellAt, isMultipleOf, isValidPhandle, propCell, toInt32 } from "./values.ts";

function isInterruptProvider(node: DtNode): boolean {
  return node.property("interrupt-controller") !== undefined || node.property("interrupt-map") !== undefined;
}

function interruptsProperty(ctx: CheckContext, node: DtNode): void {
  const irqProp = node.property("interrupts");
  if (!irqProp) return;
  const len = irqProp.value.length;
  if (!isMultipleOf(len, 4)) ctx.fail(node, irqProp, `size (${len}) is invalid, expected multiple of 4`);

  // Walk up to the interrupt parent: the nearest provider ancestor, or the first interrupt-parent.
  let irqNode: DtNode | undefined;
  let prop: DtProperty | undefined;
  for (let parent: DtNode | null = node; parent && !prop; parent = parent.parent) {
    if (parent !== node && isInterruptProvider(parent)) {
      irqNode = parent;
      break;
    }
    prop = parent.property("interrupt-parent");
    if (!prop) continue;
    const phandle = propCell(prop);
    if (!isValidPhandle(phandle)) {
      // Unresolved in an overlay: nothing to check.
      if (ctx.tree.plugin) return;
      ctx.fail(parent, prop, "Invalid phandle");
      break;
    }
    irqNode = ctx.nodeByPhandle(phandle);
    if (!irqNode) {
      ctx.fail(parent, prop, "Bad phandle");
      return;
    }
    if (!isInterruptProvider(irqNode)) ctx.fail(irqNode, undefined, "Missing interrupt-controller or interrupt-map property");
    break;
  }
  if (!irqNode) {
    ctx.fail(node, undefined, "Missing interrupt-parent");
    return;
  }
  const cellsProp = irqNode.property("#interrupt-cells");
  if (!cellsProp) return; // interrupt_provider reports it
  const entry = Math.imul(propCell(cellsProp), 4);
  // Reported against this node with the provider's #interrupt-cells property, as dtc does.
  if (!isMultipleOf(len, entry)) ctx.fail(node, cellsProp, `size is (${len}), expected multiple of ${entry}`);
}

function interruptProvider(ctx: CheckContext, node: DtNode): void {
  const provider = isInterruptProvider(node);
  const cells = node.property("#interrupt-cells");
  if (provider && !cells) ctx.fail(node, undefined, "Missing '#interrupt-cells' in interrupt provider");
  else if (!provider && cells) ctx.fail(node, undefined, "'#interrupt-cells' found, but node is not an interrupt provider");
}

function interruptMap(ctx: CheckContext, node: DtNode): void {
  const map = node.property("interrupt-map");
  if (!map) return;
  if (ctx.state.addressCells(node) < 0) {
    ctx.fail(node, undefined, "Missing '#address-cells' in interrupt-map provider");
    return;
  }
  const irqCells = node.property("#interrupt-cells");
  // interrupt_provider (a prerequisite) guarantees #interrupt-cells on a node with interrupt-map.
  const cellsize = effectiveAddressCells(ctx.state, node) + (irqCells ? propCell(irqCells) : 0);
  const mask = node.property("interrupt-map-mask");
  if (mask && mask.value.length !== cellsize * 4) ctx.fail(node, mask, `property size (${mask.value.length}) is invalid, expected ${cellsize * 4}`);

  const len = map.value.length;
  if (!isMultipleOf(len, 4)) {
    ctx.fail(node, map, `property size (${len}) is invalid, expected multiple of 4`);
    return;
  }
  const mapCells = len / 4;
  for (let cell = 0; cell < mapCells; ) {
    if (cell + cellsize >= mapCells) {
      ctx.fail(node, map, `property size (${len}) too small, expected > ${(cell + cellsize) * 4}`);
      break;
    }
    cell += cellsize;
    const phandle = cellAt(map.value.bytes, cell);
    if (!isValidPhandle(phandle)) {
      if (!ctx.tree.plugin) ctx.fail(node, map, `Cell ${cell} is not a phandle(${toInt32(phandle)})`);
      break;
    }
    const parent = ctx.nodeByPhandle(phandle);
    if (!parent) {
      ctx.fail(node, map, `Could not get phandle(${toInt32(phandle)}) node for (cell ${cell})`);
      break;
    }
    const parentIrqCells = parent.property("#interrupt-cells");
    if (!parentIrqCells) {
      ctx.fail(node, undefined, `Missing property '#interrupt-cells' in node ${fullPath(parent)} or bad phandle (referred from interrupt-map[${cell}])`);
      break;
    }
    let parentCellsize = propCell(parentIrqCells);
    const parentAddr = parent.property("#address-cells");
    if (parentAddr) parentCellsize += propCell(parentAddr);
    cell += 1 + parentCellsize;
    if (cell > mapCells) ctx.fail(node, map, `property size (${len}) mismatch, expected ${cell * 4}`);
  }
}

export const interruptChecks: readonly CheckDefinition[] = [
  // dtc declares interrupts_property with phandle_references as its data, not as a prerequisite.
  { name: "interrupts_property", defaultLevel: "warning", prerequisites: [], onlyWithProperty: "interrupts", node: interruptsProperty },
  { name: "interrupt_provider", defaultLevel: "warning", prerequisites: ["interrupts_extended_is_cell"], node: interruptProvider },
  { name: "interrupt_map", defaultLevel: "warning", prerequisites: ["phandle_references", "addr_size_cells", "interrupt_provider"], onlyWithProperty: "interrupt-map", node: interruptMap },
];
