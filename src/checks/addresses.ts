// Address checks: #address-cells/#size-cells bookkeeping, reg/ranges/dma-ranges lengths, unit
// addresses against reg, and the style checks about cell counts and duplicate unit addresses.
import type { DtNode } from "../tree/model.ts";
import { effectiveAddressCells, effectiveSizeCells, fullPath, hasChildList } from "./tree-access.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";
import { isMultipleOf, propCell, toInt32, unitName, valueEquals } from "./values.ts";

/** fixup_addr_size_cells: records each node's cell counts (-1 when absent) as C ints. */
function addrSizeCells(ctx: CheckContext, node: DtNode): void {
  const a = node.property("#address-cells");
  const s = node.property("#size-cells");
  ctx.state.setCells(node, a ? toInt32(propCell(a)) : -1, s ? toInt32(propCell(s)) : -1);
}

function regFormat(ctx: CheckContext, node: DtNode): void {
  const prop = node.property("reg");
  if (!prop) return;
  if (!node.parent) {
    ctx.fail(node, undefined, 'Root node has a "reg" property');
    return;
  }
  if (prop.value.length === 0) ctx.fail(node, prop, "property is empty");
  const a = effectiveAddressCells(ctx.state, node.parent);
  const s = effectiveSizeCells(ctx.state, node.parent);
  // int arithmetic, as in dtc: absurd cell counts wrap rather than grow.
  const entry = Math.imul(toInt32(a + s), 4);
  if (!isMultipleOf(prop.value.length, entry))
    ctx.fail(node, prop, `property has invalid length (${prop.value.length} bytes) (#address-cells == ${a}, #size-cells == ${s})`);
}

function rangesFormat(propName: string) {
  return (ctx: CheckContext, node: DtNode): void => {
    const prop = node.property(propName);
    if (!prop) return;
    if (!node.parent) {
      ctx.fail(node, prop, `Root node has a "${propName}" property`);
      return;
    }
    const pa = effectiveAddressCells(ctx.state, node.parent);
    const ps = effectiveSizeCells(ctx.state, node.parent);
    const ca = effectiveAddressCells(ctx.state, node);
    const cs = effectiveSizeCells(ctx.state, node);
    const entry = Math.imul(toInt32(pa + ca + cs), 4);
    const len = prop.value.length;
    if (len === 0) {
      if (pa !== ca) ctx.fail(node, prop, `empty "${propName}" property but its #address-cells (${ca}) differs from ${fullPath(node.parent)} (${pa})`);
      if (ps !== cs) ctx.fail(node, prop, `empty "${propName}" property but its #size-cells (${cs}) differs from ${fullPath(node.parent)} (${ps})`);
    } else if (!isMultipleOf(len, entry)) {
      ctx.fail(
        node,
        prop,
        `"${propName}" property has invalid length (${len} bytes) (parent #address-cells == ${pa}, child #address-cells == ${ca}, #size-cells == ${cs})`,
      );
    }
  };
}

function unitAddressVsReg(ctx: CheckContext, node: DtNode): void {
  // Overlay fragments carry a unit address without reg by design.
  if (node.child("__overlay__")) return;
  let prop = node.property("reg");
  if (!prop) {
    prop = node.property("ranges");
    if (prop && prop.value.length === 0) prop = undefined;
  }
  const unit = unitName(node.name);
  if (prop) {
    if (unit === "") ctx.fail(node, undefined, "node has a reg or ranges property, but no unit name");
  } else if (unit !== "") {
    ctx.fail(node, undefined, "node has a unit name, but no reg or ranges property");
  }
}

function isHexDigit(ch: string | undefined): boolean {
  return ch !== undefined && /^[0-9a-fA-F]$/.test(ch);
}

/** Skipped under a bus recognised so far (only PCI and simple-bus: i2c/spi bridges run later). */
function unitAddressFormat(ctx: CheckContext, node: DtNode): void {
  if (node.parent && ctx.state.bus(node.parent)) return;
  let unit = unitName(node.name);
  if (unit === "") return;
  if (unit.startsWith("0x")) {
    ctx.fail(node, undefined, 'unit name should not have leading "0x"');
    unit = unit.slice(2);
  }
  if (unit[0] === "0" && isHexDigit(unit[1])) ctx.fail(node, undefined, "unit name should not have leading 0s");
}

