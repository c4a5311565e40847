// drivers/of/address.c: `reg` entries and of_translate_address through the parents' `ranges`.
import type { DtNode } from "../tree/model.ts";
import { addressCells, OF_MAX_ADDR_CELLS, sizeCells } from "./base.ts";
import { cellsOf, propertyCells, propertyString, readNumber } from "./property.ts";

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

export function isPciBus(n: DtNode): boolean {
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

