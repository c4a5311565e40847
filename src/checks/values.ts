// Reading property values the way checks.c does: big-endian cells, C strings, and dtc's string
// tests. Reads past the end of a value give 0 where dtc would read out of bounds or abort
// (propval_cell asserts a 4-byte value); a checker must not crash on hostile input.
import type { DtProperty } from "../tree/model.ts";

/** The `index`-th big-endian 32-bit cell of `bytes`, or 0 past the end. */
export function cellAt(bytes: Uint8Array, index: number): number {
  const o = index * 4;
  if (o < 0 || o + 4 > bytes.length) return 0;
  return ((bytes[o]! << 24) | (bytes[o + 1]! << 16) | (bytes[o + 2]! << 8) | bytes[o + 3]!) >>> 0;
}

/**
 * dtc's propval_cell: the value as one cell. dtc asserts the value is exactly 4 bytes and aborts
 * otherwise; we read the first cell (0 when shorter) so that such input is checked, not fatal.
 */
export function propCell(prop: DtProperty): number {
  return cellAt(prop.value.bytes, 0);
}

/** The value as a C string: latin1 text up to the first NUL (or the end, where dtc would run on). */
export function cString(bytes: Uint8Array): string {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  let s = "";
  for (let i = 0; i < end; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** `printf("%s", prop->val.val)`: an empty value has no buffer in dtc, which glibc prints as "(null)". */
export function printedString(bytes: Uint8Array): string {
  return bytes.length === 0 ? "(null)" : cString(bytes);
}

/** dtc's data_is_one_string: non-empty, NUL-terminated, no NUL before the end. */
export function isOneString(bytes: Uint8Array): boolean {
  const n = bytes.length;
  if (n === 0) return false;
  for (let i = 0; i < n - 1; i++) if (bytes[i] === 0) return false;
  return bytes[n - 1] === 0;
}

/** check_is_string_list: every string (including the last) is NUL-terminated; empty is fine. */
export function isStringList(bytes: Uint8Array): boolean {
  return bytes.length === 0 || bytes[bytes.length - 1] === 0;
}

/** streq(prop->val.val, s) for a value read as a C string. */
export function valueEquals(prop: DtProperty, s: string): boolean {
  return cString(prop.value.bytes) === s;
}

/** dtc's phandle_is_valid. */
export function isValidPhandle(p: number): boolean {
  return p !== 0 && p !== 0xffffffff;
}

/** C `int` view of a 32-bit quantity (what `%d` prints and what an int variable holds). */
export function toInt32(v: number): number {
  return v | 0;
}

/** `%x` of an unsigned 32-bit value. */
export function hex32(v: number): string {
  return (v >>> 0).toString(16);
}

/** is_multiple_of(int, int) from checks.c. */
export function isMultipleOf(multiple: number, divisor: number): boolean {
  if (divisor === 0) return multiple === 0;
  return multiple % divisor === 0;
}

/** A set of latin1 characters as a lookup table (names are checked on every node). */
export type CharSet = Uint8Array;

/** Length of the prefix of `s` made of characters in `set` (C strspn). */
export function spanOf(s: string, set: CharSet): number {
  let i = 0;
  while (i < s.length && set[s.charCodeAt(i) & 0xffff] === 1) i++;
  return i;
}

export function charSet(chars: string): CharSet {
  const table = new Uint8Array(65536);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

export const LOWERCASE = "abcdefghijklmnopqrstuvwxyz";
export const UPPERCASE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
export const DIGITS = "0123456789";

/** strprefixeq(name, basenamelen, s) in dtc means: the base name (before `@`) is exactly `s`. */
export function baseNameIs(name: string, s: string): boolean {
  const at = name.indexOf("@");
  return (at < 0 ? name : name.slice(0, at)) === s;
}

/** get_unitname: the text after the first `@`, or "". */
export function unitName(name: string): string {
  const at = name.indexOf("@");
  return at < 0 ? "" : name.slice(at + 1);
}

/** basenamelen: the length of the name before the first `@`. */
export function baseNameLength(name: string): number {
  const at = name.indexOf("@");
  return at < 0 ? name.length : at;
}
