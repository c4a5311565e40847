// Shared helpers for the preprocessor tests: run our preprocessor on in-memory files, run the
// real cpp on the same files (in a temporary directory), and compare token streams with
// whitespace runs collapsed (cpp and we may lay lines out differently; what must agree is the
// tokens and where whitespace separates them).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { DiagnosticSink, SourceFile, memoryFileHost } from "../../src/source/index.ts";
import type { Diagnostic, SourceFile as SourceFileType } from "../../src/source/index.ts";
import { preprocess } from "../../src/preprocess/index.ts";
import type { Define } from "../../src/preprocess/index.ts";

export interface CaseInput {
  /** File name -> content; the entry is `main.S` unless `entry` says otherwise. */
  readonly files: Record<string, string>;
  readonly entry?: string;
  readonly includeDirs?: readonly string[];
  readonly defines?: readonly Define[];
  readonly undefines?: readonly string[];
}

export interface OurResult {
  readonly out: SourceFileType | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly text: string | undefined;
}

export function runOurs(c: CaseInput): OurResult {
  const entry = c.entry ?? "main.S";
  const sink = new DiagnosticSink();
  const out = preprocess(
    new SourceFile(entry, c.files[entry]!),
    { host: memoryFileHost(c.files), includeDirs: c.includeDirs ?? [], defines: c.defines ?? [], undefines: c.undefines ?? [] },
    sink,
  );
  return { out, diagnostics: sink.items, text: out?.text };
}

/** Whitespace runs (including line breaks) collapsed to one space, ends trimmed. */
export function normalize(text: string): string {
  return text.replace(/[ \t\n\r\f\v]+/g, " ").trim();
}

export const cppAvailable = spawnSync("cpp", ["--version"], { encoding: "latin1" }).status === 0;
export const dtcAvailable = spawnSync("dtc", ["--version"], { encoding: "latin1" }).status === 0;

/** Runs `cpp -nostdinc -undef -x assembler-with-cpp -P` on the case; stdout and success. */
export function runCpp(c: CaseInput): { ok: boolean; text: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-cpp-"));
  try {
    for (const [name, content] of Object.entries(c.files)) {
      const path = join(dir, name);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, Buffer.from(content, "latin1"));
    }
    const args = ["-nostdinc", "-undef", "-x", "assembler-with-cpp", "-P"];
    for (const d of c.includeDirs ?? []) args.push("-I", d);
    for (const d of c.defines ?? []) args.push(d.value === undefined ? `-D${d.name}` : `-D${d.name}=${d.value}`);
    for (const u of c.undefines ?? []) args.push(`-U${u}`);
    args.push(c.entry ?? "main.S");
    const r = spawnSync("cpp", args, { cwd: dir, encoding: "latin1" });
    return { ok: r.status === 0, text: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `message` of the diagnostics, with `file:line:col: ` in front when they have a position. */
export function diagnosticLines(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => {
    if (!d.span) return `${d.severity}: ${d.message}`;
    const p = d.span.file.positionAt(d.span.start);
    return `${p.file}:${p.line}:${p.column}: ${d.severity}: ${d.message}`;
  });
}
