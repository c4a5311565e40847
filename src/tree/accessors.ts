// Typed reads over the live tree with the Linux kernel's rules (drivers/of/base.c, property.c,
// address.c). dtc and the kernel disagree on defaults: dtc assumes #address-cells = 2 when a bus
// node lacks it, the kernel walks up the ancestors and falls back to 1 (OF_ROOT_NODE_*_DEFAULT),
// so everything here follows the kernel: these accessors feed the kernel model, not the checks.
import type { DtNode, DtProperty } from "./model.ts";

/** OF_ROOT_NODE_ADDR_CELLS_DEFAULT / OF_ROOT_NODE_SIZE_CELLS_DEFAULT (include/linux/of.h). */
export const KERNEL_DEFAULT_ADDRESS_CELLS = 1;
export const KERNEL_DEFAULT_SIZE_CELLS = 1;
/** OF_MAX_ADDR_CELLS (drivers/of/of_private.h). */
export const OF_MAX_ADDR_CELLS = 4;

export function propertyBytes(node: DtNode, name: string): Uint8Array | undefined {
  return node.property(name)?.value.bytes;
}

export function hasProperty(node: DtNode, name: string): boolean {
  return node.property(name) !== undefined;
}

/** Big-endian u32 cells of a property (a trailing partial cell is dropped, as of_property_count_u32 does). */
export function cellsOf(prop: DtProperty | undefined): number[] | undefined {
  if (!prop) return undefined;
  const b = prop.value.bytes;
  const out: number[] = new Array(b.length >>> 2);
  for (let i = 0, o = 0; o + 4 <= b.length; i++, o += 4) out[i] = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  return out;
}

export function propertyCells(node: DtNode, name: string): number[] | undefined {
  return cellsOf(node.property(name));
}

/** of_property_read_u32: the first cell, undefined when absent or shorter than 4 bytes. */
export function propertyU32(node: DtNode, name: string): number | undefined {
  const b = propertyBytes(node, name);
  if (!b || b.length < 4) return undefined;
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

/** NUL-separated strings (of_property_read_string_index semantics); [] when absent. */
export function propertyStrings(node: DtNode, name: string): string[] {
  const b = propertyBytes(node, name);
  if (!b || b.length === 0) return [];
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0) {
      out.push(latin1(b, start, i));
      start = i + 1;
    }
  }
  if (start < b.length) out.push(latin1(b, start, b.length));
  return out;
}

/** The first string (of_property_read_string); undefined when absent or empty. */
export function propertyString(node: DtNode, name: string): string | undefined {
  return propertyStrings(node, name)[0];
}

function latin1(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}

/** Joins `count` cells starting at `start` into one number (of_read_number); the value may exceed 2^53. */
export function readNumber(cells: readonly number[], start: number, count: number): bigint {
  let v = 0n;
  for (let i = 0; i < count; i++) v = (v << 32n) | BigInt(cells[start + i] ?? 0);
  return v;
}

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

/** of_device_is_available: no `status`, or "okay"/"ok". */
export function isAvailable(node: DtNode): boolean {
  const prop = node.property("status");
  if (!prop) return true;
  const s = propertyString(node, "status");
  return s === "okay" || s === "ok";
}

/** The `status` text, or "okay" when absent. */
export function statusOf(node: DtNode): string {
  return node.property("status") ? (propertyString(node, "status") ?? "") : "okay";
}

/** Decoded `compatible` lists, keyed by the property object (a replaced property misses the cache). */
const compatibleCache = new WeakMap<object, readonly string[]>();
const NO_STRINGS: readonly string[] = Object.freeze([]);

/** The `compatible` strings (shared, read-only: the kernel model asks for them many times per node). */
export function compatibleList(node: DtNode): readonly string[] {
  const prop = node.property("compatible");
  if (!prop) return NO_STRINGS;
  let list = compatibleCache.get(prop);
  if (!list) {
    list = Object.freeze(propertyStrings(node, "compatible"));
    compatibleCache.set(prop, list);
  }
  return list;
}

