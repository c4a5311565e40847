// `report` on large generated boards: whole-process (`dtprobe report FILE -o OUT`, the built-in
// preprocessor on, as a user runs it) and in-process split into loading the tree and the kernel
// model (device graph, probe, report building and text rendering).
import { assertNoErrors } from "./frontend.mjs";
import { missingExports } from "./library.mjs";
import { timeInProcess } from "./inprocess.mjs";
import { measure } from "./proc.mjs";
import { slim } from "./compile.mjs";
import { median, fmtTime, fmtBytes, fmtKb } from "./stats.mjs";
import { printSection } from "./table.mjs";

/** What the model rows need from the bundle: the pipeline (runBoard), or, in older bundles, its stages. */
export const MODEL = ["DiagnosticSink", "loadDeviceTree"];
const STAGES = ["buildDeviceGraph", "runProbe", "buildReport"];

/** The exports the model rows lack (`runBoard`, or the stages older bundles had instead). */
export function missingModelExports(lib) {
  const base = missingExports(lib, MODEL);
  return lib && typeof lib.runBoard === "function" ? base : [...base, ...missingExports(lib, STAGES)];
}

/**
 * Graph → boot → report (→ text) on a loaded tree: the pipeline `dtprobe report` runs (runBoard;
 * bundles from before it had the stages, called the same way), with the text as the CLI writes it
 * (chunk by chunk; older bundles have only the one-string renderReportText).
 */
export function makeModelRunner(lib) {
  const text = (report) => {
    if (typeof lib.renderReportTextChunks === "function") return lib.renderReportTextChunks(report);
    return typeof lib.renderReportText === "function" ? lib.renderReportText(report) : JSON.stringify(report);
  };
  if (typeof lib.runBoard === "function") {
    return (tree, input) => {
      const sink = new lib.DiagnosticSink();
      const run = lib.runBoard(tree, input, { kernel: "6.1", policy: "per-group" }, sink);
      if (!run) throw new Error(`runBoard: ${sink.items.map((d) => d.message).join("; ")}`);
      return text(run.report);
    };
  }
  const kernel = typeof lib.parseKernelVersion === "function" ? lib.parseKernelVersion("6.1") : undefined;
  return (tree, input) => {
    const graph = lib.buildDeviceGraph(tree, {});
    const result = lib.runProbe(graph, { kernel, policy: "per-group" });
    return text(lib.buildReport(result, { input, diagnostics: [] }));
  };
}

export function loadTree(lib, path, cpp) {
  const sink = new lib.DiagnosticSink();
  const tree = lib.loadDeviceTree(path, { cpp }, sink);
  assertNoErrors(sink, "loadDeviceTree");
  if (!tree) throw new Error(`loadDeviceTree: no tree for ${path}`);
  return tree;
}

export async function reportSection(ctx) {
  const { gen, lib, opts } = ctx;
  const missing = missingModelExports(lib);
  const model = missing.length === 0 ? makeModelRunner(lib) : undefined;
  const rows = [];
  for (const nodes of opts.sizes.report) {
    const text = gen.generateBoard({ nodes, iommus: opts.sizes.iommus, seed: 1 });
    const input = ctx.writeInput(`board-${nodes}.dts`, text);
    const whole = await measure(process.execPath, [opts.cli, "report", input, "-o", ctx.outPath(`report-${nodes}.txt`)], ctx.measureOptions());
    let load = "n/a";
    let modelTime = "n/a";
    const entry = { bytes: text.length, wholeProcess: slim(whole) };
    if (model) {
      try {
        const small = Math.min(opts.runs, nodes > 50_000 ? 3 : opts.runs);
        const warmup = nodes > 50_000 ? 1 : (opts.warmup ?? 2);
        const l = await timeInProcess(() => loadTree(lib, input, true), { runs: small, warmup });
        const m = await timeInProcess((tree) => model(tree, input), { runs: small, warmup, setup: () => l.result });
        entry.load = { ms: median(l.times), runs: l.times };
        entry.model = { ms: median(m.times), runs: m.times };
        load = `${fmtTime(entry.load.ms)} (${l.times.length})`;
        modelTime = `${fmtTime(entry.model.ms)} (${m.times.length})`;
      } catch (e) {
        load = `fails (${String(e.message).slice(0, 120)})`;
      }
    } else load = modelTime = `skipped: ${lib ? `dist/lib.mjs lacks ${missing.join(", ")}` : ctx.libWhy}`;
    ctx.results.report[nodes] = entry;
    rows.push([
      nodes.toLocaleString("en"),
      fmtBytes(text.length),
      whole.ok ? `${fmtTime(whole.ms)} (${whole.runs.length})` : `fails (${whole.failure})`,
      fmtKb(whole.maxRssKb),
      load,
      modelTime,
    ]);
  }
  return printSection("report on generated boards", ["devices", "input", "whole process", "peak RSS", "in-process load", "in-process model"], rows, [
    "whole process: `node bin/dtprobe.mjs report FILE -o OUT` (text format, built-in preprocessor on, as a user runs it)",
    "in-process load = loadDeviceTree (preprocess, parse, tree, checks); model = runBoard (the pipeline: device graph, boot with kernel 6.1 per-group, report) + renderReportTextChunks (the text as the CLI writes it)",
    "goal: 200,000 devices ≤ 3 s for the kernel model",
  ]);
}
