// One property value as dtc's `-O dts` prints it (treesource.c write_propval), in the two forms
// that matter: dtc 1.8.1 (the language as it is today: phandle references printed as `&label`,
// string lists split at their NULs when types are guessed) and dtc 1.6.1 (Debian's dtc, the
// installed oracle: values only, `"a\0b"` for guessed string lists, and a stray space before
// each reference marker that sits inside a value).
//
// dtc keeps markers in a singly linked list and its guessing code inserts into that list while
// walking it; the same list shape is used here so that every corner (labels without type
// markers, several strings in one guessed chunk) comes out exactly as dtc prints it.
import type { Marker, PropertyValue, ValueType } from "../tree/model.ts";

export type DtsDialect = "1.8.1" | "1.6.1";

type TypeKind = "u8" | "u16" | "u32" | "u64" | "string";
type Kind = TypeKind | "label" | "phandleRef" | "pathRef";

interface MarkerNode {
  kind: Kind;
  offset: number;
  ref: string;
  next: MarkerNode | null;
}

const isType = (k: Kind): k is TypeKind => k === "u8" || k === "u16" || k === "u32" || k === "u64" || k === "string";

const DELIM_START: Record<TypeKind, string> = { u8: "[", u16: "/bits/ 16 <", u32: "<", u64: "/bits/ 64 <", string: "" };
const DELIM_END: Record<TypeKind, string> = { u8: "]", u16: ">", u32: ">", u64: ">", string: "" };
const WIDTH: Record<TypeKind, number> = { u8: 1, u16: 2, u32: 4, u64: 8, string: 1 };

function typeKind(t: ValueType): TypeKind {
  // `bytes` is a bytestring (`[...]`): dtc has one 8-bit type for it and for `/bits/ 8`.
  return t === "bytes" ? "u8" : t;
}

function markerKind(m: Marker): { kind: Kind; ref: string } {
  switch (m.kind) {
    case "label":
      return { kind: "label", ref: m.name };
    case "phandleRef":
      return { kind: "phandleRef", ref: m.ref };
    case "pathRef":
      return { kind: "pathRef", ref: m.ref };
    case "type":
      return { kind: typeKind(m.type), ref: "" };
  }
}

/** The value's markers as a list behind a sentinel head, in offset order (stable for ties). */
function markerList(value: PropertyValue): MarkerNode {
  const sorted = value.markers.map((m, i) => ({ m, i })).sort((a, b) => a.m.offset - b.m.offset || a.i - b.i);
  const head: MarkerNode = { kind: "label", offset: -1, ref: "", next: null };
  let tail = head;
  for (const { m } of sorted) {
    const { kind, ref } = markerKind(m);
    tail = tail.next = { kind, offset: m.offset, ref, next: null };
  }
  return head;
}

/** C `isprint` in the C locale. */
const isPrint = (c: number): boolean => c >= 0x20 && c <= 0x7e;

/** treesource.c isstring(): printable, NUL, or one of the escapable controls. */
function isStringChar(c: number): boolean {
  return isPrint(c) || c === 0 || (c >= 7 && c <= 13);
}

/**
 * dtc's add_marker on a slot (`slot.next` plays the C `*mi`): keeps at most one type marker per
 * offset, type markers before the others; returns the slot after the new (or found) marker.
 */
function addMarker(slot: MarkerNode, kind: Kind, offset: number): MarkerNode {
  while (slot.next && slot.next.offset < offset) slot = slot.next;
  if (slot.next && slot.next.offset === offset && isType(slot.next.kind)) {
    if (isType(kind)) return slot;
    slot = slot.next;
  }
  if (slot.next && slot.next.offset === offset && slot.next.kind === kind) return slot;
  const node: MarkerNode = { kind, offset, ref: "", next: slot.next };
  slot.next = node;
  return node;
}

function strlen(bytes: Uint8Array, from: number): number {
  const nul = bytes.indexOf(0, from);
  return (nul < 0 ? bytes.length : nul) - from;
}

