// The report layer: the versioned JSON contract and its text rendering.
export { buildReport } from "./build.ts";
export { renderReportText, renderReportTextChunks, reportTextChunks } from "./text.ts";
export { jsonChunks } from "./json-stream.ts";
export { summarise, summaryLine, hasFindings, FINDINGS } from "./summary.ts";
export type { Finding } from "./summary.ts";
export { REPORT_VERSION } from "./types.ts";
export type { Report, ReportDevice, ReportDomain, ReportEvent, ReportGroup, ReportIommu, ReportLimit, ReportMeta, ReportError } from "./types.ts";
export { reportSchema } from "./schema.ts";
export { reportBoard, runBoard, runBoardFile, readSideFiles, resolveKernel } from "./pipeline.ts";
export type { BoardRun, BoardRunOptions, BoardSideFiles, ParsedSideFiles, ReportBoardOptions } from "./pipeline.ts";
