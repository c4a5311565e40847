// Typed reads over the live tree with the Linux kernel's rules (drivers/of/base.c, property.c,
// address.c). dtc and the kernel disagree on defaults: dtc assumes #address-cells = 2 when a bus
// node lacks it, the kernel walks up the ancestors and falls back to 1 (OF_ROOT_NODE_*_DEFAULT),
// so everything here follows the kernel: these accessors feed the kernel model, not the checks.
import type { DtNode, DtProperty, PropertyValue } from "./model.ts";

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
  const value = node.property(name)?.value;
  return value && value.length >= 4 ? value.u32At(0) : undefined;
}

/** NUL-separated strings (of_property_read_string_index semantics); [] when absent. */
export function propertyStrings(node: DtNode, name: string): string[] {
  const b = propertyBytes(node, name);
  return b ? stringsOf(b) : [];
}

function stringsOf(b: Uint8Array): string[] {
  if (b.length === 0) return [];
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

/** Bytes per String.fromCharCode call: well under any engine's argument-count limit. */
const LATIN1_CHUNK = 4096;

function latin1(b: Uint8Array, start: number, end: number): string {
  // One call per chunk gives a flat string (appending char by char builds a rope that every
  // hash or comparison must flatten first); fromCharCode maps each byte 0..255 to that code unit.
  if (end - start <= LATIN1_CHUNK) return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
  let s = "";
  for (let i = start; i < end; i += LATIN1_CHUNK) s += String.fromCharCode.apply(null, b.subarray(i, Math.min(end, i + LATIN1_CHUNK)) as unknown as number[]);
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

/**
 * A phandle → node index: explicit `phandle`/`linux,phandle` properties or a builder-assigned phandle.
 *
 * The pre-order walk that fills it runs on demand and stops at the first node carrying the
 * phandle asked for, resuming from there on the next miss: providers (IOMMUs, clock controllers)
 * usually come early in a tree, and reading every property of every node to prove that no
 * later node has a phandle costs tens of milliseconds on a board of 200,000 devices. The answers
 * are those of a full walk: a phandle found in the walked prefix is at its first node in
 * pre-order, and a phandle not found is looked for in the rest before answering. Like every
 * accessor cache, this assumes the tree is not edited once the kernel model reads it.
 */
export class PhandleIndex {
  private readonly map = new Map<number, DtNode>();
  /** The rest of the pre-order walk (explicit stack, no recursion): nodes not yet indexed. */
  private readonly pending: DtNode[];

  constructor(root: DtNode) {
    this.pending = [root];
  }

  get(phandle: number): DtNode | undefined {
    return this.map.get(phandle) ?? this.walkUntil(phandle);
  }

  /** Indexes further nodes in pre-order until one has `phandle` (returned) or the walk ends. */
  private walkUntil(phandle: number): DtNode | undefined {
    const stack = this.pending;
    while (stack.length > 0) {
      const n = stack.pop()!;
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      const ph = n.phandle || propertyPhandle(n);
      // of_find_node_by_phandle returns the first node in the tree with that value.
      if (ph !== 0 && ph !== 0xffffffff && !this.map.has(ph)) {
        this.map.set(ph, n);
        if (ph === phandle) return n;
      }
    }
    return undefined;
  }

  /**
   * propertyU32(target, cellsName) (-1 for absent), per cells property name and target node. The
   * targets of phandle lists are a few providers (IOMMUs, clock controllers) named by every
   * consumer: parsePhandleList reads their `#...-cells` once per index, not once per entry. Like
   * the phandles themselves, this holds while the tree is not edited.
   */
  private readonly cellCounts = new Map<string, Map<DtNode, number>>();

  /** The target's `cellsName` value (of_property_read_u32), cached; undefined when absent or short. */
  cellCount(target: DtNode, cellsName: string): number | undefined {
    let byNode = this.cellCounts.get(cellsName);
    if (!byNode) this.cellCounts.set(cellsName, (byNode = new Map()));
    let count = byNode.get(target);
    if (count === undefined) {
      count = propertyU32(target, cellsName) ?? -1;
      byNode.set(target, count);
    }
    return count < 0 ? undefined : count;
  }
}

/**
 * `propertyU32(n, "phandle") || propertyU32(n, "linux,phandle") || 0` in one pass over the
 * properties (most nodes have neither, and each lookup of an absent name reads every property):
 * the first property of each name, as DtNode.property finds it.
 */
function propertyPhandle(n: DtNode): number {
  let ph: DtProperty | undefined;
  let linux: DtProperty | undefined;
  const props = n.properties;
  for (let i = 0; i < props.length; i++) {
    const p = props[i]!;
    if (p.name === "phandle") ph ??= p;
    else if (p.name === "linux,phandle") linux ??= p;
  }
  return u32Of(ph) || u32Of(linux) || 0;
}

function u32Of(prop: DtProperty | undefined): number | undefined {
  return prop && prop.value.length >= 4 ? prop.value.u32At(0) : undefined;
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
  const entries: PhandleArgs[] = [];
  const prop = node.property(listName);
  if (!prop) return { entries };
  // Cells read straight from the bytes (no whole-list cell array): the probe parses `iommus` at
  // every device of a large board.
  const value = prop.value;
  const cells = value.length >>> 2;
  let i = 0;
  let entry = 0;
  while (i < cells) {
    const phandle = value.u32At(i * 4);
    i++;
    if (phandle === 0) {
      // A placeholder: the iterator accepts it with no args, but asking for this index fails (-ENOENT).
      return { entries, error: { kind: "null-phandle", index: entry } };
    }
    const target = index.get(phandle);
    if (!target) return { entries, error: { kind: "unknown-phandle", index: entry, phandle } };
    let count = index.cellCount(target, cellsName);
    if (count === undefined) {
      if (defaultCells === undefined) return { entries, error: { kind: "missing-cells", index: entry, target, cellsName } };
      count = defaultCells;
    }
    if (i + count > cells) return { entries, error: { kind: "truncated", index: entry, target, expected: count, found: cells - i } };
    const args: number[] = [];
    for (let k = 0; k < count; k++) args.push(value.u32At((i + k) * 4));
    entries.push({ node: target, phandle, args, index: entry });
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
  if (node.parent) {
    // The address as the exact walk below reads it: its first `na` cells, zero-padded in front.
    const na = addressCells(node);
    const n = Math.min(na, addressCellsIn.length);
    if (na >= 1 && na <= 2 && isU32(addressCellsIn[0]) && (n < 2 || isU32(addressCellsIn[1]))) {
      const v = translateSmall(node, n === 0 ? 0 : smallNumber(addressCellsIn, 0, n), rangesName);
      if (v === v) return v < 0 ? BAD_ADDRESS : BigInt(v);
    }
  }
  return translateExact(node, addressCellsIn, rangesName);
}

function isU32(x: number | undefined): boolean {
  return x === undefined || x >>> 0 === x;
}

/** translateAddress with BigInt arithmetic: any cell counts, any values. */
function translateExact(node: DtNode, addressCellsIn: readonly number[], rangesName: string): bigint {
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

/** Addresses below 2^52: sums of two stay exact integers in a double (2^53). */
const SMALL_LIMIT_HI = 0x100000;
const TWO_32 = 0x100000000;

/**
 * `count` (1 or 2) cells as a double, exact; NaN when the value is 2^52 or more (then the caller
 * falls back to BigInt arithmetic).
 */
function smallNumber(cells: ArrayLike<number>, start: number, count: number): number {
  const hi = cells[start]!;
  if (count === 1) return hi;
  return hi < SMALL_LIMIT_HI ? hi * TWO_32 + cells[start + 1]! : NaN;
}

/**
 * translateExact's walk in doubles, for the buses almost every tree has: one or two address and
 * size cells at every level (so no PCI/ISA flag cell is ever matched: that needs 3 cells) and
 * addresses below 2^52. `v` is the address in `node`'s own cells. Returns the CPU address, -1 for
 * BAD_ADDRESS, or NaN when some level is outside that case: the caller then runs translateExact,
 * which gives the same answer for every input (this only saves a BigInt per cell and per
 * operation, and the arrays, at every device on a board of 200,000).
 * Every intermediate value is an exact integer: inputs are below 2^52, each sum of two of them is
 * below 2^53, and a result above 2^53 - 1 (rounded or not) is refused.
 */
function translateSmall(node: DtNode, v: number, rangesName: string): number {
  if (v !== v) return NaN;
  let dev = node;
  let parent = dev.parent;
  if (!parent) return -1;
  let na = addressCells(dev);
  let ns = sizeCells(dev);
  if (!validCounts(na, ns)) return -1;
  if (na > 2 || ns > 2) return NaN;
  for (;;) {
    dev = parent;
    parent = dev.parent;
    if (!parent) return v;
    const pna = addressCells(dev);
    const pns = sizeCells(dev);
    if (!validCounts(pna, pns)) return -1;
    if (pna > 2 || pns > 2) return NaN;
    v = translateOneSmall(dev, v, na, ns, pna, rangesName);
    if (!(v >= 0)) return v;
    na = pna;
    ns = pns;
  }
}

/** translateOne on doubles (see translateSmall): -1 when no range matches, NaN to fall back. */
function translateOneSmall(bus: DtNode, da: number, na: number, ns: number, pna: number, rangesName: string): number {
  const ranges = rangesCells(bus, rangesName);
  if (ranges === undefined) return rangesName === "dma-ranges" ? truncateTo(da, pna) : -1;
  if (ranges.length === 0) return truncateTo(da, pna);
  const stride = na + pna + ns;
  for (let i = 0; i + stride <= ranges.length; i += stride) {
    const cp = smallNumber(ranges, i, na);
    const s = smallNumber(ranges, i + na + pna, ns);
    if (cp !== cp || s !== s) return NaN;
    if (da < cp || da >= cp + s) continue;
    const r = smallNumber(ranges, i + na, pna) + (da - cp);
    return r <= Number.MAX_SAFE_INTEGER ? truncateTo(r, pna) : NaN;
  }
  return -1;
}

/** offsetInto + readNumber for 1 or 2 cells: the value modulo 2^(32 * cells) (below 2^53 here). */
function truncateTo(v: number, cells: number): number {
  return cells === 1 ? v % TWO_32 : v;
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
  const a = firstRegCpuAddressValue(node);
  return typeof a === "number" ? BigInt(a) : a;
}

/**
 * firstRegCpuAddress as a number when it is below 2^53 and the fast walk computed it (no BigInt
 * to allocate), else as a bigint; the same value either way. For callers that only print it:
 * `toString(16)` gives the same text for both.
 */
export function firstRegCpuAddressValue(node: DtNode): number | bigint | undefined {
  const prop = node.property("reg");
  if (!prop) return undefined;
  const value = prop.value;
  const count = value.length >>> 2;
  if (count === 0) return undefined;
  const na = addressCells(node);
  if (count < na) return undefined;
  if (node.parent && na >= 1 && na <= 2) {
    // The first cells read straight from the value (no cell array, no view): every device name needs this.
    const hi = value.u32At(0);
    const v = translateSmall(node, na === 1 ? hi : hi < SMALL_LIMIT_HI ? hi * TWO_32 + value.u32At(4) : NaN, "ranges");
    if (v === v) return v < 0 ? undefined : v;
  }
  const a = translateExact(node, cellsOf(prop)!.slice(0, na), "ranges");
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
