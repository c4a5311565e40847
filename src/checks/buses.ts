// Bus checks: the *_bridge checks recognise PCI, simple-bus, I2C and SPI buses (recording the bus
// on the node), and the *_reg checks compare each child's unit address with its reg.
import type { DtNode } from "../tree/model.ts";
import { effectiveAddressCells, effectiveSizeCells, hasChildList } from "./tree-access.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";
import { baseNameIs, cellAt, hex32, unitName, valueEquals } from "./values.ts";

function pciBridge(ctx: CheckContext, node: DtNode): void {
  const dt = node.property("device_type");
  if (!dt || !valueEquals(dt, "pci")) return;
  ctx.state.setBus(node, "pci");
  if (!baseNameIs(node.name, "pci") && !baseNameIs(node.name, "pcie")) ctx.fail(node, undefined, 'node name is not "pci" or "pcie"');
  if (!node.property("ranges")) ctx.fail(node, undefined, "missing ranges for PCI bridge (or not a bridge)");
  if (effectiveAddressCells(ctx.state, node) !== 3) ctx.fail(node, undefined, "incorrect #address-cells for PCI bridge");
  if (effectiveSizeCells(ctx.state, node) !== 2) ctx.fail(node, undefined, "incorrect #size-cells for PCI bridge");
  const range = node.property("bus-range");
  if (!range) return;
  if (range.value.length !== 8) {
    ctx.fail(node, range, "value must be 2 cells");
    return;
  }
  const lo = cellAt(range.value.bytes, 0);
  const hi = cellAt(range.value.bytes, 1);
  if (lo > hi) ctx.fail(node, range, "1st cell must be less than or equal to 2nd cell");
  if (hi > 0xff) ctx.fail(node, range, "maximum bus number must be less than 256");
}

function pciDeviceBusNum(ctx: CheckContext, node: DtNode): void {
  if (!node.parent || ctx.state.bus(node.parent) !== "pci") return;
  const reg = node.property("reg");
  if (!reg) return;
  const busNum = (cellAt(reg.value.bytes, 0) & 0x00ff0000) >>> 16;
  // dtc reuses its `prop` variable here: the message is attached to the parent's bus-range
  // (or to the node when the parent has none).
  const range = node.parent.property("bus-range");
  const min = range ? cellAt(range.value.bytes, 0) : 0;
  const max = range ? cellAt(range.value.bytes, 1) : 0;
  if (busNum < min || busNum > max) ctx.fail(node, range, `PCI bus number ${busNum} out of range, expected (${min | 0} - ${max | 0})`);
}

function pciDeviceReg(ctx: CheckContext, node: DtNode): void {
  if (!node.parent || ctx.state.bus(node.parent) !== "pci") return;
  const prop = node.property("reg");
  if (!prop) return;
  const bytes = prop.value.bytes;
  if (cellAt(bytes, 1) !== 0 || cellAt(bytes, 2) !== 0) ctx.fail(node, prop, "PCI reg config space address cells 2 and 3 must be 0");
  const reg = cellAt(bytes, 0);
  const dev = (reg & 0xf800) >>> 11;
  const func = (reg & 0x700) >>> 8;
  if ((reg & 0xff000000) !== 0) ctx.fail(node, prop, "PCI reg address is not configuration space");
  if ((reg & 0x000000ff) !== 0) ctx.fail(node, prop, "PCI reg config space address register number must be 0");
  const unit = unitName(node.name);
  if (func === 0 && unit === hex32(dev)) return;
  const expected = `${hex32(dev)},${hex32(func)}`;
  if (unit === expected) return;
  ctx.fail(node, undefined, `PCI unit address format error, expected "${expected}"`);
}

/**
 * node_is_compatible: one of the NUL-separated strings of `compatible` equals `compat`. Compared
 * byte by byte (a byte is the character of the same code): simple_bus_bridge asks it of every
 * node, and making each string first was a fifth of the garbage the checks left per board.
 */
function isCompatible(node: DtNode, compat: string): boolean {
  const p = node.property("compatible");
  if (!p) return false;
  const b = p.value.bytes;
  const n = compat.length;
  let start = 0;
  while (start < b.length) {
    let end = b.indexOf(0, start);
    if (end < 0) end = b.length;
    if (end - start === n) {
      let i = 0;
      while (i < n && b[start + i] === compat.charCodeAt(i)) i++;
      if (i === n) return true;
    }
    start = end + 1;
  }
  return false;
}

function simpleBusBridge(ctx: CheckContext, node: DtNode): void {
  if (isCompatible(node, "simple-bus")) ctx.state.setBus(node, "simple-bus");
}

function simpleBusReg(ctx: CheckContext, node: DtNode): void {
  if (!node.parent || ctx.state.bus(node.parent) !== "simple-bus") return;
  let bytes: Uint8Array | undefined;
  let first = 0;
  const reg = node.property("reg");
  if (reg) {
    if (reg.value.length > 0) bytes = reg.value.bytes;
  } else {
    const ranges = node.property("ranges");
    if (ranges && ranges.value.length > 0) {
      bytes = ranges.value.bytes;
      first = effectiveAddressCells(ctx.state, node); // skip the child address
    }
  }
  if (!bytes) {
    if (node.parent.parent && ctx.state.bus(node) !== "simple-bus") ctx.fail(node, undefined, "missing or empty reg/ranges property");
    return;
  }
  let addr = 0n;
  const n = effectiveAddressCells(ctx.state, node.parent);
  for (let i = 0; i < n; i++) addr = ((addr << 32n) | BigInt(cellAt(bytes, first + i))) & 0xffffffffffffffffn;
  const expected = addr.toString(16);
  if (unitName(node.name) !== expected) ctx.fail(node, undefined, `simple-bus unit address format error, expected "${expected}"`);
}

