// `dtprobe run SCENARIO`: a scenario file that names its board runs through the pipeline (the
// board relative to the file, its pci / hw side files, kernel, policy, bootargs, driver tables and modules), and
// comes back as the report plus the timeline: every step with its result, what it changed and,
// for `expect`, what it checked. The run fails when an expectation does not hold.
import { dirname } from "node:path";
import type { IommuDomain } from "../iommu/index.ts";
import { iovaSpaceUsed, type StepOutcome } from "../probe/index.ts";
import { nodeFileHost, rootedFileHost, type DiagnosticSink, type FileHost } from "../source/index.ts";
import { reportStep } from "./build.ts";
import { readSideFiles, runBoardFile } from "./pipeline.ts";
import { checkRunInputs, loadScenarioFile, toProbeScenario } from "./scenario-file.ts";
import type { Report, ReportScenarioStep } from "./types.ts";

/** A step of the timeline (the report's step, plus what it changed and checked). */
export interface TimelineStep extends ReportScenarioStep {
  readonly changes: readonly { readonly subject: string; readonly field: string; readonly from: string | number | boolean | null; readonly to: string | number | boolean | null }[];
  readonly checks?: readonly { readonly field: string; readonly expected: string | number | boolean | null; readonly actual: string | number | boolean | null; readonly holds: boolean }[];
}

/** A domain's IOVA use after the run (only domains DMA traffic went through). */
export interface IovaUse {
  readonly domain: number;
  readonly kind: "iommu-dma" | "arm-mapping";
  /** iommu-dma: pages allocated / reserved, ranges held in the caches or the flush queue. */
  readonly allocatedPages: number;
  readonly reservedPages?: number;
  readonly cachedRanges?: number;
  readonly queuedRanges?: number;
  /** arm32 mapping: the bitmap's capacity in pages (all extensions it may grow to). */
  readonly capacityPages?: number;
}

export interface ScenarioRunResult {
  readonly report: Report;
  readonly steps: readonly TimelineStep[];
  readonly iova: readonly IovaUse[];
  /** `expect` steps that did not hold. */
  readonly failedExpectations: number;
}

function timelineStep(s: StepOutcome): TimelineStep {
  return { ...reportStep(s), changes: s.changes, ...(s.checks ? { checks: s.checks } : {}) };
}

function iovaUse(domains: readonly IommuDomain[]): IovaUse[] {
  const out: IovaUse[] = [];
  for (const d of domains) {
    const u = iovaSpaceUsed(d);
    if (!u) continue;
    if (u.kind === "iommu-dma") {
      const x = u.space.usage();
      out.push({ domain: d.id, kind: u.kind, allocatedPages: x.allocatedPages, reservedPages: x.reservedPages, cachedRanges: x.cachedRanges, queuedRanges: x.queuedRanges });
    } else {
      const x = u.mapping.usage();
      out.push({ domain: d.id, kind: u.kind, allocatedPages: x.usedPages, capacityPages: x.capacityPages });
    }
  }
  return out;
}

/** Loads, checks and runs a scenario file; undefined with the reasons in `sink`. */
export function runScenarioFile(path: string, sink: DiagnosticSink, host: FileHost = nodeFileHost): ScenarioRunResult | undefined {
  const sf = loadScenarioFile(path, sink, host);
  if (!sf || !checkRunInputs(sf, sink)) return undefined;
  const side = readSideFiles({ pci: sf.inputs.pci?.path, hw: sf.inputs.hw?.path }, sink);
  if (!side) return undefined;
  const i = sf.inputs;
  // The driver tables: the version's shipped table (Debian's configuration), over `kconfig` when
  // given; `assumeDrivers: true` runs without a table (a hypothetical kernel or configuration).
  let kconfig: { file: string; text: string } | undefined;
  if (i.kconfig) {
    const text = host.readText(i.kconfig.path);
    if (text === undefined) {
      sink.error("io", `Couldn't open "${i.kconfig.given}": No such file or directory (or not a regular file)`, sf.inputSpans.get("kconfig"));
      return undefined;
    }
    kconfig = { file: i.kconfig.given, text };
  }
  // The board as the scenario names it, read relative to the scenario (messages and the report
  // name it as written).
  const board = i.board.given;
  const run = runBoardFile(
    board,
    {
      cpp: !board.endsWith(".pre.dts"),
      host: rootedFileHost(dirname(path), host),
      ...(i.kernel !== undefined ? { kernel: i.kernel } : {}),
      ...(i.policy !== undefined ? { policy: i.policy } : {}),
      ...(i.bootargs !== undefined ? { bootargs: i.bootargs } : {}),
      driverTables: { assume: i.assumeDrivers, kconfig },
      ...side,
      scenario: { ...toProbeScenario(sf), file: path },
    },
    sink,
  );
  if (!run) return undefined;
  const outcome = run.result.scenario!;
  return { report: run.report, steps: outcome.steps.map(timelineStep), iova: iovaUse(run.result.domains), failedExpectations: outcome.failedExpectations };
}

const show = (v: string | number | boolean | null) => (v === null ? "-" : String(v));

/** The timeline as text: each step, its result, what changed, the checks that failed; IOVA use; the verdict. */
export function renderTimeline(r: ScenarioRunResult, file: string): string {
  const out: string[] = [`Scenario ${file} on ${r.report.config.kernel}:`];
  for (const st of r.steps) {
    out.push(`step ${st.step} (line ${st.line}) ${st.op}${st.target ? ` ${st.target}` : ""}: ${st.result}${st.where && st.result !== "ok" ? ` in ${st.where}` : ""} — ${st.message}`);
    for (const c of st.checks ?? []) if (!c.holds) out.push(`    - ${c.field}: ${show(c.expected)}\n    + ${c.field}: ${show(c.actual)}`);
    for (const c of st.changes) out.push(`    ${c.subject} ${c.field}: ${show(c.from)} -> ${show(c.to)}`);
  }
  if (r.iova.length > 0) {
    out.push("", "IOVA use:");
    for (const u of r.iova) {
      const detail = u.kind === "iommu-dma" ? `${u.allocatedPages} pages allocated, ${u.reservedPages} reserved, ${u.cachedRanges} ranges cached, ${u.queuedRanges} queued` : `${u.allocatedPages} of ${u.capacityPages} pages used`;
      out.push(`  domain ${u.domain} (${u.kind}): ${detail}`);
    }
  }
  const expects = r.steps.filter((s) => s.op === "expect").length;
  out.push("", r.failedExpectations === 0 ? `${expects} expectation${expects === 1 ? "" : "s"} held` : `${r.failedExpectations} of ${expects} expectation${expects === 1 ? "" : "s"} failed`);
  return out.join("\n") + "\n";
}
