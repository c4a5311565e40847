// Diagnostics are data: a stable code (dtc's check name, or a front-end code such as "syntax"),
// a severity, a message and where. Rendering to text or JSON happens in ./format.ts.
import type { Span } from "./source-file.ts";

export type Severity = "error" | "warning" | "note";

export interface RelatedSpan {
  readonly message: string;
  readonly span: Span;
}

export interface Diagnostic {
  readonly severity: Severity;
  /** Stable identity: dtc check name (`duplicate_node_names`), or `syntax`, `lexical`, `include`, ... */
  readonly code: string;
  readonly message: string;
  /** Undefined for messages with no position (dtc prints the output name instead). */
  readonly span?: Span;
  /**
   * For a message about a whole file rather than a place in it (an input that cannot be read):
   * the file it is about, printed where a position would be (`missing.dts: error: ...`).
   */
  readonly file?: string;
  readonly related?: readonly RelatedSpan[];
}

/**
 * Diagnostics shown by one run when nothing else is said. Real kernel boards give a few hundred
 * at most (the u-boot tree's worst board under dtc's default checks: see docs/robustness.md);
 * hostile input can give millions (dtc reports every pair of 30,000 duplicate properties: 450
 * million lines). Past the limit diagnostics are counted, not kept or shown.
 */
export const DEFAULT_DIAGNOSTIC_LIMIT = 1000;

export interface DiagnosticSinkOptions {
  /** Receives each shown diagnostic as it is reported (a command streams them to standard error). */
  readonly onDiagnostic?: (d: Diagnostic) => void;
  /** Keep the shown diagnostics in `items` (default true; a streaming command keeps none). */
  readonly keep?: boolean;
  /** Which severities are shown (default all); the others are only counted (`-q` hides warnings). */
  readonly shows?: (severity: Severity) => boolean;
  /** Most diagnostics shown; later ones are only counted (default DEFAULT_DIAGNOSTIC_LIMIT; Infinity for none). */
  readonly limit?: number;
}

const SHOW_ALL = (): boolean => true;

/** Collects diagnostics for one run; `errorCount` decides the exit code. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  /** Every error and warning reported, shown or not. */
  errorCount = 0;
  warningCount = 0;
  /** Diagnostics of a shown severity that came after the limit: counted only. */
  unshownErrors = 0;
  unshownWarnings = 0;
  private shown = 0;
  private readonly listener: ((d: Diagnostic) => void) | undefined;
  private readonly keep: boolean;
  private readonly showsSeverity: (severity: Severity) => boolean;
  readonly limit: number;

  constructor(options: DiagnosticSinkOptions = {}) {
    this.listener = options.onDiagnostic;
    this.keep = options.keep ?? true;
    this.showsSeverity = options.shows ?? SHOW_ALL;
    this.limit = options.limit ?? DEFAULT_DIAGNOSTIC_LIMIT;
  }

  /** True once the limit is reached: further diagnostics of a shown severity are only counted. */
  get full(): boolean {
    return this.shown >= this.limit;
  }

  /** Whether a diagnostic of this severity would be shown now (not hidden, limit not reached). */
  wouldShow(severity: Severity): boolean {
    return this.showsSeverity(severity) && this.shown < this.limit;
  }

  add(d: Diagnostic): void {
    this.count(d.severity, 1);
    if (!this.showsSeverity(d.severity)) return;
    if (this.shown >= this.limit) {
      this.countUnshown(d.severity, 1);
      return;
    }
    this.shown++;
    if (this.keep) this.items.push(d);
    this.listener?.(d);
  }

  /**
   * `count` diagnostics equal to `d`, reported one after another (dtc's pairwise checks repeat a
   * message once per later duplicate). Those past the limit are counted in one step, so a
   * quadratic number of messages costs linear work.
   */
  addRepeated(d: Diagnostic, count: number): void {
    let left = count;
    while (left > 0 && this.wouldShow(d.severity)) {
      this.add(d);
      left--;
    }
    if (left > 0) this.countOnly(d.severity, left);
  }

  /**
   * Reports what another sink kept, then counts what it only counted (a stage that holds its
   * diagnostics back until it knows they stand: see src/tree/stream-build.ts).
   */
  absorb(other: DiagnosticSink): void {
    for (const d of other.items) this.add(d);
    const errors = other.unshownErrors;
    const warnings = other.unshownWarnings;
    if (errors > 0) this.countOnly("error", errors);
    if (warnings > 0) this.countOnly("warning", warnings);
  }

  /** `n` diagnostics of this severity that are counted but neither kept nor shown. */
  countOnly(severity: Severity, n: number): void {
    this.count(severity, n);
    if (this.showsSeverity(severity)) this.countUnshown(severity, n);
  }

  error(code: string, message: string, span?: Span, related?: RelatedSpan[]): void {
    this.add({ severity: "error", code, message, span, related });
  }

  warning(code: string, message: string, span?: Span, related?: RelatedSpan[]): void {
    this.add({ severity: "warning", code, message, span, related });
  }

  /** An error about a whole file (it cannot be opened or read), named where a position would be. */
  fileError(code: string, file: string, message: string): void {
    this.add({ severity: "error", code, message, file });
  }

  private count(severity: Severity, n: number): void {
    if (severity === "error") this.errorCount += n;
    else if (severity === "warning") this.warningCount += n;
  }

  private countUnshown(severity: Severity, n: number): void {
    if (severity === "error") this.unshownErrors += n;
    else if (severity === "warning") this.unshownWarnings += n;
  }
}

/**
 * The note a command prints after the shown diagnostics when the limit cut some off, or
 * undefined when none were.
 */
export function unshownNote(sink: DiagnosticSink): string | undefined {
  const parts: string[] = [];
  const plural = (n: number, word: string) => `${n.toLocaleString("en")} more ${word}${n === 1 ? "" : "s"}`;
  if (sink.unshownErrors > 0) parts.push(plural(sink.unshownErrors, "error"));
  if (sink.unshownWarnings > 0) parts.push(plural(sink.unshownWarnings, "warning"));
  if (parts.length === 0) return undefined;
  return `too many diagnostics: ${parts.join(" and ")} not shown (the first ${sink.limit.toLocaleString("en")} are)`;
}

/**
 * Thrown to stop a layer at an error it cannot continue from (a syntax error, an unreadable
 * include). The diagnostic is already in the sink when this is thrown; callers catch it at
 * the layer boundary and never let it reach the user as a stack trace.
 */
export class FatalInputError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message);
    this.name = "FatalInputError";
  }
}
