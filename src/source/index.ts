export { SourceFile, span, joinSpans, dtcPositionText } from "./source-file.ts";
export type { Position, Span, OriginMap } from "./source-file.ts";
export { DiagnosticSink, FatalInputError } from "./diagnostic.ts";
export type { Diagnostic, Severity, RelatedSpan } from "./diagnostic.ts";
export { formatDiagnostic, diagnosticToJson } from "./format.ts";
export type { DiagnosticJson, FormatOptions } from "./format.ts";
export { nodeFileHost, memoryFileHost, findIncludeFile, rootedFileHost } from "./host.ts";
export type { FileHost } from "./host.ts";
export { MAX_INPUT_BYTES, inputTooLargeMessage } from "./limits.ts";