/**
 * 1.8.1 guess_value_type for `len` bytes at `offset`; string lists get a marker per string.
 * dtc inserts those from the list head; every marker before `from` lies at or before `offset`,
 * so starting the search at `from` finds the same places without rescanning the list.
 */
function guessChunkType(bytes: Uint8Array, from: MarkerNode, offset: number, len: number): TypeKind {
  let notString = 0;
  let nul = 0;
  for (let i = offset; i < offset + len; i++) {
    const c = bytes[i]!;
    if (!isStringChar(c)) notString++;
    if (c === 0) nul++;
  }
  if (bytes[offset + len - 1] === 0 && notString === 0 && nul <= len - nul) {
    if (nul > 1) {
      let slot = from;
      for (let l = strlen(bytes, offset) + 1; l < len; l += strlen(bytes, offset + l) + 1) slot = addMarker(slot, "string", offset + l);
    }
    return "string";
  }
  return len % 4 === 0 ? "u32" : "u8";
}

/** 1.8.1 guess_type_markers: types for the stretches no type marker covers. */
function guessTypeMarkers(bytes: Uint8Array, head: MarkerNode): void {
  let offset = 0;
  let m = head;
  for (; m.next; m = m.next!) {
    if (isType(m.next.kind)) return; // dtc assumes the whole value is typed
    if (m.next.offset > offset) {
      const t = guessChunkType(bytes, m, offset, m.next.offset - offset);
      m = addMarker(m, t, offset);
      offset = m.next!.offset;
    }
    if (m.next!.kind === "phandleRef") {
      m = addMarker(m, "u32", offset);
      offset += 4;
    }
  }
  if (offset < bytes.length) addMarker(m, guessChunkType(bytes, m, offset, bytes.length - offset), offset);
}

/** 1.6.1 guess_value_type: one type for the whole value, labels inside it count against strings/cells. */
function guessWholeType161(bytes: Uint8Array, head: MarkerNode): TypeKind {
  const len = bytes.length;
  let notString = 0;
  let nul = 0;
  for (let i = 0; i < len; i++) {
    const c = bytes[i]!;
    if (!isStringChar(c)) notString++;
    if (c === 0) nul++;
  }
  let labelNotString = 0;
  let labelNotCell = 0;
  for (let m = head.next; m; m = m.next) {
    if (m.kind !== "label") continue;
    if (m.offset > 0 && bytes[m.offset - 1] !== 0) labelNotString++;
    if (m.offset % 4 !== 0) labelNotCell++;
  }
  if (bytes[len - 1] === 0 && notString === 0 && nul <= len - nul && labelNotString === 0) return "string";
  if (len % 4 === 0 && labelNotCell === 0) return "u32";
  return "u8";
}

function hex(value: number | bigint, minDigits: number): string {
  return value.toString(16).padStart(minDigits, "0");
}

/** write_propval_int: elements of `width` bytes, space separated. */
function writeInts(out: string[], bytes: Uint8Array, view: DataView, from: number, len: number, width: number): void {
  const end = from + len;
  for (let p = from; p + width <= end; p += width) {
    switch (width) {
      case 1:
        out.push(hex(bytes[p]!, 2));
        break;
      case 2:
        out.push("0x" + hex(view.getUint16(p), 2));
        break;
      case 4:
        out.push("0x" + hex(view.getUint32(p), 2));
        break;
      default:
        out.push("0x" + hex(view.getBigUint64(p), 2));
    }
    if (p + width < end) out.push(" ");
  }
}

const ESCAPES: Record<number, string> = { 7: "\\a", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 0x5c: "\\\\", 0x22: '\\"', 0: "\\0" };

