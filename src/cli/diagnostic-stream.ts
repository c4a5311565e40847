// Diagnostics streamed to standard error as they are reported, as dtc prints them: nothing is
// held back, so a run that reports millions of problems shows the first ones at once and uses no
// memory for them. Past the limit they are counted, and one note at the end says how many.
import { writeStderr } from "./stdio.ts";
import { DEFAULT_DIAGNOSTIC_LIMIT, DiagnosticSink, formatDiagnostic, unshownNote, type Severity } from "../source/index.ts";

export interface StreamOptions {
  /** -q count: 1 hides warnings, 3 errors too (the checks themselves hide errors at 2). */
  readonly quiet: number;
  /** Printed where a diagnostic has no position (dtc prints the output file's name). */
  readonly outputName: string;
  readonly limit?: number;
}

/** A sink that prints each shown diagnostic to standard error when it is reported. */
export function stderrSink(options: StreamOptions): DiagnosticSink {
  const shows = (severity: Severity): boolean => (severity === "warning" ? options.quiet < 1 : severity === "error" ? options.quiet < 3 : true);
  return new DiagnosticSink({
    keep: false,
    shows,
    limit: options.limit ?? DEFAULT_DIAGNOSTIC_LIMIT,
    onDiagnostic: (d) => writeStderr(formatDiagnostic(d, { noPositionName: options.outputName }) + "\n"),
  });
}

/** The closing note when the limit cut diagnostics off. */
export function finishStream(sink: DiagnosticSink): void {
  const note = unshownNote(sink);
  if (note !== undefined) writeStderr(`dtprobe: note: ${note}\n`);
}
