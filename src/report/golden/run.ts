// Runs one golden case through the pipeline (reportBoard, readSideFiles) and compares its report
// with the goldens beside it, or writes them (--update). Text goldens are the text report, JSON
// goldens the report with one-space indentation, as the project's own fixtures keep them.
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rootedFileHost, DiagnosticSink, type Diagnostic } from "../../source/index.ts";
import type { Define } from "../../preprocess/index.ts";
import type { Scenario } from "../../probe/index.ts";
import { readSideFiles, reportBoard } from "../pipeline.ts";
import { renderReportText } from "../text.ts";
import type { Report } from "../types.ts";
import { checkRunInputs, loadScenarioFile, toProbeScenario } from "../scenario-file.ts";
import type { GoldenCase } from "./cases.ts";
import { goldenDiff } from "./diff.ts";

export type GoldenStatus = "pass" | "fail" | "updated" | "error";

export interface GoldenResult {
  readonly case: GoldenCase;
  readonly status: GoldenStatus;
  /** "fail": one unified diff per golden that differs (or is missing). */
  readonly diffs: readonly string[];
  /** "error": why the case could not run; else the run's warnings. */
  readonly diagnostics: readonly Diagnostic[];
  /** Goldens written (--update). */
  readonly written: readonly string[];
}

export interface RenderedGoldens {
  readonly text: string;
  readonly json: string;
}

export function renderGoldens(report: Report): RenderedGoldens {
  return { text: renderReportText(report), json: JSON.stringify(report, null, 1) + "\n" };
}

const defineOf = (text: string): Define => {
  const eq = text.indexOf("=");
  return eq < 0 ? { name: text } : { name: text.slice(0, eq), value: text.slice(eq + 1) };
};

/** The case's report, or undefined with the reasons in `sink`. */
export function runGoldenCase(c: GoldenCase, sink: DiagnosticSink): Report | undefined {
  if (c.problems) {
    for (const d of c.problems) sink.add(d);
    return undefined;
  }
  const o = c.options ?? {};
  const at = (p: string | undefined) => (p === undefined ? undefined : join(c.dir, p));
  let pciFile = at(o.pci);
  let hwFile = at(o.hw);
  let scenario: Scenario | undefined;
  if (c.scenario) {
    if (!checkRunInputs(c.scenario, sink)) return undefined;
    pciFile = c.scenario.inputs.pci?.path;
    hwFile = c.scenario.inputs.hw?.path;
    scenario = { ...toProbeScenario(c.scenario), file: c.definedBy! };
  } else if (o.scenario !== undefined) {
    const sf = loadScenarioFile(join(c.dir, o.scenario), sink);
    if (!sf) return undefined;
    if (sf.inputs.board || sf.inputs.kernel || sf.inputs.policy || sf.inputs.bootargs || sf.inputs.pci || sf.inputs.hw || sf.inputs.kconfig || sf.inputs.modules.length > 0) {
      sink.error("board-options", `${join(c.dir, o.scenario)} names its own inputs: make it a case of its own, or keep only its steps`, sf.spans[0]?.step);
      return undefined;
    }
    scenario = { ...toProbeScenario(sf), file: o.scenario };
  }
  const side = readSideFiles({ pci: pciFile, hw: hwFile }, sink);
  if (!side) return undefined;
  const kernel = c.scenario?.inputs.kernel ?? o.kernel;
  const policy = c.scenario?.inputs.policy ?? o.policy;
  const bootargs = c.scenario?.inputs.bootargs ?? o.bootargs;
  // Paths inside the board (includes) and the name the report shows are relative to the case.
  return reportBoard(
    c.board,
    {
      host: rootedFileHost(c.dir),
      cpp: o.cpp ?? !c.board.endsWith(".pre.dts"),
      includeDirs: o.include ?? [],
      defines: [{ name: "__DTS__" }, ...(o.define ?? []).map(defineOf)],
      ...(kernel !== undefined ? { kernel } : {}),
      ...(policy !== undefined ? { policy } : {}),
      ...(bootargs !== undefined ? { bootargs } : {}),
      ...side,
      ...(scenario ? { scenario } : {}),
    },
    sink,
  );
}

function readGolden(path: string): string | undefined {
  return existsSync(path) ? readFileSync(path, "utf8") : undefined;
}

/** Writes through a temporary file and a rename, so a golden is never half written. */
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, "utf8");
  renameSync(tmp, path);
}

/** Runs a case and compares (or, with `update`, rewrites) its two goldens. */
export function checkGoldenCase(c: GoldenCase, update: boolean): GoldenResult {
  const sink = new DiagnosticSink();
  const report = runGoldenCase(c, sink);
  if (!report || sink.errorCount > 0) return { case: c, status: "error", diffs: [], diagnostics: sink.items, written: [] };
  const now = renderGoldens(report);
  const diffs: string[] = [];
  const written: string[] = [];
  for (const [path, text, label] of [
    [c.goldenText, now.text, `${c.name}.report.txt`],
    [c.goldenJson, now.json, `${c.name}.report.json`],
  ] as const) {
    const golden = readGolden(path);
    if (golden === text) continue;
    if (update) {
      writeAtomically(path, text);
      written.push(path);
    } else diffs.push(golden === undefined ? `${label}: no golden yet (dtprobe test --update writes it)\n` : goldenDiff(label, golden, text));
  }
  const status: GoldenStatus = diffs.length > 0 ? "fail" : written.length > 0 ? "updated" : "pass";
  return { case: c, status, diffs, diagnostics: sink.items, written };
}
