// Public API of the DTS front end: scanner + parser -> AST (./ast.ts).
import type { Diagnostic, DiagnosticSink, FileHost, SourceFile } from "../src/source/index.ts";
import type { BodyListener, DtsDocument } from "./ast.ts";
import { scanDts } from "./lexer.ts";
import { DtsParser } from "./parser.ts";

export type * from "./ast.ts";
export { decodeEscapes, BAD_HEX_ESCAPE_MESSAGE } from "./escapes.ts";
export type { DecodedEscapes } from "./escapes.ts";
export { integerLiteralProblems } from "./literals.ts";
export { MAX_EXPRESSION_DEPTH } from "./parser.ts";
export { MAX_INCLUDE_DEPTH } from "./lexer.ts";
export { binaryPrecedence, valueTokenCodes } from "./values.ts";

export interface ParseOptions {
  /** File access for /include/. */
  readonly host: FileHost;
  /** -i directories, searched after the including file's directory. */
  readonly includeDirs: readonly string[];
}

let sharedParser: DtsParser | undefined;

/** The process-wide parser (building one runs chevrotain's grammar analysis: do it once). */
function parser(): DtsParser {
  return (sharedParser ??= new DtsParser({ validate: false }));
}

/**
 * Parses one DTS buffer (following /include/). Returns undefined when a syntax/lexical/include error
 * stopped the parse; every problem is reported to `sink` (codes: "syntax", "lexical", "include").
 *
 * As in dtc, lexical errors do not stop the scan, but dtc prints them only up to the token where
 * parsing stopped; any lexical error makes the result undefined (dtc exits with status 1).
 */
export function parseDts(file: SourceFile, options: ParseOptions, sink: DiagnosticSink): DtsDocument | undefined {
  return parse(file, options, sink, undefined);
}

/**
 * parseDts that hands every node block to `listener` while it is parsed (see BodyListener), so
 * the caller can build from it without a retained AST; the document returned (same outcome and
 * diagnostics as parseDts) has empty bodies. When it returns undefined the listener's calls must
 * be discarded: they described input up to the failure.
 */
export function parseDtsStreaming(file: SourceFile, options: ParseOptions, sink: DiagnosticSink, listener: BodyListener): DtsDocument | undefined {
  return parse(file, options, sink, listener);
}

function parse(file: SourceFile, options: ParseOptions, sink: DiagnosticSink, listener: BodyListener | undefined): DtsDocument | undefined {
  const scan = scanDts(file, options);
  const outcome = parser().parseTokens(scan.tokens, listener);
  // Where dtc stopped reading tokens: at the failing token, or at the end.
  let stopIndex = scan.tokens.count - 1;
  let failure: Diagnostic | undefined;
  if (!outcome.ok) {
    stopIndex = outcome.index;
    failure = { severity: "error", code: "syntax", message: outcome.message, span: outcome.span };
  }
  // A fatal scan error sits where the End token is: reaching it means dtc died there.
  if (scan.fatal && stopIndex >= scan.fatal.index) failure = scan.fatal.diagnostic;
  let errors = 0;
  for (const e of scan.lexicalErrors) {
    if (e.index > stopIndex) break;
    sink.add(e.diagnostic);
    errors++;
  }
  if (failure) {
    sink.add(failure);
    return undefined;
  }
  return errors > 0 || !outcome.ok ? undefined : outcome.document;
}
