// Board runs for the picture tests, through the public pipeline (loadDeviceTree + runBoard), with
// the input named by its file name so that goldens do not depend on where the checkout lives.
import { basename } from "node:path";
import { loadDeviceTree } from "../../../src/compile/index.ts";
import type { Policy } from "../../../src/probe/index.ts";
import { readSideFiles, runBoard, topologyOf, type BoardRun, type LabelledReport } from "../../../src/report/index.ts";
import { DiagnosticSink } from "../../../src/source/index.ts";
import { projectDir } from "../../helpers/shared.ts";

export const kernelFixtures = `${projectDir}fixtures/kernel/`;

export interface BoardOptions {
  readonly kernel?: string;
  readonly policy?: Policy;
  readonly pci?: string;
  readonly hw?: string;
  readonly scenario?: string;
  /** --assume-drivers (the hand-written fixtures' made-up compatibles have no drivers in any table). */
  readonly assumeDrivers?: boolean;
}

export function runBoardAt(path: string, o: BoardOptions = {}): BoardRun {
  const sink = new DiagnosticSink();
  const tree = loadDeviceTree(path, { cpp: !path.endsWith(".pre.dts") }, sink);
  const side = readSideFiles({ pci: o.pci, hw: o.hw, scenario: o.scenario }, sink);
  const run = tree && side ? runBoard(tree, basename(path), { kernel: o.kernel ?? "6.1", policy: o.policy, driverTables: { assume: o.assumeDrivers }, ...side }, sink) : undefined;
  if (!run) throw new Error(`${path}: ${sink.items.map((d) => d.message).join("; ")}`);
  return run;
}

/** A hand-written fixture by stem (fixtures/kernel/STEM.dts), side files by their full names. */
export function runFixture(stem: string, o: BoardOptions = {}): BoardRun {
  const side = (f: string | undefined) => (f === undefined ? undefined : `${kernelFixtures}${f}`);
  return runBoardAt(`${kernelFixtures}${stem}.dts`, { assumeDrivers: true, ...o, pci: side(o.pci), hw: side(o.hw), scenario: side(o.scenario) });
}

export function labelled(label: string, run: BoardRun): LabelledReport {
  return { label, report: run.report, topology: topologyOf(run.graph) };
}
