// The common property values, encoded straight from the parser's tokens: plain strings (no
// escapes), cell lists of literals, `&label`s and diagnostic-free parenthesised expressions,
// byte strings, path references and labels (see measure for the exact set).
//
// Why: decoding a value into ValueParts first (grammar's `value`) makes several short-lived objects
// per cell (part, item, expression, span, raw text), and on a large board that garbage was most of
// the tree-building time. Anything else (escapes, char literals, /incbin/, literals or expressions
// that need range checks or diagnostics) returns undefined, and the caller takes the general path
// in ./values.ts, which gives the same bytes and markers.
import { valueTokenCodes as K } from "../../grammar/index.ts";
import type { TokenReader } from "../../grammar/ast.ts";
import { reserveValueBytes, STRING_AT_START, U32_AT_START, VALUE_SLAB_MAX, valueSlab } from "./values.ts";
import { evaluateSimpleExpression, plainLiteralAt, simpleExpressionEnd } from "./simple-expressions.ts";
import { HAS_LABEL, HAS_PATH_REF, HAS_PHANDLE_REF, PropertyValue, type Marker } from "./model.ts";

const MAX_U32 = 0xffffffff;

/** A string's body up to its closing quote or a backslash (an escape), whichever comes first. */
const STRING_BODY = /[^"\\]*/y;

/**
 * Cell values of the value being encoded, and its markers (reused: values are encoded one at a
 * time). Filled by index up to a count, never emptied with `length = 0`: that frees the backing
 * store, so every value's first push allocated a new one (18 MB per 8 MB board).
 */
const cellValues: number[] = [];
const scratchMarkers: Marker[] = [];
/** How many references (`<&label>` cells and `&x` path components) the value measured last holds. */
let measuredRefs = 0;
/** How many of them are path components (their value's markers must not be shared objects). */
let measuredPathRefs = 0;
/** How many value labels (`l:`) it holds. */
let measuredLabels = 0;
/** The build's table of shared values (see encodeSimpleValue), while one is being encoded. */
let sharedValues: SharedValues | undefined;

/**
 * Values whose source text is at most this long are shared when written identically (`status =
 * "okay"`, `#address-cells = <1>`, compatible strings...): the longer ones (`reg`) rarely repeat.
 */
const SHARE_MAX_TEXT = 64;

/** `/bits/ N` with N written 8, 16, 32 or 64 (token `i` is the literal): N, else -1. */
function bitsAt(tokens: TokenReader, i: number): number {
  if (tokens.codeAt(i) !== K.Literal) return -1;
  const text = tokens.fileAt(i).text;
  const s = tokens.startAt(i);
  const n = tokens.endAt(i) - s;
  const a = text.charCodeAt(s);
  const b = n === 2 ? text.charCodeAt(s + 1) : -1;
  if (n === 1 && a === 56) return 8;
  if (n === 2 && a === 49 && b === 54) return 16;
  if (n === 2 && a === 51 && b === 50) return 32;
  if (n === 2 && a === 54 && b === 52) return 64;
  return -1;
}

/**
 * First pass: checks every token is one this encoder handles and returns the byte length, or -1.
 * Fills `cellValues` with each literal's value (-1 for a reference) in order. Handled: plain
 * strings; `<...>` and `/bits/ 8|16|32|64 <...>` of plain literals in range, `&label` (32-bit
 * only) and value labels; `[..]` bytes with value labels; `&label` / `&{...}` path components;
 * labels between components; parenthesised expressions that need no diagnostic and stay below
 * 2^32 (./simple-expressions.ts). Everything else takes the general path: other expressions, char
 * literals, escapes, literals out of range or with suffixes (diagnostics), `<&{...}>`, /incbin/.
 */
function measure(tokens: TokenReader, start: number, end: number): number {
  let cells = 0;
  let refs = 0;
  let pathRefs = 0;
  let labels = 0;
  let length = 0;
  let i = start;
  let expectPart = true;
  while (i < end) {
    const code = tokens.codeAt(i);
    if (code === K.Label) {
      // A label between components marks the offset reached; it is no component.
      labels++;
      i++;
      continue;
    }
    if (!expectPart) {
      if (code !== K.Comma) return -1;
      expectPart = true;
      i++;
      continue;
    }
    if (code === K.StringLiteral) {
      const text = tokens.fileAt(i).text;
      const s = tokens.startAt(i);
      const e = tokens.endAt(i);
      // A backslash stops the body's run before the closing quote. (A RegExp: native from the
      // first call, where a JS loop per character runs unoptimised in a one-board process.)
      STRING_BODY.lastIndex = s + 1;
      STRING_BODY.test(text);
      if (STRING_BODY.lastIndex !== e - 1) return -1;
      // The quotes go, a NUL comes.
      length += e - s - 1;
      i++;
    } else if (code === K.LAngle || code === K.Bits) {
      let bits = 32;
      if (code === K.Bits) {
        bits = bitsAt(tokens, i + 1);
        if (bits < 0) return -1;
        i += 2;
      }
      const max = bits === 8 ? 0xff : bits === 16 ? 0xffff : MAX_U32;
      const width = bits >> 3;
      i++;
      for (;;) {
        if (i >= end) return -1;
        const c = tokens.codeAt(i);
        if (c === K.RAngle) break;
        if (c === K.Literal) {
          const v = plainLiteralAt(tokens.fileAt(i).text, tokens.startAt(i), tokens.endAt(i));
          if (v < 0 || v > max) return -1;
          cellValues[cells++] = v;
          length += width;
        } else if (c === K.LParen) {
          // A parenthesised expression (./simple-expressions.ts): its value, if no diagnostic.
          const v = evaluateSimpleExpression(tokens, i, end);
          if (v < 0 || v > max) return -1;
          cellValues[cells++] = v;
          length += width;
          i = simpleExpressionEnd;
          continue;
        } else if (c === K.LabelRef && bits === 32) {
          cellValues[cells++] = -1;
          refs++;
          length += 4;
        } else if (c === K.Label) labels++;
        else return -1;
        i++;
      }
      i++;
    } else if (code === K.LBracket) {
      i++;
      for (;;) {
        if (i >= end) return -1;
        const c = tokens.codeAt(i);
        if (c === K.RBracket) break;
        if (c === K.Byte) length++;
        else if (c === K.Label) labels++;
        else return -1;
        i++;
      }
      i++;
    } else if (code === K.LabelRef || code === K.PathRef) {
      // `p = &x;`: the target's path is spliced in when references are resolved.
      refs++;
      pathRefs++;
      i++;
    } else return -1;
    expectPart = false;
  }
  measuredRefs = refs;
  measuredPathRefs = pathRefs;
  measuredLabels = labels;
  return expectPart ? -1 : length;
}

/**
 * Type markers of simple values, shared (frozen) per type and offset. Safe because a marker's
 * offset only ever moves when a path reference earlier in the same value is spliced in, and simple
 * values have none; on a large board this saves an object for most properties.
 */
const SHARED_MARKER_OFFSETS = 256;
const sharedTypeMarkers: Record<"u8" | "u16" | "u32" | "u64" | "string", Marker[]> = { u8: [], u16: [], u32: [U32_AT_START], u64: [], string: [STRING_AT_START] };

/**
 * Marker lists of the two commonest values (one string; one cell list without references), shared
 * and frozen: nothing edits a value's marker list in place (fixups replace the list).
 */
const ONLY_STRING = Object.freeze([STRING_AT_START]) as unknown as Marker[];
const ONLY_U32 = Object.freeze([U32_AT_START]) as unknown as Marker[];

/** A type marker: a shared one unless the value has a path component (whose splice moves markers). */
function typeMarker(type: "u8" | "u16" | "u32" | "u64" | "string", offset: number, fresh: boolean): Marker {
  if (fresh || offset >= SHARED_MARKER_OFFSETS) return { kind: "type", offset, type };
  const table = sharedTypeMarkers[type];
  return (table[offset] ??= Object.freeze({ kind: "type", offset, type }) as Marker);
}

const BITS_TYPES = { 8: "u8", 16: "u16", 32: "u32", 64: "u64" } as const;

/** A value label token's name (its text without the colon). */
function labelName(tokens: TokenReader, i: number): string {
  return tokens.fileAt(i).text.slice(tokens.startAt(i), tokens.endAt(i) - 1);
}

function hexDigit(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}

/** Copies a string token's text between its quotes to `bytes` at `at`; returns the end offset. */
function copyStringBody(tokens: TokenReader, i: number, bytes: Uint8Array, at: number): number {
  const text = tokens.fileAt(i).text;
  const e = tokens.endAt(i) - 1;
  for (let k = tokens.startAt(i) + 1; k < e; k++) bytes[at++] = text.charCodeAt(k) & 0xff;
  return at;
}

/**
 * A build's shared values by source text: an open-addressing table whose keys are compared with
 * the source in place, so a repeat costs a hash over its text and no string (a Map needed a slice
 * and V8's own hashing of it per value: 8 % of building a large board).
 */
export class SharedValues {
  private keys: (string | undefined)[] = new Array<string | undefined>(1024).fill(undefined);
  private values: (PropertyValue | undefined)[] = new Array<PropertyValue | undefined>(1024).fill(undefined);
  /**
   * Each slot's full hash (its key is compared only when the hashes match): probing a full
   * table otherwise read a key string per probe, a cache miss each.
   */
  private hashes = new Int32Array(1024);
  private count = 0;

  /** The value stored for `text[from, to)` (hash `h`), else undefined. */
  find(text: string, from: number, to: number, h: number): PropertyValue | undefined {
    const keys = this.keys;
    const hashes = this.hashes;
    const mask = keys.length - 1;
    const n = to - from;
    const h32 = h | 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const key = keys[i];
      if (key === undefined) return undefined;
      if (hashes[i] !== h32 || key.length !== n) continue;
      if (text.startsWith(key, from)) return this.values[i];
    }
  }

  /**
   * Remembers a value, unless the table already holds SHARED_VALUES_LIMIT of them: the repeats
   * (status, cell counts, compatible strings) show up early, and the distinct values of a large
   * board (addresses) would otherwise grow the table with little to share.
   */
  add(text: string, from: number, to: number, h: number, value: PropertyValue): void {
    if (this.count >= SHARED_VALUES_LIMIT) return;
    if (2 * (this.count + 1) > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = keys.length - 1;
    let i = h & mask;
    while (keys[i] !== undefined) i = (i + 1) & mask;
    keys[i] = text.slice(from, to);
    this.hashes[i] = h;
    this.values[i] = value;
    this.count++;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const size = oldKeys.length * 2;
    const oldHashes = this.hashes;
    this.keys = new Array<string | undefined>(size).fill(undefined);
    this.values = new Array<PropertyValue | undefined>(size).fill(undefined);
    this.hashes = new Int32Array(size);
    const mask = size - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const key = oldKeys[j];
      if (key === undefined) continue;
      const h = oldHashes[j]!;
      let i = h & mask;
      while (this.keys[i] !== undefined) i = (i + 1) & mask;
      this.keys[i] = key;
      this.hashes[i] = h;
      this.values[i] = oldValues[j];
    }
  }
}

