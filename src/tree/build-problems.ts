// How the tree builder reports what dtc's parser actions and lexer report while parsing: lexical
// and semantic errors let the build continue (dtc keeps parsing and fails at the end), fatal ones
// (dtc's die(): a `\x` escape without digits, an /incbin/ file that cannot be opened) stop it.
import type { DiagnosticSink, SourceFile, Span } from "../source/index.ts";

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
  /**
   * Errors this build reported that a later report may repeat, by message and start offset (with
   * their files): a set, not a scan of the sink, so many errors cost linear time.
   */
  private readonly reported = new Map<string, (SourceFile | undefined)[]>();

  constructor(private readonly sink: DiagnosticSink) {}

  /**
   * dtc reports lexical errors while lexing; the parser may already have reported this very one
   * (same message, same place), in which case it is counted but not repeated.
   */
  lexical(message: string, span: Span | undefined): void {
    this.errors++;
    if (this.firstReport(message, span)) this.sink.error("lexical", message, span);
  }

  /** Records the error; false when this build reported it (same message, same place) before. */
  private firstReport(message: string, span: Span | undefined): boolean {
    const key = `${span?.start ?? -1}\0${message}`;
    const files = this.reported.get(key);
    if (files === undefined) {
      this.reported.set(key, [span?.file]);
      return true;
    }
    if (files.includes(span?.file)) return false;
    files.push(span?.file);
    return true;
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
    if (this.firstReport(message, span)) this.sink.error(code, message, span);
    throw new BuildAborted();
  }
}
