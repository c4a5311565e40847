// How the tree builder reports what dtc's parser actions and lexer report while parsing: lexical
// and semantic errors let the build continue (dtc keeps parsing and fails at the end), fatal ones
// (dtc's die(): a `\x` escape without digits, an /incbin/ file that cannot be opened) stop it.
import type { DiagnosticSink, Span } from "../source/index.ts";

/** Thrown to abandon the build after a fatal problem has been reported. */
export class BuildAborted extends Error {
  constructor() {
    super("tree build aborted");
    this.name = "BuildAborted";
  }
}

export class BuildProblems {
  /** Errors reported by this build (the sink may hold others from earlier stages). */
  errors = 0;

  constructor(private readonly sink: DiagnosticSink) {}

  /**
   * dtc reports lexical errors while lexing; the parser may already have reported this very one
   * (same message, same place), in which case it is counted but not repeated.
   */
  lexical(message: string, span: Span | undefined): void {
    this.errors++;
    if (!this.alreadyReported(message, span)) this.sink.error("lexical", message, span);
  }

  private alreadyReported(message: string, span: Span | undefined): boolean {
    for (const d of this.sink.items) {
      if (d.severity === "error" && d.message === message && d.span?.file === span?.file && d.span?.start === span?.start) return true;
    }
    return false;
  }

  semantic(message: string, span: Span | undefined): void {
    this.errors++;
    this.sink.error("semantic", message, span);
  }

  /** dtc 1.8.1's `WARNING: <pos>: ...` (value truncation). */
  warning(message: string, span: Span | undefined): void {
    this.sink.warning("semantic", message, span);
  }

  fatal(code: string, message: string, span: Span | undefined): never {
    this.errors++;
    if (!this.alreadyReported(message, span)) this.sink.error(code, message, span);
    throw new BuildAborted();
  }
}
