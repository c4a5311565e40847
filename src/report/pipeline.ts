// The one pipeline every front door uses (CLI, tests, bench, library users): board file ->
// device tree -> device graph -> emulated boot (and scenario) -> report. Each stage reports into
// one DiagnosticSink; a stage that cannot continue returns undefined and leaves its errors there.
import { readFileSync } from "node:fs";
import { loadDeviceTree, type LoadOptions } from "../compile/index.ts";
import { buildDeviceGraph, parsePciTopology, reportGraphNotes, type DeviceGraph, type DeviceTree, type PciTopology } from "../graph/index.ts";
import { parseHwOverrides, type HwOverrides } from "../iommu/index.ts";
import {
  bootKernel,
  checkScenario,
  childPopulatingDriver,
  childRegisteringDriver,
  DEFAULT_KERNEL,
  KERNEL_RANGE,
  parseKernelVersion,
  parseScenario,
  probeResult,
  runScenario,
  type DriverCatalog,
  type DriverTableRequest,
  type KernelEra,
  type Policy,
  type ProbeResult,
  type Scenario,
} from "../probe/index.ts";
import type { DiagnosticSink } from "../source/index.ts";
import { buildReport } from "./build.ts";
import type { Report } from "./types.ts";

/** How the emulated kernel runs: everything `dtprobe report` takes besides the board itself. */
export interface BoardRunOptions {
  /** A version such as "6.1", or a parsed one; default DEFAULT_KERNEL. */
  readonly kernel?: string | KernelEra;
  /** Absent: the kernel's own policy for the board's architecture. */
  readonly policy?: Policy;
  /** Overrides /chosen/bootargs. */
  readonly bootargs?: string;
  readonly pci?: PciTopology;
  readonly hw?: HwOverrides;
  readonly scenario?: Scenario;
  /**
   * Which drivers the kernel has (driverCatalogFor, driverCatalogForSource, DriverCatalog.assumed).
   * Absent: the shipped driver table of the version with Debian's configuration for the board.
   */
  readonly drivers?: DriverCatalog;
  /** Without `drivers`: --assume-drivers, or --kconfig FILE over the shipped table. */
  readonly driverTables?: DriverTableRequest;
}

export interface ReportBoardOptions extends BoardRunOptions, LoadOptions {}

/** Every stage's product, for callers that need more than the report (compare, diff, tests). */
export interface BoardRun {
  readonly tree: DeviceTree;
  readonly graph: DeviceGraph;
  readonly result: ProbeResult;
  readonly report: Report;
}

/** The side files a board run may take, by path (what `--pci`, `--hw`, `--scenario` name). */
export interface BoardSideFiles {
  readonly pci?: string;
  readonly hw?: string;
  readonly scenario?: string;
}

export interface ParsedSideFiles {
  readonly pci?: PciTopology;
  readonly hw?: HwOverrides;
  readonly scenario?: Scenario;
}

function readText(path: string, sink: DiagnosticSink): string | undefined {
  try {
    return readFileSync(path, "latin1");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    sink.error("io", `Couldn't open "${path}": ${code === "ENOENT" ? "No such file or directory" : (e as Error).message}`);
    return undefined;
  }
}

/** Reads and validates the side files; undefined when any of them had an error (in the sink). */
export function readSideFiles(files: BoardSideFiles, sink: DiagnosticSink): ParsedSideFiles | undefined {
  const before = sink.errorCount;
  const parse = <T>(path: string | undefined, parser: (text: string, name: string, sink: DiagnosticSink) => T | undefined): T | undefined => {
    if (path === undefined) return undefined;
    const text = readText(path, sink);
    return text === undefined ? undefined : parser(text, path, sink);
  };
  const pci = parse(files.pci, parsePciTopology);
  const hw = parse(files.hw, parseHwOverrides);
  const scenario = parse(files.scenario, parseScenario);
  if (sink.errorCount > before) return undefined;
  return { pci, hw, scenario };
}

/** "6.1" or a parsed version -> the era; an unknown version is an error in the sink. */
export function resolveKernel(kernel: string | KernelEra | undefined, sink: DiagnosticSink): KernelEra | undefined {
  if (kernel !== undefined && typeof kernel !== "string") return kernel;
  const text = kernel ?? DEFAULT_KERNEL;
  const era = parseKernelVersion(text);
  if (!era) sink.error("options", `invalid kernel version '${text}' (${KERNEL_RANGE.oldest} to ${KERNEL_RANGE.newest}, such as 6.1 or 6.15)`);
  return era;
}

/** The devices the kernel creates for a tree: the device graph with the modelled drivers' children. */
export function deviceGraph(tree: DeviceTree, pci: PciTopology | undefined, kernel?: KernelEra): DeviceGraph {
  return buildDeviceGraph(tree, { pci, populatingDriver: childPopulatingDriver, registeringDriver: childRegisteringDriver, kernel: kernel?.version });
}

/**
 * Runs the emulated kernel on an already loaded tree (so one load can serve several runs:
 * compare, batch): the device graph, boot, the scenario after boot, the report. `input` names
 * the board in the report (undefined: the report names none).
 */
export function runBoard(tree: DeviceTree, input: string | undefined, options: BoardRunOptions, sink: DiagnosticSink): BoardRun | undefined {
  const kernel = resolveKernel(options.kernel, sink);
  if (!kernel) return undefined;
  const graph = deviceGraph(tree, options.pci, kernel);
  reportGraphNotes(graph, sink);
  if (options.scenario && !checkScenario(options.scenario, graph, sink)) return undefined;
  const booted = bootKernel(graph, { kernel, policy: options.policy, bootargs: options.bootargs, hw: options.hw, drivers: options.drivers, driverTables: options.driverTables, modules: options.scenario?.modules });
  const scenario = options.scenario ? runScenario(booted, options.scenario) : undefined;
  const result = probeResult(booted, scenario);
  const report = buildReport(result, { input, diagnostics: sink.items });
  return { tree, graph, result, report };
}

/** Loads a board file (DTS, preprocessed by default, or DTB) and runs it: every stage's product. */
export function runBoardFile(input: string, options: ReportBoardOptions, sink: DiagnosticSink): BoardRun | undefined {
  const tree = loadDeviceTree(input, options, sink);
  if (!tree || sink.errorCount > 0) return undefined;
  return runBoard(tree, input, options, sink);
}

/** `import { reportBoard } from "dtprobe"`: a board file to its attachment report. */
export function reportBoard(input: string, options: ReportBoardOptions, sink: DiagnosticSink): Report | undefined {
  return runBoardFile(input, options, sink)?.report;
}
