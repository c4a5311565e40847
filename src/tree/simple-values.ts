// The common property values, encoded straight from the parser's tokens: plain strings (no
// escapes) and 32-bit cell lists of plain literals and `&label` references, separated by commas.
//
// Why: decoding a value into ValueParts first (grammar's `value`) makes several short-lived objects
// per cell (part, item, expression, span, raw text), and on a large board that garbage was most of
// the tree-building time. Anything else (expressions, /bits/, bytes, labels, escapes, path
// references, /incbin/, literals that need range checks or diagnostics) returns undefined, and the
// caller takes the general path in ./values.ts, which gives the same bytes and markers.
import { valueTokenCodes as K } from "../../grammar/index.ts";
import type { TokenReader } from "../../grammar/ast.ts";
import { allocValueBytes, STRING_AT_START, U32_AT_START } from "./values.ts";
import { PropertyValue, type Marker } from "./model.ts";

const MAX_U32 = 0xffffffff;
const BACKSLASH = 92;

/** Cell values of the value being encoded (reused: values are encoded one at a time). */
const cellValues: number[] = [];
const scratchMarkers: Marker[] = [];

/**
 * First pass: checks every token is one this encoder handles and returns the byte length, or -1.
 * Fills `cellValues` with each literal's value (-1 for a reference) in order.
 */
function measure(tokens: TokenReader, start: number, end: number): number {
  cellValues.length = 0;
  let length = 0;
  let i = start;
  let expectPart = true;
  while (i < end) {
    const code = tokens.codeAt(i);
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
      for (let k = s + 1; k < e - 1; k++) if (text.charCodeAt(k) === BACKSLASH) return -1;
      // The quotes go, a NUL comes.
      length += e - s - 1;
      i++;
    } else if (code === K.LAngle) {
      i++;
      for (;;) {
        if (i >= end) return -1;
        const c = tokens.codeAt(i);
        if (c === K.RAngle) break;
        if (c === K.Literal) {
          const v = plainLiteralAt(tokens.fileAt(i).text, tokens.startAt(i), tokens.endAt(i));
          if (v < 0) return -1;
          cellValues.push(v);
        } else if (c === K.LabelRef) cellValues.push(-1);
        else return -1;
        length += 4;
        i++;
      }
      i++;
    } else return -1;
    expectPart = false;
  }
  return expectPart ? -1 : length;
}

/**
 * Type markers of simple values, shared (frozen) per type and offset. Safe because a marker's
 * offset only ever moves when a path reference earlier in the same value is spliced in, and simple
 * values have none; on a large board this saves an object for most properties.
 */
const SHARED_MARKER_OFFSETS = 256;
const sharedU32: Marker[] = [U32_AT_START];
const sharedString: Marker[] = [STRING_AT_START];

/**
 * Marker lists of the two commonest values (one string; one cell list without references), shared
 * and frozen: nothing edits a value's marker list in place (fixups replace the list).
 */
const ONLY_STRING = Object.freeze([STRING_AT_START]) as unknown as Marker[];
const ONLY_U32 = Object.freeze([U32_AT_START]) as unknown as Marker[];

function typeMarker(type: "u32" | "string", offset: number): Marker {
  if (offset >= SHARED_MARKER_OFFSETS) return { kind: "type", offset, type };
  const table = type === "u32" ? sharedU32 : sharedString;
  return (table[offset] ??= Object.freeze({ kind: "type", offset, type }) as Marker);
}

/** Copies a string token's text between its quotes to `bytes` at `at`; returns the end offset. */
function copyStringBody(tokens: TokenReader, i: number, bytes: Uint8Array, at: number): number {
  const text = tokens.fileAt(i).text;
  const e = tokens.endAt(i) - 1;
  for (let k = tokens.startAt(i) + 1; k < e; k++) bytes[at++] = text.charCodeAt(k) & 0xff;
  return at;
}

/**
 * The value of a plain literal in `text[start, end)` -- decimal without a leading 0, `0`, or
 * `0x`/`0X` hex, no suffix, at most 0xffffffff -- or -1 for anything else (octal, suffixes,
 * larger values, malformed text: the general path decodes and diagnoses those). Reads the source
 * in place: no substring per literal.
 */
function plainLiteralAt(text: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0) return -1;
  let v = 0;
  if (text.charCodeAt(start) !== 48) {
    if (n > 10) return -1;
    for (let k = start; k < end; k++) {
      const d = text.charCodeAt(k) - 48;
      if (d < 0 || d > 9) return -1;
      v = v * 10 + d;
    }
    return v > MAX_U32 ? -1 : v;
  }
  if (n === 1) return 0;
  const x = text.charCodeAt(start + 1);
  if ((x !== 120 && x !== 88) || n < 3 || n > 10) return -1;
  for (let k = start + 2; k < end; k++) {
    const c = text.charCodeAt(k);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

function encode(tokens: TokenReader, start: number, end: number): PropertyValue | undefined {
  const length = measure(tokens, start, end);
  if (length < 0) return undefined;
  const bytes = allocValueBytes(length);
  // One plain string: the shared marker, as the general path gives it.
  if (end - start === 1) {
    copyStringBody(tokens, start, bytes, 0);
    return new PropertyValue(bytes, ONLY_STRING);
  }
  const markers = scratchMarkers;
  markers.length = 0;
  let at = 0;
  let cell = 0;
  for (let i = start; i < end; i++) {
    const code = tokens.codeAt(i);
    if (code === K.StringLiteral) {
      markers.push(typeMarker("string", at));
      at = copyStringBody(tokens, i, bytes, at);
      bytes[at++] = 0;
    } else if (code === K.LAngle) {
      markers.push(typeMarker("u32", at));
      for (i++; tokens.codeAt(i) !== K.RAngle; i++) {
        let v = cellValues[cell++]!;
        if (v < 0) {
          markers.push({ kind: "phandleRef", offset: at, ref: tokens.imageAt(i).slice(1), span: tokens.span(i) });
          v = MAX_U32;
        }
        bytes[at] = v >>> 24;
        bytes[at + 1] = (v >>> 16) & 0xff;
        bytes[at + 2] = (v >>> 8) & 0xff;
        bytes[at + 3] = v & 0xff;
        at += 4;
      }
    }
  }
  // One cell list without references: the shared list. Otherwise an exact-size copy (a
  // pushed-to array keeps room for 17).
  if (markers.length === 1 && markers[0] === U32_AT_START) return new PropertyValue(bytes, ONLY_U32);
  return new PropertyValue(bytes, markers.slice());
}

/** The value of a parsed property when it is one of the simple forms, else undefined. */
export function encodeSimpleValue(def: { withValueTokens?<T>(read: (tokens: TokenReader, start: number, end: number) => T): T | undefined }): PropertyValue | undefined {
  return def.withValueTokens?.(encode);
}
