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
  readonly related?: readonly RelatedSpan[];
}

/** Collects diagnostics for one run; `errorCount` decides the exit code. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  errorCount = 0;

  add(d: Diagnostic): void {
    this.items.push(d);
    if (d.severity === "error") this.errorCount++;
  }

  error(code: string, message: string, span?: Span, related?: RelatedSpan[]): void {
    this.add({ severity: "error", code, message, span, related });
  }

  warning(code: string, message: string, span?: Span, related?: RelatedSpan[]): void {
    this.add({ severity: "warning", code, message, span, related });
  }
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
