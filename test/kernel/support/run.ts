// Shared test plumbing: load a tree (DTB, or DTS through the built-in preprocessor), run it through
// the one pipeline every front door uses (runBoard: graph, boot, scenario, report).
import { existsSync, readFileSync } from "node:fs";
import { parsePciTopology, type PciTopology } from "../../../src/graph/index.ts";
import { parseHwOverrides, type HwOverrides } from "../../../src/iommu/index.ts";
import { parseScenario, type Policy, type ProbeResult } from "../../../src/probe/index.ts";
import { runBoard, type Report } from "../../../src/report/index.ts";
import { DiagnosticSink } from "../../../src/source/index.ts";
import type { DeviceTree } from "../../../src/tree/model.ts";
import { loadDeviceTree } from "../../../src/compile/index.ts";

export const sharedDir = new URL("../../../../shared/", import.meta.url).pathname;
export const sharedPresent = existsSync(sharedDir);
export const projectDir = new URL("../../../", import.meta.url).pathname;

/** The project's own front end: DTB by magic, DTS through the built-in preprocessor (not for .pre.dts). */
export function loadTree(path: string): DeviceTree {
  const sink = new DiagnosticSink();
  const tree = loadDeviceTree(path, { cpp: !path.endsWith(".pre.dts") }, sink);
  if (!tree) throw new Error(`${path}: ${sink.items.map((d) => d.message).join("; ")}`);
  return tree;
}

export interface RunOptions {
  kernel?: string;
  policy?: Policy;
  bootargs?: string;
  pciFile?: string;
  hwFile?: string;
  scenarioFile?: string;
  input?: string;
  /**
   * Hand-written fixtures with made-up compatibles run with dtprobe's assumption that every device
   * has a driver (--assume-drivers); real boards use the shipped driver tables (the default).
   */
  assumeDrivers?: boolean;
}

export function runModel(tree: DeviceTree, o: RunOptions = {}): { result: ProbeResult; report: Report } {
  const sink = new DiagnosticSink();
  let pci: PciTopology | undefined;
  let hw: HwOverrides | undefined;
  if (o.pciFile) pci = parsePciTopology(readFileSync(o.pciFile, "latin1"), o.pciFile, sink);
  if (o.hwFile) hw = parseHwOverrides(readFileSync(o.hwFile, "latin1"), o.hwFile, sink);
  const scenario = o.scenarioFile ? parseScenario(readFileSync(o.scenarioFile, "latin1"), o.scenarioFile.split("/").pop()!, sink) : undefined;
  if (sink.errorCount > 0) throw new Error(sink.items.map((d) => d.message).join("\n"));
  const run = runBoard(tree, o.input, { kernel: o.kernel ?? "6.1", policy: o.policy, bootargs: o.bootargs, pci, hw, scenario, driverTables: { assume: o.assumeDrivers } }, sink);
  if (!run) throw new Error(sink.items.map((d) => d.message).join("\n"));
  return { result: run.result, report: run.report };
}

/**
 * A hand-written fixture of fixtures/kernel run through the pipeline: its report. Drivers are
 * assumed (--assume-drivers), as for every hand-written fixture: their boards model drivers and
 * configurations of their own, not Debian's.
 */
export function runFixture(name: string, o: RunOptions = {}): Report {
  return runModel(loadTree(`${projectDir}fixtures/kernel/${name}.dts`), { input: `${name}.dts`, assumeDrivers: true, ...o }).report;
}
