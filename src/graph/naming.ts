// Kernel device names (dev_name()).
import { firstRegCpuAddressValue, propertyU32 } from "../of/index.ts";
import type { DtNode } from "../tree/model.ts";

/**
 * of_device_make_bus_id: walk up from the node until one has a `reg` that translates to a CPU
 * address; that gives `<addr>.<name>` (plus `.<ffs(mask)-1>` with a `mask` property); each node
 * passed on the way without a translatable `reg` prefixes its full name (`name@unit:...`).
 */
export function platformDeviceName(node: DtNode): string {
  let name: string | undefined;
  for (let n: DtNode = node; n.parent; n = n.parent) {
    // A number or a bigint: both print the same hex digits.
    const addr = firstRegCpuAddressValue(n);
    if (addr !== undefined) {
      const mask = propertyU32(n, "mask");
      // "%llx.%x.%pOFn": the mask's bit index is printed in hex too. join() builds one flat
      // string where `+` would build a rope: the graph hashes every name (one set per bus), and a
      // rope is flattened into a second string at the first hash, both kept by the device.
      const head = mask !== undefined ? [addr.toString(16), (ffs(mask) - 1).toString(16), n.baseName].join(".") : [addr.toString(16), n.baseName].join(".");
      return name === undefined ? head : `${head}:${name}`;
    }
    name = name === undefined ? n.name : `${n.name}:${name}`;
  }
  return name ?? node.name;
}

function ffs(x: number): number {
  if (x === 0) return 0;
  let i = 1;
  while ((x & 1) === 0) {
    x >>>= 1;
    i++;
  }
  return i;
}

export function pciDeviceName(segment: number, bus: number, devfn: number): string {
  const h = (v: number, w: number) => v.toString(16).padStart(w, "0");
  return `${h(segment, 4)}:${h(bus, 2)}:${h(devfn >> 3, 2)}.${devfn & 7}`;
}