const SHARED_VALUES_LIMIT = 8192;

/** FNV-1a over `text[from, to)`. */
function textHash(text: string, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) h = Math.imul(h ^ text.charCodeAt(k), 0x01000193);
  return h >>> 0;
}

function encode(tokens: TokenReader, start: number, end: number): PropertyValue | undefined {
  const length = measure(tokens, start, end);
  if (length < 0) return undefined;
  // A reference- and label-free value written as an earlier one: the same text gives the same
  // tokens, so the same bytes and markers.
  const table = sharedValues;
  if (table !== undefined && measuredRefs === 0 && measuredLabels === 0) {
    const file = tokens.fileAt(start);
    const from = tokens.startAt(start);
    const to = tokens.endAt(end - 1);
    if (to - from <= SHARE_MAX_TEXT && tokens.fileAt(end - 1) === file) {
      const text = file.text;
      const h = textHash(text, from, to);
      const known = table.find(text, from, to, h);
      if (known !== undefined) return known;
      const value = encodeMeasured(tokens, start, end, length);
      table.add(text, from, to, h, value);
      return value;
    }
  }
  return encodeMeasured(tokens, start, end, length);
}

function encodeMeasured(tokens: TokenReader, start: number, end: number, length: number): PropertyValue {
  // Written straight into a slab range; the value makes its Uint8Array view when first read
  // (PropertyValue.inSlab). `at` is an index in `bytes`, offsets are relative to `base`.
  let bytes: Uint8Array;
  let base = 0;
  if (length <= VALUE_SLAB_MAX) {
    base = reserveValueBytes(length);
    bytes = valueSlab;
  } else bytes = new Uint8Array(length);
  // One plain string: the shared marker, as the general path gives it.
  if (end - start === 1 && tokens.codeAt(start) === K.StringLiteral) {
    copyStringBody(tokens, start, bytes, base);
    return PropertyValue.inSlab(bytes, base, length, ONLY_STRING, 0);
  }
  const fresh = measuredPathRefs > 0;
  const markers = scratchMarkers;
  let count = 0;
  let at = base;
  let cell = 0;
  for (let i = start; i < end; i++) {
    const code = tokens.codeAt(i);
    if (code === K.StringLiteral) {
      markers[count++] = typeMarker("string", at - base, fresh);
      at = copyStringBody(tokens, i, bytes, at);
      bytes[at++] = 0;
    } else if (code === K.Label) {
      markers[count++] = { kind: "label", offset: at - base, name: labelName(tokens, i) };
    } else if (code === K.LAngle || code === K.Bits) {
      let bits: 8 | 16 | 32 | 64 = 32;
      if (code === K.Bits) {
        bits = bitsAt(tokens, i + 1) as 8 | 16 | 32 | 64;
        i += 2;
      }
      markers[count++] = typeMarker(BITS_TYPES[bits], at - base, fresh);
      for (i++; tokens.codeAt(i) !== K.RAngle; i++) {
        if (tokens.codeAt(i) === K.Label) {
          markers[count++] = { kind: "label", offset: at - base, name: labelName(tokens, i) };
          continue;
        }
        if (tokens.codeAt(i) === K.LParen) {
          // Past the expression measure() evaluated: to its matching `)`.
          for (let depth = 1; depth > 0; ) {
            const c = tokens.codeAt(++i);
            if (c === K.LParen) depth++;
            else if (c === K.RParen) depth--;
          }
        }
        let v = cellValues[cell++]!;
        if (v < 0) {
          // The name straight from the source (imageAt would slice `&name` first, then this).
          markers[count++] = { kind: "phandleRef", offset: at - base, ref: tokens.fileAt(i).text.slice(tokens.startAt(i) + 1, tokens.endAt(i)), span: tokens.span(i) };
          v = MAX_U32;
        }
        if (bits === 8) bytes[at++] = v;
        else if (bits === 16) {
          bytes[at++] = v >>> 8;
          bytes[at++] = v & 0xff;
        } else {
          if (bits === 64) {
            // Plain literals are at most 0xffffffff: the high word is zero.
            bytes[at] = bytes[at + 1] = bytes[at + 2] = bytes[at + 3] = 0;
            at += 4;
          }
          bytes[at] = v >>> 24;
          bytes[at + 1] = (v >>> 16) & 0xff;
          bytes[at + 2] = (v >>> 8) & 0xff;
          bytes[at + 3] = v & 0xff;
          at += 4;
        }
      }
    } else if (code === K.LBracket) {
      markers[count++] = typeMarker("u8", at - base, fresh);
      for (i++; tokens.codeAt(i) !== K.RBracket; i++) {
        if (tokens.codeAt(i) === K.Label) {
          markers[count++] = { kind: "label", offset: at - base, name: labelName(tokens, i) };
          continue;
        }
        const text = tokens.fileAt(i).text;
        const s = tokens.startAt(i);
        bytes[at++] = (hexDigit(text.charCodeAt(s)) << 4) | hexDigit(text.charCodeAt(s + 1));
      }
    } else if (code === K.LabelRef || code === K.PathRef) {
      const text = tokens.fileAt(i).text;
      const s = tokens.startAt(i);
      const e = tokens.endAt(i);
      markers[count++] = { kind: "type", offset: at - base, type: "string" };
      markers[count++] = { kind: "pathRef", offset: at - base, ref: code === K.LabelRef ? text.slice(s + 1, e) : text.slice(s + 2, e - 1), span: tokens.span(i) };
    }
  }
  // One cell list without references: the shared list. Otherwise an exact-size copy (a
  // pushed-to array keeps room for 17).
  if (count === 1 && markers[0] === U32_AT_START) return PropertyValue.inSlab(bytes, base, length, ONLY_U32, 0);
  const kinds = (measuredLabels > 0 ? HAS_LABEL : 0) | (measuredRefs > measuredPathRefs ? HAS_PHANDLE_REF : 0) | (measuredPathRefs > 0 ? HAS_PATH_REF : 0);
  return PropertyValue.inSlab(bytes, base, length, markers.slice(0, count), kinds);
}

/**
 * The value of a parsed property when it is one of the simple forms, else undefined. With
 * `shared` (one table per build), a reference-free value written identically to an earlier one
 * is that same PropertyValue object: 44 % of the properties of a generated board and 46 % of a
 * real one (x1e80100) are such repeats, and each costs the tree a PropertyValue and a Uint8Array
 * view (~136 bytes) otherwise. Safe because nothing writes into a value without references in
 * place (see PropertyValue).
 */
export function encodeSimpleValue(
  def: { withValueTokens?<T>(read: (tokens: TokenReader, start: number, end: number) => T): T | undefined },
  shared?: SharedValues,
): PropertyValue | undefined {
  sharedValues = shared;
  const value = def.withValueTokens?.(encode);
  sharedValues = undefined;
  return value;
}
