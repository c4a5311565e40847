// Property values from the AST, as dtc's `propdata` actions build them: components appended in
// order with no alignment, markers for labels, references and type boundaries at the offsets dtc
// records (data.c: data_merge, data_add_marker, data_append_integer).
import type { CellItem, Expr, Reference, ValuePart } from "../../grammar/ast.ts";
import { inputTooLargeMessage, openIncludeFile, MAX_INPUT_BYTES, type FileHost, type Span } from "../source/index.ts";
import type { BuildProblems } from "./build-problems.ts";
import { ByteBuffer } from "../source/index.ts";
import { evaluateExpr, type ExprProblems } from "./expressions.ts";
import { decodeEscapes, decodeIntegerLiteral, decodeSmallLiteral, hasNoEscapes, HexEscapeError, UINT64_MAX } from "./literals.ts";
import { PropertyValue, type Marker, type ValueType } from "./model.ts";
import type { SharedValues } from "./simple-values.ts";

export interface ValueContext {
  readonly problems: BuildProblems;
  readonly host: FileHost;
  readonly includeDirs: readonly string[];
  /** Bytes pulled in by /incbin/ so far in this build: bounded like any other input. */
  incbinBytes: number;
  /** Reference-free values shared by their source text (see encodeSimpleValue); one per build. */
  readonly sharedValues?: SharedValues;
}

/** The text dtc keeps for a reference: `label`, `/path`, or `label/sub/path`. */
export function refText(ref: Reference): string {
  return ref.kind === "label" ? ref.label : ref.path;
}

/** Decodes a quoted string token to its bytes (no NUL); a bad `\x` escape is fatal, as in dtc. */
export function decodeStringToken(raw: string, span: Span, problems: BuildProblems): number[] | string {
  if (hasNoEscapes(raw)) return raw.slice(1, -1);
  try {
    return decodeEscapes(raw);
  } catch (e) {
    if (e instanceof HexEscapeError) problems.fatal("lexical", e.message, span);
    throw e;
  }
}

function appendDecoded(buf: ByteBuffer, decoded: number[] | string): void {
  if (typeof decoded === "string") buf.latin1(decoded);
  else buf.bytes(decoded);
}

const BITS_TYPES: Record<number, ValueType> = { 8: "u8", 16: "u16", 32: "u32", 64: "u64" };

function hex(v: bigint, width: number): string {
  return v.toString(16).padStart(width, "0");
}

function appendCells(part: Extract<ValuePart, { kind: "cells" }>, buf: ByteBuffer, markers: Marker[], ctx: ValueContext): void {
  const { problems } = ctx;
  let bits = 32;
  if (part.bits) {
    const d = decodeIntegerLiteral(part.bits.raw);
    for (const m of d.errors ?? []) problems.lexical(m, part.bits.span);
    if (d.value === 8n || d.value === 16n || d.value === 32n || d.value === 64n) bits = Number(d.value);
    else problems.semantic("Array elements must be 8, 16, 32 or 64-bits", part.bits.span);
  }
  markers.push({ kind: "type", offset: buf.length, type: BITS_TYPES[bits]! });
  const mask = bits === 64 ? UINT64_MAX : (1n << BigInt(bits)) - 1n;
  const maskNumber = bits === 64 ? 0 : 2 ** bits - 1;
  for (const item of part.items) appendCell(item, bits, mask, maskNumber, buf, markers, ctx, problems);
}

function appendCell(item: CellItem, bits: number, mask: bigint, maskNumber: number, buf: ByteBuffer, markers: Marker[], ctx: ValueContext, ep: ExprProblems): void {
  switch (item.kind) {
    case "label":
      markers.push({ kind: "label", offset: buf.length, name: item.label.name });
      return;
    case "ref":
      if (bits === 32) markers.push({ kind: "phandleRef", offset: buf.length, ref: refText(item.ref), span: item.ref.span });
      else ctx.problems.semantic("References are only allowed in arrays with 32-bit elements.", item.ref.span);
      if (bits === 32) buf.u32(0xffffffff);
      else buf.integer(UINT64_MAX, bits);
      return;
    case "expr": {
      const e: Expr = item.expr;
      if (e.kind === "literal" && bits !== 64) {
        // Common case: a plain small literal within range, no BigInt needed.
        const small = decodeSmallLiteral(e.raw);
        if (small !== undefined && small <= maskNumber) {
          buf.uint(small, bits);
          return;
        }
      }
      const v = evaluateExpr(e, ep);
      if (bits < 64 && v > mask && (v | mask) !== UINT64_MAX) {
        ctx.problems.warning(`Value 0x${hex(v, 16)} truncated to 0x${hex(v & mask, bits / 4)}`, e.span);
      }
      buf.integer(v, bits);
      return;
    }
  }
}

