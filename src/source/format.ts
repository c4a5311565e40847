// Renders diagnostics as `file:line:col: error: message`, the source line, a caret under the span,
// then the include chain ("included from file:line:col") and related spans as notes.
import type { Diagnostic } from "./diagnostic.ts";
import type { Position, Span } from "./source-file.ts";

export interface FormatOptions {
  /** Name printed for diagnostics without a position (dtc prints the output file name). */
  readonly noPositionName?: string;
}

function toUtf8Display(latin1: string): string {
  // Sources are read as latin1; show the line as the UTF-8 it most likely is.
  return Buffer.from(latin1, "latin1").toString("utf8");
}

function caretLine(lineText: string, column: number, length: number): string {
  // Keep tabs so the caret lines up under tab-indented source.
  const prefix = lineText.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, " ");
  const room = Math.max(1, Math.min(length, lineText.length - (column - 1)));
  return prefix + "^" + "~".repeat(Math.max(0, room - 1));
}

/** Longest source line shown whole; a longer one is shown as a window around the column. */
const MAX_SHOWN_LINE = 240;
/** How much of a long line is shown before the column. */
const SHOWN_BEFORE = 80;

/**
 * The line (and caret) as shown: a generated or hostile source can hold a megabyte on one line,
 * which would otherwise be printed twice per diagnostic.
 */
function shownLine(text: string, column: number, length: number): { text: string; caret: string } {
  if (text.length <= MAX_SHOWN_LINE) return { text, caret: caretLine(text, column, length) };
  const start = Math.max(0, Math.min(column - 1 - SHOWN_BEFORE, text.length - MAX_SHOWN_LINE));
  const end = Math.min(text.length, start + MAX_SHOWN_LINE);
  const lead = start > 0 ? "..." : "";
  const window = lead + text.slice(start, end) + (end < text.length ? "..." : "");
  const caretColumn = column - start + lead.length;
  const caretRoom = Math.max(1, Math.min(length, end - (column - 1)));
  return { text: window, caret: caretLine(window, caretColumn, caretRoom) };
}

function positionText(p: Position): string {
  if (p.offset !== undefined) return `${p.file}:0x${p.offset.toString(16)}`;
  return `${p.file}:${p.line}:${p.column}`;
}

function renderSpan(s: Span, lines: string[]): void {
  if (s.file.binary) return; // a blob has no line to show; the offset says where
  const text = s.file.lineTextAt(s.start);
  const pos = s.file.positionAt(s.start);
  const endPos = s.file.positionAt(Math.max(s.start, s.end));
  const length = endPos.line === pos.line && endPos.file === pos.file ? Math.max(1, endPos.column - pos.column) : text.length - pos.column + 1;
  const shown = shownLine(text, pos.column, length);
  lines.push(`    ${toUtf8Display(shown.text)}`);
  lines.push(`    ${shown.caret}`);
  const chain = s.file.includeChainAt(s.start);
  for (let i = chain.length - 1; i >= 0; i--) lines.push(`  included from ${positionText(chain[i]!)}`);
}

export function formatDiagnostic(d: Diagnostic, options: FormatOptions = {}): string {
  const lines: string[] = [];
  const where = d.span ? positionText(d.span.file.positionAt(d.span.start)) : (d.file ?? options.noPositionName ?? "dtprobe");
  const tag = d.code && !["syntax", "lexical", "semantic"].includes(d.code) ? ` [${d.code}]` : "";
  lines.push(`${where}: ${d.severity}: ${d.message}${tag}`);
  if (d.span) renderSpan(d.span, lines);
  for (const r of d.related ?? []) {
    lines.push(`${positionText(r.span.file.positionAt(r.span.start))}: note: ${r.message}`);
    renderSpan(r.span, lines);
  }
  return lines.join("\n");
}

/** JSON shape of a diagnostic (esbuild-like): stable for reports and tools. */
export interface DiagnosticJson {
  severity: Diagnostic["severity"];
  code: string;
  message: string;
  file: string | null;
  line: number | null;
  column: number | null;
  /** Byte offset, for diagnostics on a binary input (a DTB). */
  offset: number | null;
  lineText: string | null;
  notes: { message: string; file: string; line: number; column: number }[];
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  const pos = d.span?.file.positionAt(d.span.start);
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: pos?.file ?? d.file ?? null,
    line: pos && pos.offset === undefined ? pos.line : null,
    column: pos && pos.offset === undefined ? pos.column : null,
    offset: pos?.offset ?? null,
    lineText: d.span && !d.span.file.binary ? toUtf8Display(d.span.file.lineTextAt(d.span.start)) : null,
    notes: (d.related ?? []).map((r) => {
      const p = r.span.file.positionAt(r.span.start);
      return { message: r.message, file: p.file, line: p.line, column: p.column };
    }),
  };
}