/** of_device_is_compatible with a plain string (the kernel compares case-insensitively). */
export function isCompatible(node: DtNode, compatible: string): boolean {
  const want = compatible.toLowerCase();
  return compatibleList(node).some((c) => c.toLowerCase() === want);
}

/** Raw `reg` entries in the parent's cell sizes; entries that do not fit whole are dropped. */
export interface RegEntry {
  readonly address: bigint;
  readonly size: bigint;
  /** The address cells as written, for translation through several bus levels. */
  readonly addressCells: readonly number[];
}

export function readReg(node: DtNode): RegEntry[] {
  const cells = propertyCells(node, "reg");
  if (!cells) return [];
  const na = addressCells(node);
  const ns = sizeCells(node);
  const stride = na + ns;
  if (stride === 0) return [];
  const out: RegEntry[] = [];
  for (let i = 0; i + stride <= cells.length; i += stride) {
    out.push({ address: readNumber(cells, i, na), size: readNumber(cells, i + na, ns), addressCells: cells.slice(i, i + na) });
  }
  return out;
}

/** A phandle → node index: explicit `phandle`/`linux,phandle` properties or a builder-assigned phandle. */
export class PhandleIndex {
  private readonly map = new Map<number, DtNode>();

  constructor(root: DtNode) {
    for (const n of root.walk()) {
      const ph = n.phandle || propertyU32(n, "phandle") || propertyU32(n, "linux,phandle") || 0;
      // of_find_node_by_phandle returns the first node in the tree with that value.
      if (ph !== 0 && ph !== 0xffffffff && !this.map.has(ph)) this.map.set(ph, n);
    }
  }

  get(phandle: number): DtNode | undefined {
    return this.map.get(phandle);
  }
}

export interface PhandleArgs {
  readonly node: DtNode;
  readonly phandle: number;
  readonly args: readonly number[];
  /** Index of the entry in the list. */
  readonly index: number;
}

/** Why a phandle list walk stopped early (of_phandle_iterator_next's pr_err cases). */
export type PhandleListError =
  | { readonly kind: "unknown-phandle"; readonly index: number; readonly phandle: number }
  | { readonly kind: "missing-cells"; readonly index: number; readonly target: DtNode; readonly cellsName: string }
  | { readonly kind: "truncated"; readonly index: number; readonly target: DtNode; readonly expected: number; readonly found: number }
  | { readonly kind: "null-phandle"; readonly index: number };

export interface PhandleList {
  readonly entries: PhandleArgs[];
  readonly error?: PhandleListError;
}

/**
 * Every entry of a phandle+args list (`iommus`, `clocks`, ...), as repeated
 * of_parse_phandle_with_args(np, list, cellsName, i) calls see it: the walk stops at the first
 * entry that cannot be parsed. `defaultCells` is the cell count used when the target lacks
 * `cellsName` (of_parse_phandle_with_optional_args passes 0); undefined makes that an error.
 */
export function parsePhandleList(index: PhandleIndex, node: DtNode, listName: string, cellsName: string, defaultCells?: number): PhandleList {
  const cells = propertyCells(node, listName);
  const entries: PhandleArgs[] = [];
  if (!cells) return { entries };
  let i = 0;
  let entry = 0;
  while (i < cells.length) {
    const phandle = cells[i]!;
    i++;
    if (phandle === 0) {
      // A placeholder: the iterator accepts it with no args, but asking for this index fails (-ENOENT).
      return { entries, error: { kind: "null-phandle", index: entry } };
    }
    const target = index.get(phandle);
    if (!target) return { entries, error: { kind: "unknown-phandle", index: entry, phandle } };
    let count = propertyU32(target, cellsName);
    if (count === undefined) {
      if (defaultCells === undefined) return { entries, error: { kind: "missing-cells", index: entry, target, cellsName } };
      count = defaultCells;
    }
    if (i + count > cells.length) return { entries, error: { kind: "truncated", index: entry, target, expected: count, found: cells.length - i } };
    entries.push({ node: target, phandle, args: cells.slice(i, i + count), index: entry });
    i += count;
    entry++;
  }
  return { entries };
}

/** Sentinel for an address that does not translate (OF_BAD_ADDR). */
export const BAD_ADDRESS = -1n;

