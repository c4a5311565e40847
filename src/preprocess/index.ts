// The built-in C preprocessor: the subset of `cpp -nostdinc -undef -x assembler-with-cpp` that
// Linux device-tree sources use, so raw kernel boards compile without an external cpp.
import { FatalInputError, SourceFile } from "../source/index.ts";
import type { DiagnosticSink, FileHost } from "../source/index.ts";
import { Engine } from "./engine.ts";
import { FileState } from "./file-state.ts";
import type { IncludeMemo } from "./include-memo.ts";
import { normalizeIncludeDir } from "./include-path.ts";

export interface Define {
  readonly name: string;
  readonly value?: string;
}

export interface PreprocessOptions {
  readonly host: FileHost;
  /** `-I` directories, searched in order. */
  readonly includeDirs: readonly string[];
  /** `-D NAME` / `-D NAME=VAL`, applied in order. */
  readonly defines: readonly Define[];
  /** `-U NAME`, applied after the defines. */
  readonly undefines: readonly string[];
  /**
   * Shared by the runs of many boards (`dtprobe batch`): includes met before are replayed from it
   * when the state they read is the same (src/preprocess/include-memo.ts).
   */
  readonly includeMemo?: IncludeMemo;
}

/** What `cpp -undef -x assembler-with-cpp` still predefines. */
const PREDEFINED = ["__STDC__ 1", "__STDC_HOSTED__ 1", "__ASSEMBLER__ 1"];

export { IncludeMemo } from "./include-memo.ts";
export { MAX_ARGUMENT_TOKENS, MAX_EXPANDED_TOKENS, MAX_EXPANSION_DEPTH, MAX_FILE_BYTES, MAX_INCLUDE_DEPTH, MAX_INCLUDED_FILES, MAX_LINE_BYTES, MAX_OUTPUT_BYTES } from "./limits.ts";

/** The text of the command-line buffer: predefined macros, then -D, then -U. */
function commandLineText(options: PreprocessOptions): string {
  const lines = PREDEFINED.map((d) => `#define ${d}`);
  for (const d of options.defines) {
    if (d.value === undefined) {
      // `-D NAME=VAL` may arrive unsplit; cpp turns the first `=` into a space.
      const eq = d.name.indexOf("=");
      lines.push(eq < 0 ? `#define ${d.name} 1` : `#define ${d.name.slice(0, eq)} ${d.name.slice(eq + 1)}`);
    } else lines.push(`#define ${d.name} ${d.value}`);
  }
  for (const u of options.undefines) lines.push(`#undef ${u}`);
  // A value cannot continue onto another line (cpp cuts it at the first newline).
  return lines.map((l) => l.split(/\r?\n/, 1)[0]!).join("\n") + "\n";
}

/**
 * Preprocesses `entry`; returns a new SourceFile whose text is the output and whose `origin` maps
 * every output offset to the true origin file:line:col (tokens produced by a macro expansion map
 * to the macro invocation in the source), with the include chain. Errors go to sink with code
 * "preprocess" (and "include" for missing includes: `FILE: No such file or directory` like cpp);
 * returns undefined if any error occurred.
 */
export function preprocess(entry: SourceFile, options: PreprocessOptions, sink: DiagnosticSink): SourceFile | undefined {
  const errorsBefore = sink.errorCount;
  const slash = entry.name.lastIndexOf("/");
  const main = new FileState(entry.name, slash < 0 ? "" : entry.name.slice(0, slash), entry.text, null, -1, entry.includedFrom);
  const engine = new Engine({ host: options.host, includeDirs: options.includeDirs.map(normalizeIncludeDir), includeMemo: options.includeMemo }, sink, main);
  try {
    engine.runDirectivesOnly(new FileState("<command-line>", "", commandLineText(options), null, -1));
    const text = engine.run();
    if (sink.errorCount > errorsBefore) return undefined;
    return new SourceFile(entry.name, text, entry.includedFrom, engine.printer.origin.build());
  } catch (err) {
    if (err instanceof FatalInputError) return undefined;
    throw err;
  }
}
