// drivers/of/base.c: cell counts walked up the tree (of_n_addr_cells), of_device_is_available,
// of_device_is_compatible. dtc and the kernel disagree on defaults: dtc assumes
// #address-cells = 2 when a bus node lacks it, the kernel walks up the ancestors and falls back to
// 1 (OF_ROOT_NODE_*_DEFAULT); everything here follows the kernel.
import type { DtNode, DtProperty, PropertyValue } from "../tree/model.ts";
import { propertyString, propertyU32, stringsOf } from "./property.ts";

/** OF_ROOT_NODE_ADDR_CELLS_DEFAULT / OF_ROOT_NODE_SIZE_CELLS_DEFAULT (include/linux/of.h). */
export const KERNEL_DEFAULT_ADDRESS_CELLS = 1;
export const KERNEL_DEFAULT_SIZE_CELLS = 1;
/** OF_MAX_ADDR_CELLS (drivers/of/of_private.h). */
export const OF_MAX_ADDR_CELLS = 4;

/** of_bus_n_addr_cells: `#address-cells` of `bus` or its nearest ancestor, else 1. */
export function busAddressCells(bus: DtNode): number {
  for (let n: DtNode | null = bus; n; n = n.parent) {
    const v = propertyU32(n, "#address-cells");
    if (v !== undefined) return v;
  }
  return KERNEL_DEFAULT_ADDRESS_CELLS;
}

/** of_bus_n_size_cells: `#size-cells` of `bus` or its nearest ancestor, else 1. */
export function busSizeCells(bus: DtNode): number {
  for (let n: DtNode | null = bus; n; n = n.parent) {
    const v = propertyU32(n, "#size-cells");
    if (v !== undefined) return v;
  }
  return KERNEL_DEFAULT_SIZE_CELLS;
}

/** of_n_addr_cells: the address cells used by `node`'s own `reg` (its parent's, walked up). */
export function addressCells(node: DtNode): number {
  return busCells(node.parent ?? node).a;
}

/** of_n_size_cells. */
export function sizeCells(node: DtNode): number {
  return busCells(node.parent ?? node).s;
}

/**
 * Cell counts per bus node, computed once: address translation asks for them at every level for
 * every device. The kernel model reads finished trees only (the cache assumes no later edits).
 */
const busCellsCache = new WeakMap<DtNode, { readonly a: number; readonly s: number }>();
function busCells(bus: DtNode): { readonly a: number; readonly s: number } {
  let c = busCellsCache.get(bus);
  if (!c) {
    c = { a: busAddressCells(bus), s: busSizeCells(bus) };
    busCellsCache.set(bus, c);
  }
  return c;
}

/**
 * The answer of isAvailable per `status` value. The tree builder shares one PropertyValue between
 * identical reference-free values, so a board of any size has a handful of them ("okay",
 * "disabled"): deciding once per value saves decoding the string at every device, and keeps the
 * map small. A value is never edited in place once built (see PropertyValue), so the answer holds.
 */
const availableByStatus = new WeakMap<PropertyValue, boolean>();

/** of_device_is_available: no `status`, or "okay"/"ok". */
export function isAvailable(node: DtNode): boolean {
  const prop = node.property("status");
  if (!prop) return true;
  let ok = availableByStatus.get(prop.value);
  if (ok === undefined) {
    const s = propertyString(node, "status");
    ok = s === "okay" || s === "ok";
    availableByStatus.set(prop.value, ok);
  }
  return ok;
}

/** The `status` text, or "okay" when absent. */
export function statusOf(node: DtNode): string {
  return node.property("status") ? (propertyString(node, "status") ?? "") : "okay";
}

/**
 * Decoded `compatible` lists, keyed by the property's value (a replaced property, or one given a
 * new value, misses the cache). Keyed by value rather than by property because the tree builder
 * shares one PropertyValue between identical reference-free values: a board of 200,000 devices
 * has a few dozen distinct lists, so the map stays small (a WeakMap entry is an ephemeron the
 * major GC must visit) and every device with the same list gets the same strings, whose hashes
 * are computed once for all the Set lookups the kernel model makes with them.
 */
const compatibleCache = new WeakMap<PropertyValue, readonly string[]>();
const NO_STRINGS: readonly string[] = Object.freeze([]);

/**
 * The `compatible` strings (shared, read-only: the kernel model asks for them many times per node;
 * nodes with equal values get the same array).
 */
export function compatibleList(node: DtNode): readonly string[] {
  const prop = node.property("compatible");
  return prop ? compatibleOf(prop) : NO_STRINGS;
}

/** compatibleList for a node's `compatible` property already looked up (the same shared list). */
export function compatibleOf(prop: DtProperty): readonly string[] {
  let list = compatibleCache.get(prop.value);
  if (!list) {
    list = Object.freeze(stringsOf(prop.value.bytes));
    compatibleCache.set(prop.value, list);
  }
  return list;
}

/** of_device_is_compatible with a plain string (the kernel compares case-insensitively). */
export function isCompatible(node: DtNode, compatible: string): boolean {
  const want = compatible.toLowerCase();
  return compatibleList(node).some((c) => c.toLowerCase() === want);
}