function validCounts(na: number, ns: number): boolean {
  // OF_CHECK_COUNTS: 1..OF_MAX_ADDR_CELLS address cells and a non-zero size.
  return na > 0 && na <= OF_MAX_ADDR_CELLS && ns > 0;
}

/**
 * of_translate_address(node, reg address) with the default bus rules: walk up through each
 * parent's `ranges` (`rangesName` = "ranges"); a parent without the property cannot translate
 * (except "dma-ranges", where absence means 1:1 in the kernel's translate_one), an empty one is
 * 1:1. Returns BAD_ADDRESS on failure. PCI and ISA buses keep their flag cell out of the match
 * (of_bus_pci_map: the space code must agree; the address is the low two cells).
 */
export function translateAddress(node: DtNode, addressCellsIn: readonly number[], rangesName = "ranges"): bigint {
  let dev = node;
  let parent = dev.parent;
  if (!parent) return BAD_ADDRESS;
  let na = addressCells(dev);
  let ns = sizeCells(dev);
  if (!validCounts(na, ns)) return BAD_ADDRESS;
  let addr = addressCellsIn.slice(0, na);
  while (addr.length < na) addr.unshift(0);
  for (;;) {
    dev = parent;
    parent = dev.parent;
    if (!parent) return readNumber(addr, 0, na);
    const pna = addressCells(dev);
    const pns = sizeCells(dev);
    if (!validCounts(pna, pns)) return BAD_ADDRESS;
    const next = translateOne(dev, addr, na, ns, pna, rangesName);
    if (!next) return BAD_ADDRESS;
    addr = next;
    na = pna;
    ns = pns;
  }
}

function isPciBus(n: DtNode): boolean {
  if (!n.property("device_type")) return false;
  const t = propertyString(n, "device_type");
  return t === "pci" || t === "pciex";
}

/** Decoded `ranges` / `dma-ranges`, keyed by the property object (shared by every child). */
const rangesCache = new WeakMap<object, number[]>();
function rangesCells(bus: DtNode, name: string): number[] | undefined {
  const prop = bus.property(name);
  if (!prop) return undefined;
  let cells = rangesCache.get(prop);
  if (!cells) {
    cells = cellsOf(prop)!;
    rangesCache.set(prop, cells);
  }
  return cells;
}

function translateOne(bus: DtNode, addr: number[], na: number, ns: number, pna: number, rangesName: string): number[] | undefined {
  const ranges = rangesCells(bus, rangesName);
  if (ranges === undefined) {
    if (rangesName === "dma-ranges") return offsetInto(readNumber(addr, 0, na), pna);
    return undefined;
  }
  if (ranges.length === 0) return offsetInto(readNumber(addr, 0, na), pna);
  const stride = na + pna + ns;
  const pci = isPciBus(bus) && na === 3;
  const da = pci ? readNumber(addr, 1, 2) : readNumber(addr, 0, na);
  for (let i = 0; i + stride <= ranges.length; i += stride) {
    if (pci && ((ranges[i]! ^ addr[0]!) & 0x03000000) !== 0) continue;
    const cp = pci ? readNumber(ranges, i + 1, 2) : readNumber(ranges, i, na);
    const s = readNumber(ranges, i + na + pna, ns);
    if (da < cp || da >= cp + s) continue;
    const parentBase = readNumber(ranges, i + na, pna);
    return offsetInto(parentBase + (da - cp), pna);
  }
  return undefined;
}

function offsetInto(value: bigint, cells: number): number[] {
  const out: number[] = new Array(cells).fill(0);
  let v = value;
  for (let i = cells - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffffffffn);
    v >>= 32n;
  }
  return out;
}

/** The CPU address of the first `reg` entry, or undefined when it does not translate. */
export function firstRegCpuAddress(node: DtNode): bigint | undefined {
  const cells = propertyCells(node, "reg");
  if (!cells || cells.length === 0) return undefined;
  const na = addressCells(node);
  if (cells.length < na) return undefined;
  const a = translateAddress(node, cells.slice(0, na));
  return a === BAD_ADDRESS ? undefined : a;
}

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
