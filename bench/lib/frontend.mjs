// In-process front end: lex, parse, tree building (the ≥ 25 MB/s goal is lex+parse+tree), then
// checks and DTB writing, on one ~7 MB generated board, median of the timed runs after warm-up.
import { missingExports } from "./library.mjs";
import { HAVE_GC, timeInProcess } from "./inprocess.mjs";
import { median, fmtTime, fmtRate, fmtBytes, mbPerSec } from "./stats.mjs";
import { printSection } from "./table.mjs";

const NEEDED = ["SourceFile", "DiagnosticSink", "nodeFileHost", "parseDts", "buildTree"];
/** The grammar may expose its scanner under one of these names; lexing is timed only if it does. */
const LEXER_NAMES = ["lexDts", "tokenizeDts", "tokenize", "scanDts"];

export const CHECK_OPTIONS = { phandleFormat: "epapr", symbols: false, overrides: [], quiet: 0 };

/** Throws with the first error diagnostic, so a broken stage shows why instead of a bogus time. */
export function assertNoErrors(sink, what) {
  if (sink.errorCount > 0) {
    const d = sink.items.find((i) => i.severity === "error");
    throw new Error(`${what}: ${d?.code}: ${d?.message}`);
  }
}

export async function frontendSection(ctx) {
  const { lib, gen, opts } = ctx;
  const nodes = opts.sizes.frontend;
  const title = `In-process front end (${nodes.toLocaleString("en")} devices)`;
  const missing = missingExports(lib, NEEDED);
  if (missing.length > 0) return printSection(title, ["stage", "result"], [["all", `skipped: ${lib ? `dist/lib.mjs lacks ${missing.join(", ")}` : ctx.libWhy}`]]);

  const text = gen.generateBoard({ nodes, iommus: opts.sizes.iommus, seed: 1 });
  const path = ctx.writeInput(`frontend-${nodes}.dts`, text);
  const bytes = text.length;
  const runs = opts.runs;
  const warmup = opts.warmup ?? 2;
  const host = { host: lib.nodeFileHost, includeDirs: [] };
  const file = () => new lib.SourceFile(path, text);
  const rows = [];
  const record = (stage, times, note = "") => {
    const ms = median(times);
    ctx.results.frontend[stage] = { ms, runs: times, bytes, mbPerSec: mbPerSec(bytes, ms) };
    rows.push([stage, fmtTime(ms), times.length, fmtRate(bytes, ms), note]);
  };

  const lexName = LEXER_NAMES.find((n) => typeof lib[n] === "function");
  if (lexName) {
    const { times } = await timeInProcess(() => lib[lexName](file(), host, new lib.DiagnosticSink()), { runs, warmup });
    record("lex", times, `lib.${lexName}`);
  } else rows.push(["lex", "n/a", "", "", `no lexer export (${LEXER_NAMES.join("/")}); lex is inside parse`]);

  const parse = await timeInProcess(
    () => {
      const sink = new lib.DiagnosticSink();
      const doc = lib.parseDts(file(), host, sink);
      assertNoErrors(sink, "parseDts");
      return doc;
    },
    { runs, warmup },
  );
  record("lex + parse", parse.times, "parseDts");
  // Each row keeps alive only what it needs: the document until the tree-building row is done,
  // no row's output afterwards (see timeInProcess: another large tree alive slows the collector).
  let doc = parse.result;

  const build = () => {
    const sink = new lib.DiagnosticSink();
    const tree = lib.buildTree(doc, host, sink);
    assertNoErrors(sink, "buildTree");
    return tree;
  };
  record("tree building", (await timeInProcess(build, { runs, warmup })).times, "buildTree on the parsed document");
  doc = parse.result = undefined;
  const hasFused = typeof lib.parseAndBuildTree === "function";
  /** parseDts, then buildTree: the two-step path. */
  const twoSteps = () => {
    const sink = new lib.DiagnosticSink();
    const t = lib.buildTree(lib.parseDts(file(), host, sink), host, sink);
    assertNoErrors(sink, "parse + tree");
    return t;
  };
  /** The tree built while parsing (no retained AST): what compile and report use. */
  const fused = () => {
    const sink = new lib.DiagnosticSink();
    const t = lib.parseAndBuildTree(file(), host, sink);
    assertNoErrors(sink, "parseAndBuildTree");
    return t;
  };
  /** A fresh tree for the checks row, built the way compile builds it. */
  const fresh = hasFused ? fused : twoSteps;

  const whole = (await timeInProcess(twoSteps, { runs, warmup })).times;
  // When the library exports the fused path it is the goal's figure, with the two-step path beside it.
  if (hasFused) {
    record("lex + parse + tree, two steps", whole, "parseDts, then buildTree");
    record("lex + parse + tree", (await timeInProcess(fused, { runs, warmup })).times, "parseAndBuildTree (the ≥ 25 MB/s goal)");
  } else record("lex + parse + tree", whole, "the ≥ 25 MB/s goal");

  let checked;
  if (typeof lib.runChecks === "function") {
    // runChecks resolves references in place, so each run gets a fresh tree (built untimed).
    const checks = await timeInProcess(
      (t) => {
        const sink = new lib.DiagnosticSink();
        lib.runChecks(t, CHECK_OPTIONS, sink);
        assertNoErrors(sink, "runChecks");
        return t;
      },
      { runs, warmup, setup: fresh },
    );
    checked = checks.result;
    record("checks", checks.times, "runChecks (dtc's table)");
  } else rows.push(["checks", "n/a", "", "", "lib.runChecks not exported"]);

  if (typeof lib.writeDtb === "function" && checked) {
    const dtb = await timeInProcess(() => lib.writeDtb(checked, { bootCpuId: checked.bootCpuId ?? 0 }), { runs, warmup });
    record("DTB writing", dtb.times, `${fmtBytes(dtb.result.length)} blob`);
  } else rows.push(["DTB writing", "n/a", "", "", "lib.writeDtb not exported (or no checked tree)"]);

  return printSection(title, ["stage", "median", "runs", "throughput", "note"], rows, [
    `input: ${fmtBytes(bytes)} generated board (--nodes ${nodes} --iommus ${opts.sizes.iommus} --seed 1); throughput = input bytes / median time`,
    `${warmup} warm-up runs first${HAVE_GC ? " (after one full GC); a young-generation GC before each run (a forced full GC would discard the JIT's work)" : ""}`,
  ]);
}
