// dtprobe as a library: each layer's small typed API, in the order data flows through them.
// (The CLI in src/cli is a thin shell over exactly these.)
export { SourceFile, DiagnosticSink, FatalInputError, nodeFileHost, memoryFileHost, rootedFileHost, formatDiagnostic, diagnosticToJson } from "./source/index.ts";
export type { Diagnostic, DiagnosticJson, FileHost, Position, Span } from "./source/index.ts";
export { preprocess } from "./preprocess/index.ts";
export type { Define, PreprocessOptions } from "./preprocess/index.ts";
export { parseDts } from "../grammar/index.ts";
// The scanner alone (dtc's flex lexer), for tools and the benchmark's lexing row.
export { scanDts as lexDts } from "../grammar/lexer.ts";
export type { DtsDocument, ParseOptions } from "../grammar/index.ts";
export {
  buildTree,
  parseAndBuildTree,
  findNodeByLabel,
  findNodeByPath,
  findNodeByPhandle,
  findNodeByRef,
  generateAliasesFromLabels,
  generateFixups,
  generateSymbols,
  guessBootCpuId,
  sortTree,
} from "./tree/index.ts";
export { DeviceTree, DtNode, DtProperty, PropertyValue } from "./tree/model.ts";
// The OF helpers (`accessors` is their former name, kept for library users).
export * as of from "./of/index.ts";
export * as accessors from "./of/index.ts";
export { runChecks, checkNames, validateCheckName } from "./checks/index.ts";
export type { ChecksOptions, CheckOverride } from "./checks/index.ts";
export { readDtb, writeDtb, writeDts } from "./fdt/index.ts";
export type { DtbWriteOptions, DtsWriteOptions } from "./fdt/index.ts";
export { compile, compileTree, loadDeviceTree, defaultCompileOptions } from "./compile/index.ts";
export type { CompileOptions, CompileOutcome, LoadOptions } from "./compile/index.ts";
export { KERNEL_CHANGES, kernelFeatures, atLeast } from "./kernel/index.ts";
export type { FeatureFlag, KernelChange, KernelFeatures, KernelVersion } from "./kernel/index.ts";
export { buildDeviceGraph, parsePciTopology } from "./graph/index.ts";
export type { Device, DeviceGraph, DmaFacts, PciTopology } from "./graph/index.ts";
export { IOMMU_DRIVERS, parseHwOverrides } from "./iommu/index.ts";
export type { HwOverrides, IommuCaps, IommuDriver, IommuDriverEntry, IommuMatch } from "./iommu/index.ts";
export { bootKernel, CLIENT_DRIVERS, childPopulatingDriver, childRegisteringDriver, probeResult, runProbe, runScenario, parseKernelVersion, DEFAULT_KERNEL } from "./probe/index.ts";
export type { ClientDriver, Kernel, KernelEra, Policy, ProbeOptions, ProbeResult } from "./probe/index.ts";
export { buildReport, renderReportText, renderReportTextChunks, REPORT_VERSION } from "./report/index.ts";
export { deviceGraph, reportBoard, runBoard, runBoardFile, readSideFiles } from "./report/index.ts";
export type { Report, BoardRun, BoardRunOptions, ReportBoardOptions } from "./report/index.ts";
// Scenario files that name their board (`dtprobe run`): the report, the timeline, the expectations.
export { runScenarioFile, renderTimeline } from "./report/index.ts";
export type { ScenarioRunResult, TimelineStep, IovaUse } from "./report/index.ts";
export { renderReportDot, renderDotToSvg, renderReportHtml, topologyOf, graphvizVersion } from "./report/index.ts";
export type { DotOptions, HtmlOptions, LabelledReport, DeviceTopology } from "./report/index.ts";
export { generateBoard, generateSiblings, generateDeepNesting } from "./gen/index.ts";
