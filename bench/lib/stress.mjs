// The shapes dtc cannot take: 100,000 siblings in one block and 10,000-deep nesting (dtc's bison
// stack gives out at ~9,988 siblings and ~3,330 levels). dtprobe must compile both, linearly.
import { dtcCompile, dtprobeCompile, slim } from "./compile.mjs";
import { fmtTime, fmtRate, fmtBytes, fmtKb } from "./stats.mjs";
import { printSection } from "./table.mjs";

export async function stressSection(ctx) {
  const { gen, opts } = ctx;
  const shapes = [
    [`${opts.sizes.siblings.toLocaleString("en")} siblings in one block`, `siblings-${opts.sizes.siblings}`, () => gen.generateSiblings(opts.sizes.siblings)],
    [`${opts.sizes.depth.toLocaleString("en")}-deep nesting`, `depth-${opts.sizes.depth}`, () => gen.generateDeepNesting(opts.sizes.depth)],
  ];
  const rows = [];
  for (const [what, name, make] of shapes) {
    const text = make();
    const input = ctx.writeInput(`${name}.dts`, text);
    const ours = await dtprobeCompile(ctx, input, ctx.outPath(`${name}.dtprobe.dtb`));
    // dtc is expected to fail here; one run shows how (and how fast).
    const theirs = ctx.dtcOk ? await dtcCompile(ctx, input, ctx.outPath(`${name}.dtc.dtb`), { runs: 1, warmup: 0 }) : undefined;
    ctx.results.stress[name] = { bytes: text.length, dtprobe: slim(ours), dtc: slim(theirs) };
    rows.push([
      what,
      fmtBytes(text.length),
      ours.ok ? `${fmtTime(ours.ms)} (${ours.runs.length})` : `fails (${ours.failure})`,
      ours.ok ? fmtRate(text.length, ours.ms) : "",
      fmtKb(ours.maxRssKb),
      theirs === undefined ? "skipped" : theirs.ok ? fmtTime(theirs.ms) : `fails (${theirs.failure})`,
    ]);
  }
  return printSection("Limits: shapes dtc's parser cannot hold", ["input", "size", "dtprobe compile", "MB/s", "peak RSS", "dtc (one run)"], rows);
}