function avoidDefaultAddrSize(ctx: CheckContext, node: DtNode): void {
  if (!node.parent) return;
  if (!node.property("reg") && !node.property("ranges")) return;
  if (ctx.state.addressCells(node.parent) === -1) ctx.fail(node, undefined, "Relying on default #address-cells value");
  if (ctx.state.sizeCells(node.parent) === -1) ctx.fail(node, undefined, "Relying on default #size-cells value");
}

function avoidUnnecessaryAddrSize(ctx: CheckContext, node: DtNode): void {
  if (!node.parent || ctx.state.addressCells(node) < 0 || ctx.state.sizeCells(node) < 0) return;
  if (node.property("ranges") || node.property("dma-ranges") || !hasChildList(node)) return;
  // Children with reg or ranges use the cell counts even without a mapping into the parent.
  for (const child of node.children) if (child.property("reg") || child.property("ranges")) return;
  ctx.fail(node, undefined, 'unnecessary #address-cells/#size-cells without "ranges", "dma-ranges" or child "reg" or "ranges" property');
}

function isDisabled(node: DtNode): boolean {
  const p = node.property("status");
  return p !== undefined && valueEquals(p, "disabled");
}

/**
 * For each child A with a unit address, dtc compares every earlier sibling B and FAILs on B
 * ("also used in node A"). A map from unit address to the earlier siblings gives the same
 * messages in the same order.
 */
function uniqueUnitAddress(skipDisabled: boolean) {
  return (ctx: CheckContext, node: DtNode): void => {
    if (ctx.state.addressCells(node) < 0 || ctx.state.sizeCells(node) < 0) return;
    if (!hasChildList(node)) return;
    const earlier = new Map<string, DtNode[]>();
    for (const a of node.children) {
      const unit = unitName(a.name);
      const disabled = skipDisabled && isDisabled(a);
      if (unit !== "" && !disabled) {
        const prev = earlier.get(unit);
        if (prev) {
          // Past what is shown, the pairs are counted in one step (linear work on hostile input).
          if (!ctx.showsMore()) ctx.countFailures(prev.length);
          else for (const b of prev) ctx.fail(b, undefined, `duplicate unit-address (also used in node ${fullPath(a)})`);
        }
      }
      // Every sibling is a candidate B for later ones, except disabled ones when skipping them.
      if (!disabled) {
        const list = earlier.get(unit);
        if (list) list.push(a);
        else earlier.set(unit, [a]);
      }
    }
  };
}

export const addressChecks: readonly CheckDefinition[] = [
  { name: "addr_size_cells", defaultLevel: "warning", prerequisites: ["address_cells_is_cell", "size_cells_is_cell"], node: addrSizeCells },
  { name: "reg_format", defaultLevel: "warning", prerequisites: ["addr_size_cells"], onlyWithProperty: "reg", node: regFormat },
  { name: "ranges_format", defaultLevel: "warning", prerequisites: ["addr_size_cells"], onlyWithProperty: "ranges", node: rangesFormat("ranges") },
  { name: "dma_ranges_format", defaultLevel: "warning", prerequisites: ["addr_size_cells"], onlyWithProperty: "dma-ranges", node: rangesFormat("dma-ranges") },
  { name: "unit_address_vs_reg", defaultLevel: "warning", prerequisites: [], node: unitAddressVsReg },
  { name: "unit_address_format", defaultLevel: "warning", prerequisites: ["node_name_format", "pci_bridge", "simple_bus_bridge"], node: unitAddressFormat },
  { name: "avoid_default_addr_size", defaultLevel: "warning", prerequisites: ["addr_size_cells"], node: avoidDefaultAddrSize },
  { name: "avoid_unnecessary_addr_size", defaultLevel: "warning", prerequisites: ["avoid_default_addr_size"], node: avoidUnnecessaryAddrSize },
  { name: "unique_unit_address", defaultLevel: "warning", prerequisites: ["avoid_default_addr_size"], node: uniqueUnitAddress(false) },
  { name: "unique_unit_address_if_enabled", defaultLevel: "off", prerequisites: ["avoid_default_addr_size"], node: uniqueUnitAddress(true) },
];
