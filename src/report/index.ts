// The report layer: the versioned JSON contract and its text rendering.
export { buildReport } from "./build.ts";
export { renderReportText, renderReportTextChunks } from "./text.ts";
export { REPORT_VERSION } from "./types.ts";
export type { Report, ReportDevice, ReportDomain, ReportEvent, ReportGroup, ReportIommu, ReportLimit, ReportMeta, ReportError } from "./types.ts";
export { reportSchema } from "./schema.ts";
export { deviceGraph, reportBoard, runBoard, runBoardFile, readSideFiles, resolveKernel } from "./pipeline.ts";
export type { BoardRun, BoardRunOptions, BoardSideFiles, ParsedSideFiles, ReportBoardOptions } from "./pipeline.ts";
