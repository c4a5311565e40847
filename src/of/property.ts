// of_property_* readers (drivers/of/property.c, include/linux/of.h) over the live tree, with the
// kernel's rules; these feed the kernel model (the checks read the tree their own, dtc's, way).
import type { DtNode, DtProperty } from "../tree/model.ts";

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

export function stringsOf(b: Uint8Array): string[] {
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

