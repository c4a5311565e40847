// JSON side inputs (--pci, --hw, --scenario): parse, validate against a JSON Schema with ajv, and
// report each problem as a Diagnostic at the line and column of the offending value. JSON.parse
// gives no positions, so a small scanner maps JSON pointers to offsets in the text.
import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import { SourceFile, span, type DiagnosticSink, type Span } from "../source/index.ts";
import { findJsonSyntaxError } from "./json-syntax.ts";

/** A member name as a JSON pointer token (RFC 6901). */
const escapePointer = (k: string) => k.replace(/~/g, "~0").replace(/\//g, "~1");

/** Offsets of every value in a JSON text, keyed by JSON pointer ("" = the root). Iterative. */
export function jsonValueOffsets(text: string): Map<string, { start: number; end: number }> {
  const out = new Map<string, { start: number; end: number }>();
  interface Frame {
    pointer: string;
    kind: "object" | "array";
    index: number;
    key: string | undefined;
    start: number;
  }
  const stack: Frame[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  const childPointer = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return "";
    return top.kind === "array" ? `${top.pointer}/${top.index}` : `${top.pointer}/${escapePointer(top.key ?? "")}`;
  };
  ws();
  let expectValue = true;
  while (i < text.length) {
    ws();
    if (i >= text.length) break;
    const c = text[i]!;
    if (expectValue) {
      const pointer = childPointer();
      if (c === "{" || c === "[") {
        stack.push({ pointer, kind: c === "{" ? "object" : "array", index: 0, key: undefined, start: i });
        i++;
        ws();
        if (text[i] === (c === "{" ? "}" : "]")) {
          expectValue = false;
          continue;
        }
        if (c === "{") {
          ws();
          stack[stack.length - 1]!.key = readString();
          ws();
          i++; // ':'
        }
        continue;
      }
      const start = i;
      if (c === '"') readString();
      else while (i < text.length && !",]} \t\r\n".includes(text[i]!)) i++;
      out.set(pointer, { start, end: i });
      expectValue = false;
      continue;
    }
    if (c === ",") {
      i++;
      const top = stack[stack.length - 1];
      if (!top) break;
      if (top.kind === "array") top.index++;
      else {
        ws();
        top.key = readString();
        ws();
        i++;
      }
      expectValue = true;
      continue;
    }
    if (c === "}" || c === "]") {
      i++;
      const top = stack.pop()!;
      if (!top) break;
      out.set(top.pointer, { start: top.start, end: i });
      continue;
    }
    i++;
  }
  return out;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new Map<object, ReturnType<typeof ajv.compile>>();

/** Where each object and array of a parsed side input came from: its file and JSON pointer. */
const origins = new WeakMap<object, { readonly file: SourceFile; readonly pointer: string; readonly offsets: ReadonlyMap<string, { start: number; end: number }> }>();

/** Records the origin of every object and array of `value` (iterative: inputs may nest deeply). */
function recordOrigins(value: unknown, file: SourceFile, offsets: ReadonlyMap<string, { start: number; end: number }>): void {
  const stack: { v: unknown; pointer: string }[] = [{ v: value, pointer: "" }];
  while (stack.length > 0) {
    const { v, pointer } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    origins.set(v, { file, pointer, offsets });
    if (Array.isArray(v)) v.forEach((e, i) => stack.push({ v: e, pointer: `${pointer}/${i}` }));
    else for (const [k, e] of Object.entries(v)) stack.push({ v: e, pointer: `${pointer}/${escapePointer(k)}` });
  }
}

/**
 * Where a value of a parsed side input is written: an object or array itself, or (with `key`)
 * one of its members or elements. Undefined for values that did not come from parseJsonInput.
 */
export function jsonSpan(container: object, key?: string | number): Span | undefined {
  const o = origins.get(container);
  if (!o) return undefined;
  const pointer = key === undefined ? o.pointer : `${o.pointer}/${typeof key === "number" ? key : escapePointer(key)}`;
  const at = o.offsets.get(pointer) ?? o.offsets.get(o.pointer);
  return at ? span(o.file, at.start, Math.max(at.start + 1, at.end)) : undefined;
}

/**
 * Parses `text` as JSON and validates it against `schema`. Problems go to `sink` with code `code`
 * and the position of the value they concern; returns undefined when the input is not usable.
 * Every object and array of the result knows where it was written (jsonSpan), so later checks
 * against the board can name the entry and its line.
 */
export function parseJsonInput<T>(text: string, fileName: string, schema: object, code: string, sink: DiagnosticSink): T | undefined {
  const file = new SourceFile(fileName, text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const found = findJsonSyntaxError(text);
    const at = found?.offset ?? 0;
    sink.error(code, `invalid JSON: ${found?.message ?? (e as Error).message}`, span(file, at, Math.min(text.length, at + 1)));
    return undefined;
  }
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const offsets = jsonValueOffsets(text);
  if (validate(value)) {
    recordOrigins(value, file, offsets);
    return value as T;
  }
  for (const err of (validate.errors ?? []) as ErrorObject[]) {
    const where = offsets.get(err.instancePath) ?? { start: 0, end: 1 };
    const extra = err.keyword === "additionalProperties" ? ` '${String((err.params as { additionalProperty?: string }).additionalProperty)}'` : "";
    const at = err.instancePath === "" ? "(root)" : err.instancePath;
    sink.error(code, `${at}: ${err.message ?? "invalid"}${extra}`, span(file, where.start, where.end));
  }
  return undefined;
}