function appendIncbin(part: Extract<ValuePart, { kind: "incbin" }>, buf: ByteBuffer, ctx: ValueContext): void {
  const { problems } = ctx;
  const decoded = decodeStringToken(part.file.raw, part.file.span, problems);
  let name = typeof decoded === "string" ? decoded : String.fromCharCode(...decoded);
  // dtc opens the C string: it ends at the first NUL.
  const nul = name.indexOf("\0");
  if (nul >= 0) name = name.slice(0, nul);
  const offset = part.offset ? evaluateExpr(part.offset, problems) : 0n;
  const length = part.length ? evaluateExpr(part.length, problems) : undefined;
  // Only the bytes asked for are read, as dtc's fseek + fread: a range of a device
  // (`/incbin/("/dev/zero", 0, 16)`) or of a file larger than the input limit is fine. Each
  // /incbin/, and all of them together, count against the input limit.
  const remaining = MAX_INPUT_BYTES - ctx.incbinBytes;
  const toNumber = (v: bigint) => (v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v));
  const range = { offset: toNumber(offset), length: length === undefined ? undefined : toNumber(length) };
  const found = openIncludeFile(name, part.span.file.name, ctx.includeDirs, ctx.host, { limit: remaining, range });
  if (!found.ok) {
    const { problem } = found;
    if (problem.kind !== "too-large") return problems.fatal("include", `Couldn't open "${name}": ${problem.message}`, part.file.span);
    const requested = problem.size === undefined ? undefined : Math.min(problem.size - Math.min(range.offset, problem.size), range.length ?? Infinity);
    const alone = requested !== undefined ? requested > MAX_INPUT_BYTES : ctx.incbinBytes === 0;
    const message = alone ? inputTooLargeMessage(name, problem.size) : `/incbin/ data adds up to more than the ${MAX_INPUT_BYTES / (1024 * 1024)} MiB input limit`;
    return problems.fatal("limit", message, part.span);
  }
  ctx.incbinBytes += found.bytes.length;
  buf.bytes(found.bytes);
}

/**
 * Value bytes are carved out of shared 64 KiB slabs: one ArrayBuffer per value would dominate the
 * build's allocation and GC time on large trees. Each value is its own view (byteOffset may be
 * non-zero); large values get their own buffer.
 */
const SLAB_SIZE = 65536;
let slab = new Uint8Array(SLAB_SIZE);
let slabUsed = 0;

export function allocValueBytes(n: number): Uint8Array {
  if (n > 4096) return new Uint8Array(n);
  if (slabUsed + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  // The constructor, not subarray(): subarray goes through the species lookup, which showed as
  // 3% of a cold compile.
  const view = new Uint8Array(slab.buffer, slabUsed, n);
  slabUsed += n;
  return view;
}

/**
 * Reserves `n` bytes (at most VALUE_SLAB_MAX) of the current slab for one value, to be written
 * in place and wrapped with PropertyValue.inSlab (no view made now): returns their offset in
 * `valueSlab`, which must be read after this call (a full slab is replaced).
 */
export function reserveValueBytes(n: number): number {
  if (slabUsed + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabUsed = 0;
  }
  valueSlab = slab;
  const at = slabUsed;
  slabUsed += n;
  return at;
}

/** The slab reserveValueBytes reserved in last. */
export let valueSlab: Uint8Array = slab;

/** The largest value reserveValueBytes takes (allocValueBytes gives larger ones their own buffer). */
export const VALUE_SLAB_MAX = 4096;

/**
 * The type marker of a value that is one plain string, shared by all of them (a third of a
 * board's properties). Sharing is safe because marker offsets only ever move when a path
 * reference earlier in the same value is spliced in, and these values hold none.
 */
export const STRING_AT_START: Marker = Object.freeze({ kind: "type", offset: 0, type: "string" }) as Marker;
/** Likewise for a value of cells with no path reference (the generated phandle properties). */
export const U32_AT_START: Marker = Object.freeze({ kind: "type", offset: 0, type: "u32" }) as Marker;

/** One buffer reused for every value (values are built one at a time; the result is a copy). */
const scratch = new ByteBuffer(1024);
const scratchMarkers: Marker[] = [];

/** Builds the value of `name = parts;` (undefined parts: `name;`, the empty value). */
export function buildPropertyValue(parts: readonly ValuePart[] | undefined, ctx: ValueContext): PropertyValue {
  if (!parts || parts.length === 0) return PropertyValue.empty();
  // Fast path: a single plain string.
  if (parts.length === 1 && parts[0]!.kind === "string" && hasNoEscapes(parts[0]!.raw)) {
    const raw = parts[0]!.raw;
    const bytes = allocValueBytes(raw.length - 1);
    for (let i = 1; i < raw.length - 1; i++) bytes[i - 1] = raw.charCodeAt(i) & 0xff;
    return new PropertyValue(bytes, [STRING_AT_START]);
  }
  const buf = scratch;
  buf.length = 0;
  const markers = scratchMarkers;
  markers.length = 0;
  for (const part of parts) {
    switch (part.kind) {
      case "label":
        markers.push({ kind: "label", offset: buf.length, name: part.label.name });
        break;
      case "string":
        markers.push({ kind: "type", offset: buf.length, type: "string" });
        appendDecoded(buf, decodeStringToken(part.raw, part.span, ctx.problems));
        buf.byte(0);
        break;
      case "cells":
        appendCells(part, buf, markers, ctx);
        break;
      case "bytes":
        markers.push({ kind: "type", offset: buf.length, type: "u8" });
        for (const item of part.items) {
          if (item.kind === "label") markers.push({ kind: "label", offset: buf.length, name: item.label.name });
          else buf.byte(parseInt(item.raw, 16));
        }
        break;
      case "pathRef": {
        const ref = refText(part.ref);
        markers.push({ kind: "type", offset: buf.length, type: "string" });
        markers.push({ kind: "pathRef", offset: buf.length, ref, span: part.ref.span });
        break;
      }
      case "incbin":
        appendIncbin(part, buf, ctx);
        break;
    }
  }
  const bytes = allocValueBytes(buf.length);
  buf.copyTo(bytes);
  // An exact-size copy: an array grown by push keeps room for 17 elements, which on a large
  // board was a quarter of the live tree's memory.
  return new PropertyValue(bytes, markers.slice());
}
