// The report layer: the versioned JSON contract and its text rendering.
export { buildReport } from "./build.ts";
export { renderReportText, renderReportTextChunks, reportTextChunks } from "./text.ts";
export { jsonChunks } from "./json-stream.ts";
export { summarise, summaryLine, hasFindings, FINDINGS } from "./summary.ts";
export type { Finding } from "./summary.ts";
export { REPORT_VERSION } from "./types.ts";
export type { Report, ReportDevice, ReportDomain, ReportEvent, ReportGroup, ReportIommu, ReportLimit, ReportMeta, ReportError } from "./types.ts";
export { reportSchema } from "./schema.ts";
export { deviceGraph, reportBoard, runBoard, runBoardFile, readSideFiles, resolveKernel } from "./pipeline.ts";
export type { BoardRun, BoardRunOptions, BoardSideFiles, ParsedSideFiles, ReportBoardOptions } from "./pipeline.ts";
// Pictures of a report (docs/pictures.md): DOT, SVG through Graphviz in WebAssembly, one HTML page.
export { renderReportDot } from "./dot/write.ts";
export type { DotOptions } from "./dot/write.ts";
export { renderDotToSvg, graphvizVersion, DotRenderError } from "./svg.ts";
export { renderReportHtml } from "./html/page.ts";
export type { HtmlOptions, LabelledReport } from "./html/page.ts";
export { topologyOf } from "./topology.ts";
export type { DeviceTopology, PciLink, PciRole } from "./topology.ts";
export { renderTimeline, runScenarioFile } from "./scenario-run.ts";
export type { IovaUse, ScenarioRunResult, TimelineStep } from "./scenario-run.ts";
