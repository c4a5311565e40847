// Shared helpers for the grammar tests: parse from memory, show positions the way dtc prints
// them, and turn the AST (whose nodes compute spans and values on access) into plain data.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DiagnosticSink, memoryFileHost, SourceFile, type Diagnostic, type FileHost, type Span } from "../../src/source/index.ts";
import { parseDts, type DtsDocument } from "../../grammar/index.ts";

export const SHARED_DIR = fileURLToPath(new URL("../../../shared/", import.meta.url));
export const HAVE_SHARED = existsSync(SHARED_DIR);
export const HAVE_DTC = (() => {
  try {
    return spawnSync("dtc", ["--version"], { encoding: "utf8" }).status === 0;
  } catch {
    return false;
  }
})();

export interface ParseResult {
  readonly doc: DtsDocument | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** `file:line.col message` of each diagnostic (line/col of the span start). */
  readonly messages: readonly string[];
}

export function where(s: Span | undefined): string {
  if (!s) return "-";
  const p = s.file.positionAt(s.start);
  return `${p.file}:${p.line}.${p.column}`;
}

/** Parses `text` as `name`, with `files` available to /include/. */
export function parse(text: string, files: Record<string, string> = {}, options: { name?: string; includeDirs?: string[]; host?: FileHost } = {}): ParseResult {
  const sink = new DiagnosticSink();
  const host = options.host ?? memoryFileHost(files);
  const doc = parseDts(new SourceFile(options.name ?? "t.dts", text), { host, includeDirs: options.includeDirs ?? [] }, sink);
  return { doc, diagnostics: sink.items, messages: sink.items.map((d) => `${where(d.span)} ${d.message}`) };
}

/** Parses text that must be accepted and returns the document. */
export function accept(text: string, files: Record<string, string> = {}): DtsDocument {
  const r = parse(text, files);
  if (!r.doc || r.diagnostics.length > 0) throw new Error(`expected acceptance, got: ${r.messages.join("; ") || "no document"}`);
  return r.doc;
}

/** The first diagnostic of a rejected text, as `file:line.col message`. */
export function reject(text: string, files: Record<string, string> = {}): string {
  const r = parse(text, files);
  if (r.doc) throw new Error("expected a rejection");
  return r.messages[0] ?? "(no diagnostic)";
}

/** `file:L.C-L.C` of a span, with text, for compact AST snapshots. */
function spanText(s: Span): string {
  const a = s.file.positionAt(s.start);
  const b = s.file.positionAt(s.end);
  return `${a.line}.${a.column}-${b.line}.${b.column}`;
}

const GETTERS = ["kind", "span", "nameSpan", "value"];

/**
 * Deep copy of an AST value as plain data: spans become `L.C-L.C` strings, getters (span,
 * nameSpan, value) are read, undefined fields dropped.
 */
export function plain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(plain);
  const o = value as Record<string, unknown>;
  if (o.file instanceof SourceFile && typeof o.start === "number") return spanText(o as unknown as Span);
  const out: Record<string, unknown> = {};
  const keys = new Set(Object.keys(o));
  for (const g of GETTERS) if (g in o) keys.add(g);
  for (const k of keys) {
    const v = o[k];
    if (v !== undefined) out[k] = plain(v);
  }
  return out;
}

/** Plain data without spans: for checking structure only. */
export function shape(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(shape);
  const o = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const keys = new Set(Object.keys(o));
  for (const g of GETTERS) if (g in o) keys.add(g);
  for (const k of keys) {
    if (k === "span" || k === "nameSpan") continue;
    const v = o[k];
    if (v !== undefined) out[k] = shape(v);
  }
  return out;
}

/** The value parts of the first property of the root node. */
export function firstValue(text: string): unknown {
  const doc = accept(`/dts-v1/;\n/ { ${text} };\n`);
  const root = doc.statements[0]!;
  if (root.kind !== "root") throw new Error("no root");
  return shape(root.body.properties[0]!.kind === "property" ? root.body.properties[0]!.value : undefined);
}
