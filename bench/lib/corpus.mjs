// The 15 real boards of /work/shared/corpus/dev, all in one process: load (parse, tree, checks)
// and the kernel model per board, after warm-up; dtc's whole-process compile of each for scale.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadTree, makeModelRunner, missingModelExports } from "./report.mjs";
import { timeInProcess } from "./inprocess.mjs";
import { measure } from "./proc.mjs";
import { median, fmtTime, fmtBytes } from "./stats.mjs";
import { printSection } from "./table.mjs";

export async function corpusSection(ctx) {
  const dir = join(ctx.root, "../shared/corpus/dev");
  if (!existsSync(dir)) return printSection("Corpus boards", ["board", "result"], [["all", `skipped: ${dir} not present`]]);
  const boards = readdirSync(dir).filter((f) => f.endsWith(".pre.dts")).sort();
  const { lib, opts } = ctx;
  const missing = missingModelExports(lib);
  const model = missing.length === 0 ? makeModelRunner(lib) : undefined;
  const rows = [];
  const totals = { load: 0, model: 0, dtc: 0 };
  const warmup = opts.warmup ?? 2;
  // One untimed round over every board first: the loader's code is shared, and without it the
  // first board in the list was timed while the JIT was still compiling (apq8016-sbc, first
  // alphabetically, measured ~30 ms that way and ~5 ms when loaded last).
  if (model) {
    for (let round = 0; round < warmup; round++) {
      for (const b of boards) {
        try {
          model(loadTree(lib, join(dir, b), false), join(dir, b));
        } catch {
          // Reported by the timed runs below.
        }
      }
    }
  }
  for (const b of boards) {
    const path = join(dir, b);
    const entry = { bytes: statSync(path).size };
    let loadText = "n/a";
    let modelText = "n/a";
    if (model) {
      try {
        // The corpus is already preprocessed (cpp -P style with line markers): no cpp pass.
        const l = await timeInProcess(() => loadTree(lib, path, false), { runs: opts.runs, warmup, fullGc: false });
        const m = await timeInProcess((tree) => model(tree, path), { runs: opts.runs, warmup, setup: () => l.result, fullGc: false });
        entry.load = median(l.times);
        entry.model = median(m.times);
        totals.load += entry.load;
        totals.model += entry.model;
        loadText = fmtTime(entry.load);
        modelText = fmtTime(entry.model);
      } catch (e) {
        loadText = `fails (${String(e.message).slice(0, 100)})`;
      }
    } else loadText = modelText = "skipped";
    let dtcText = "skipped";
    if (ctx.dtcOk) {
      const r = await measure(opts.dtc, ["-I", "dts", "-O", "dtb", "-o", ctx.outPath(`${b}.dtc.dtb`), path], { ...ctx.measureOptions(), runs: 3, warmup: 1 });
      dtcText = r.ok ? fmtTime(r.ms) : `fails (${r.failure})`;
      if (r.ok) {
        entry.dtc = r.ms;
        totals.dtc += r.ms;
      }
    }
    ctx.results.corpus[b] = entry;
    rows.push([b.replace(/\.pre\.dts$/, ""), fmtBytes(entry.bytes), loadText, modelText, dtcText]);
  }
  rows.push(["**all 15**", "", fmtTime(totals.load), fmtTime(totals.model), fmtTime(totals.dtc)]);
  ctx.results.corpus.totals = totals;
  const notes = model
    ? ["load = loadDeviceTree without cpp (parse, tree, checks); model = graph + probe + report + text; medians after warm-up, all boards in this one process", "goal: report of any corpus board ≤ 30 ms in-process after warm-up; dtc column is whole-process (start-up included)"]
    : [`in-process columns skipped: ${lib ? `dist/lib.mjs lacks ${missing.join(", ")}` : ctx.libWhy}`];
  return printSection("Corpus: 15 real boards in one process", ["board", "size", "load", "model", "dtc compile"], rows, notes);
}