/** write_propval_string: a quoted chunk whose last byte (its NUL) is not printed. */
function writeString(out: string[], bytes: Uint8Array, from: number, len: number): void {
  if (len === 0) return;
  let s = '"';
  for (let i = from; i < from + len - 1; i++) {
    const c = bytes[i]!;
    const esc = ESCAPES[c];
    if (esc !== undefined) s += esc;
    else if (isPrint(c)) s += String.fromCharCode(c);
    // dtc passes a (signed, on x86) char to %02x: bytes from 0x80 print sign-extended.
    else s += "\\x" + (c >= 0x80 ? "ffffff" + hex(c, 2) : hex(c, 2));
  }
  out.push(s + '"');
}

/** For each marker, the next type marker after it (type_marker_length's target), in one backward sweep. */
function nextTypeMarkers(first: MarkerNode | null): Map<MarkerNode, MarkerNode> {
  const order: MarkerNode[] = [];
  for (let n = first; n; n = n.next) order.push(n);
  const next = new Map<MarkerNode, MarkerNode>();
  let seen: MarkerNode | undefined;
  for (let i = order.length - 1; i >= 0; i--) {
    if (seen) next.set(order[i]!, seen);
    if (isType(order[i]!.kind)) seen = order[i]!;
  }
  return next;
}

/** The first phandle reference at each offset (what dtc's for_each_marker_of_type search finds). */
function phandleRefsByOffset(head: MarkerNode): Map<number, MarkerNode> {
  const refs = new Map<number, MarkerNode>();
  for (let n = head.next; n; n = n.next) if (n.kind === "phandleRef" && !refs.has(n.offset)) refs.set(n.offset, n);
  return refs;
}

/** The text after a property's name: `;` or ` = ...;` (without the newline). */
export function formatPropertyValue(value: PropertyValue, dialect: DtsDialect): string {
  const bytes = value.bytes;
  const len = bytes.length;
  if (len === 0) return ";";
  const out: string[] = [" ="];
  const head = markerList(value);
  let first = head.next;
  if (dialect === "1.8.1") {
    guessTypeMarkers(bytes, head);
    first = head.next;
  } else {
    let typed = false;
    for (let n = head.next; n && !typed; n = n.next) typed = isType(n.kind);
    if (!typed) first = { kind: guessWholeType161(bytes, head), offset: 0, ref: "", next: head.next };
  }

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nextType = nextTypeMarkers(first);
  const refs = dialect === "1.8.1" ? phandleRefsByOffset(head) : new Map<number, MarkerNode>();
  let emit: TypeKind | undefined;
  for (let m = first; m; m = m.next) {
    const chunkLen = Math.max(0, (m.next ? m.next.offset : len) - m.offset);
    // type_marker_length(), where 0 (no later type marker, or one at the same offset) means "to the end".
    const dataLen = (nextType.has(m) ? nextType.get(m)!.offset - m.offset : 0) || len - m.offset;
    if (isType(m.kind)) {
      emit = m.kind;
      out.push(" " + DELIM_START[emit]);
    } else if (m.kind === "label") {
      out.push(` ${m.ref}:`);
    } else if (dialect === "1.6.1" && m.offset !== 0) {
      out.push(" ");
    }
    if (emit === undefined || (dialect === "1.8.1" && chunkLen === 0)) continue;

    if (emit === "string") {
      writeString(out, bytes, m.offset, chunkLen);
    } else if (emit === "u32" && dialect === "1.8.1") {
      const ref = refs.get(m.offset);
      if (ref) {
        out.push(ref.ref.startsWith("/") ? `&{${ref.ref}}` : `&${ref.ref}`);
        if (chunkLen > 4) {
          out.push(" ");
          writeInts(out, bytes, view, m.offset + 4, chunkLen - 4, 4);
        }
      } else {
        writeInts(out, bytes, view, m.offset, chunkLen, 4);
      }
      if (dataLen > chunkLen) out.push(" ");
    } else {
      writeInts(out, bytes, view, m.offset, chunkLen, WIDTH[emit]);
    }

    if (chunkLen === dataLen) {
      out.push(m.offset + chunkLen === len ? DELIM_END[emit] : DELIM_END[emit] + ",");
      emit = undefined;
    }
  }
  out.push(";");
  return out.join("");
}
