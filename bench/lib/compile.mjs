// Whole-process `compile` of dtprobe against dtc on the same generated files, and the scaling
// ratio (start-up is ./startup.mjs). Both tools write a blob; the table says whether the two
// blobs are identical.
import { readFileSync } from "node:fs";
import { measure } from "./proc.mjs";
import { fmtTime, fmtRate, fmtBytes, fmtKb, fmtRatio } from "./stats.mjs";
import { printSection } from "./table.mjs";

/** `node bin/dtprobe.mjs compile -I dts -O dtb -o OUT FILE`. */
export function dtprobeCompile(ctx, input, output) {
  return measure(process.execPath, [ctx.opts.cli, "compile", "-I", "dts", "-O", "dtb", "-o", output, input], ctx.measureOptions());
}

export function dtcCompile(ctx, input, output, extra = {}) {
  return measure(ctx.opts.dtc, ["-I", "dts", "-O", "dtb", "-o", output, input], { ...ctx.measureOptions(), ...extra });
}

export function sameFile(a, b) {
  try {
    return Buffer.compare(readFileSync(a), readFileSync(b)) === 0;
  } catch {
    return false;
  }
}

const cell = (r, f) => (r === undefined ? "skipped" : r.ok ? f(r) : `fails (${r.failure})`);

export async function compileSection(ctx) {
  const { gen, opts } = ctx;
  const rows = [];
  const byNodes = new Map();
  for (const nodes of opts.sizes.compile) {
    const text = gen.generateBoard({ nodes, iommus: opts.sizes.iommus, seed: 1 });
    const input = ctx.writeInput(`board-${nodes}.dts`, text);
    const ours = await dtprobeCompile(ctx, input, ctx.outPath(`board-${nodes}.dtprobe.dtb`));
    const theirs = ctx.dtcOk && nodes <= opts.sizes.dtcMax ? await dtcCompile(ctx, input, ctx.outPath(`board-${nodes}.dtc.dtb`)) : undefined;
    const same = ours.ok && theirs?.ok ? (sameFile(ctx.outPath(`board-${nodes}.dtprobe.dtb`), ctx.outPath(`board-${nodes}.dtc.dtb`)) ? "yes" : "**no**") : "";
    byNodes.set(nodes, { ours, theirs });
    ctx.results.compile[nodes] = { bytes: text.length, dtprobe: slim(ours), dtc: slim(theirs), identical: same };
    rows.push([
      nodes.toLocaleString("en"),
      fmtBytes(text.length),
      cell(ours, (r) => `${fmtTime(r.ms)} (${r.runs.length})`),
      ours.ok ? fmtRate(text.length, ours.ms) : "",
      ours.ok ? fmtKb(ours.maxRssKb) : "",
      cell(theirs, (r) => `${fmtTime(r.ms)} (${r.runs.length})`),
      cell(theirs, (r) => fmtKb(r.maxRssKb)),
      ours.ok && theirs?.ok ? fmtRatio(theirs.ms, ours.ms) : "",
      same,
    ]);
  }
  const notes = [
    "wall time per process, median of the runs in parentheses (slow dtc sizes take 3); peak RSS is the largest of the runs",
    `dtc runs up to ${Number.isFinite(opts.sizes.dtcMax) ? opts.sizes.dtcMax.toLocaleString("en") : "every size"} devices${opts.full ? "" : " (--full for more: it is quadratic)"}`,
  ];
  let text = printSection("Whole-process compile: dtprobe vs dtc", ["devices", "input", "dtprobe", "dtprobe MB/s", "dtprobe peak RSS", "dtc", "dtc peak RSS", "dtc / dtprobe", "same DTB"], rows, notes);

  // Scaling: time at 8× the input over time at 1×. Linear code gives about 8 (less with start-up).
  const ratio = (tool, lo, hi) => {
    const a = byNodes.get(lo)?.[tool];
    const b = byNodes.get(hi)?.[tool];
    return a?.ok && b?.ok ? fmtRatio(b.ms, a.ms) : "n/a";
  };
  const pairs = [];
  for (const lo of opts.sizes.compile) if (byNodes.has(lo * 8)) pairs.push([lo, lo * 8]);
  const scaleRows = pairs.map(([lo, hi]) => [`${lo.toLocaleString("en")} → ${hi.toLocaleString("en")}`, ratio("ours", lo, hi), ratio("theirs", lo, hi)]);
  for (const [lo, hi] of pairs) ctx.results.scaling[`${lo}-${hi}`] = { dtprobe: ratioValue(byNodes, "ours", lo, hi), dtc: ratioValue(byNodes, "theirs", lo, hi) };
  text += "\n" + printSection("Scaling (time at 8× input / time at 1×; linear ≈ 8)", ["devices", "dtprobe", "dtc"], scaleRows);
  return text;
}

function ratioValue(byNodes, tool, lo, hi) {
  const a = byNodes.get(lo)?.[tool];
  const b = byNodes.get(hi)?.[tool];
  return a?.ok && b?.ok ? b.ms / a.ms : undefined;
}

/** The fields worth keeping in results.json. */
export function slim(r) {
  if (r === undefined) return undefined;
  return r.ok ? { ms: r.ms, runs: r.runs, maxRssKb: r.maxRssKb } : { failure: r.failure, maxRssKb: r.maxRssKb };
}