function i2cBusBridge(ctx: CheckContext, node: DtNode): void {
  // dtc also scans the children of an `i2c` node for an `i2c-bus` child, but its comparison
  // (against the parent's base-name length) can never match, so an `i2c` node is always a bus.
  if (!baseNameIs(node.name, "i2c-bus") && !baseNameIs(node.name, "i2c-arb") && !baseNameIs(node.name, "i2c")) return;
  ctx.state.setBus(node, "i2c");
  if (!hasChildList(node)) return;
  if (effectiveAddressCells(ctx.state, node) !== 1) ctx.fail(node, undefined, "incorrect #address-cells for I2C bus");
  if (effectiveSizeCells(ctx.state, node) !== 0) ctx.fail(node, undefined, "incorrect #size-cells for I2C bus");
}

const I2C_OWN_SLAVE_ADDRESS = 1 << 30;
const I2C_TEN_BIT_ADDRESS = 0x80000000;

function i2cBusReg(ctx: CheckContext, node: DtNode): void {
  if (!node.parent || ctx.state.bus(node.parent) !== "i2c") return;
  const prop = node.property("reg");
  if (!prop || prop.value.length === 0) {
    ctx.fail(node, undefined, "missing or empty reg property");
    return;
  }
  const bytes = prop.value.bytes;
  const first = (cellAt(bytes, 0) & ~I2C_OWN_SLAVE_ADDRESS) >>> 0;
  const expected = hex32(first);
  if (unitName(node.name) !== expected) ctx.fail(node, undefined, `I2C bus unit address format error, expected "${expected}"`);
  for (let len = prop.value.length, i = 0; len > 0; len -= 4, i++) {
    const reg = (cellAt(bytes, i) & ~I2C_OWN_SLAVE_ADDRESS) >>> 0;
    if ((reg & I2C_TEN_BIT_ADDRESS) !== 0) {
      if ((reg & ~I2C_TEN_BIT_ADDRESS) >>> 0 > 0x3ff) ctx.fail(node, prop, `I2C address must be less than 10-bits, got "0x${hex32(reg)}"`);
    } else if (reg > 0x7f) {
      ctx.fail(
        node,
        prop,
        `I2C address must be less than 7-bits, got "0x${hex32(reg)}". Set I2C_TEN_BIT_ADDRESS for 10 bit addresses or fix the property`,
      );
    }
  }
}

function spiBusBridge(ctx: CheckContext, node: DtNode): void {
  if (baseNameIs(node.name, "spi")) {
    ctx.state.setBus(node, "spi");
  } else {
    // A bus not named "spi" is recognised by its children's spi-* properties.
    if (effectiveAddressCells(ctx.state, node) !== 1 || effectiveSizeCells(ctx.state, node) !== 0) return;
    const found = node.children.some((child) => child.properties.some((p) => p.name.startsWith("spi-")));
    if (found) ctx.state.setBus(node, "spi");
    if (ctx.state.bus(node) === "spi" && node.property("reg")) ctx.fail(node, undefined, "node name for SPI buses should be 'spi'");
  }
  if (ctx.state.bus(node) !== "spi" || !hasChildList(node)) return;
  const addressCells = node.property("spi-slave") ? 0 : 1;
  if (effectiveAddressCells(ctx.state, node) !== addressCells) ctx.fail(node, undefined, "incorrect #address-cells for SPI bus");
  if (effectiveSizeCells(ctx.state, node) !== 0) ctx.fail(node, undefined, "incorrect #size-cells for SPI bus");
}

function spiBusReg(ctx: CheckContext, node: DtNode): void {
  if (!node.parent || ctx.state.bus(node.parent) !== "spi") return;
  if (node.parent.property("spi-slave")) return;
  const prop = node.property("reg");
  if (!prop || prop.value.length === 0) {
    ctx.fail(node, undefined, "missing or empty reg property");
    return;
  }
  const expected = hex32(cellAt(prop.value.bytes, 0));
  if (unitName(node.name) !== expected) ctx.fail(node, undefined, `SPI bus unit address format error, expected "${expected}"`);
}

export const busChecks: readonly CheckDefinition[] = [
  { name: "pci_bridge", defaultLevel: "warning", prerequisites: ["device_type_is_string", "addr_size_cells"], node: pciBridge },
  { name: "pci_device_reg", defaultLevel: "warning", prerequisites: ["reg_format", "pci_bridge"], node: pciDeviceReg },
  { name: "pci_device_bus_num", defaultLevel: "warning", prerequisites: ["reg_format", "pci_bridge"], node: pciDeviceBusNum },
  { name: "simple_bus_bridge", defaultLevel: "warning", prerequisites: ["addr_size_cells", "compatible_is_string_list"], node: simpleBusBridge },
  { name: "simple_bus_reg", defaultLevel: "warning", prerequisites: ["reg_format", "simple_bus_bridge"], node: simpleBusReg },
  { name: "i2c_bus_bridge", defaultLevel: "warning", prerequisites: ["addr_size_cells"], node: i2cBusBridge },
  { name: "i2c_bus_reg", defaultLevel: "warning", prerequisites: ["reg_format", "i2c_bus_bridge"], node: i2cBusReg },
  { name: "spi_bus_bridge", defaultLevel: "warning", prerequisites: ["addr_size_cells"], node: spiBusBridge },
  { name: "spi_bus_reg", defaultLevel: "warning", prerequisites: ["reg_format", "spi_bus_bridge"], node: spiBusReg },
];
