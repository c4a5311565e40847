// Start-up: one board per process, as a build runs dtc. The fixed costs (node, the command's
// modules, the grammar's analysis) and the first, cold run of every stage are what a build pays
// per board; the Done-when line of issue 10 bounds whole-process `compile --cpp` of a raw kernel
// board against `cpp | dtc` on the same board, in the same run, at 3x.
//
// The two commands are run alternately (dtprobe, then cpp | dtc, then dtprobe, ...) so that a
// change in the machine's load hits both; the ratio is that of their medians. A CPU profile of
// one dtprobe run says where its start-up goes.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measure, runOnce } from "./proc.mjs";
import { fmtKb, fmtRatio, fmtTime, median } from "./stats.mjs";
import { printSection } from "./table.mjs";

const BOARD = "src/arm64/qcom/sdm845-oneplus-fajita.dts";

const cell = (r) => (r === undefined ? "skipped" : r.ok ? `${fmtTime(r.ms)} (${r.runs.length})` : `fails (${r.failure})`);

/** Alternating runs of two commands: { a, b } with medians, each the list of wall times. */
async function alternate(a, b, runs, options) {
  const times = { a: [], b: [] };
  for (let k = -1; k < runs; k++) {
    for (const [key, [cmd, args]] of [["a", a], ["b", b]]) {
      const r = await runOnce(cmd, args, options);
      if (r.status !== 0) return { failure: `${key === "a" ? "dtprobe" : "cpp | dtc"} exit ${r.status}: ${r.stderr.split("\n")[0]}` };
      if (k >= 0) times[key].push(r.ms);
    }
  }
  return { a: { ok: true, ms: median(times.a), runs: times.a }, b: { ok: true, ms: median(times.b), runs: times.b } };
}

/** Inclusive self-time per stage of a V8 .cpuprofile (a function counted once per sample). */
function stageTimes(profileFile, stages) {
  const p = JSON.parse(readFileSync(profileFile, "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const sums = new Map(stages.map(([label]) => [label, 0]));
  let total = 0;
  for (let k = 0; k < p.samples.length; k++) {
    const us = p.timeDeltas[k] ?? 0;
    total += us;
    const names = new Set();
    for (let id = p.samples[k]; id !== undefined; id = parent.get(id)) names.add(byId.get(id).callFrame.functionName);
    for (const [label, fns] of stages) if (fns.some((f) => names.has(f))) sums.set(label, sums.get(label) + us);
  }
  return { total: total / 1000, stages: stages.map(([label]) => [label, sums.get(label) / 1000]) };
}

const STAGES = [
  ["node's own start-up and loading the command's code", ["compileForInternalLoader", "compileSourceTextModule", "Script", "runInThisContext", "(program)"]],
  ["grammar analysis (chevrotain performSelfAnalysis)", ["performSelfAnalysis"]],
  ["preprocessor", ["preprocess"]],
  ["scanner, parser and tree", ["parseAndBuildTree"]],
  ["checks", ["runChecks"]],
  ["blob writer", ["writeDtb"]],
  ["garbage collection", ["(garbage collector)"]],
];

export async function startupSection(ctx) {
  const o = { ...ctx.measureOptions(), runs: Math.max(ctx.opts.runs, 10), warmup: 2 };
  const rows = [];
  const add = (what, r) => {
    ctx.results.startup[what] = r && (r.ok ? { ms: r.ms, runs: r.runs, maxRssKb: r.maxRssKb } : { failure: r.failure });
    rows.push([what, cell(r), r?.ok && r.maxRssKb !== undefined ? fmtKb(r.maxRssKb) : ""]);
  };
  add("dtprobe --version", await measure(process.execPath, [ctx.opts.cli, "--version"], o));
  add("node -e 0 (node's own start-up)", await measure(process.execPath, ["-e", "0"], o));
  if (ctx.dtcOk) add("dtc --version", await measure(ctx.opts.dtc, ["--version"], o));
  let text = printSection("Start-up", ["command", "wall (median)", "peak RSS"], rows);

  const raw = join(ctx.root, "../shared/corpus/raw");
  if (!existsSync(join(raw, BOARD)) || !ctx.dtcOk) {
    const why = "needs ../shared/corpus/raw, dtc and cpp";
    text += "\n" + printSection("Start-up: one raw kernel board per process", ["command", "wall (median)"], [["compile --cpp of a raw board", `skipped (${why})`]]);
    return text;
  }
  const tmp = mkdtempSync(join(tmpdir(), "dtprobe-startup-"));
  try {
    const cppArgs = `-nostdinc -I include -I src -undef -D__DTS__ -x assembler-with-cpp ${BOARD}`;
    const reference = ["sh", ["-c", `cpp ${cppArgs} | ${ctx.opts.dtc} -q -O dtb -o ${join(tmp, "dtc.dtb")} -`]];
    const ours = (launcher) => [process.execPath, [launcher, "compile", "-q", "--cpp", "-i", "include", "-i", "src", "-D", "__DTS__", "-O", "dtb", "-o", join(tmp, "ours.dtb"), BOARD]];
    const runs = Math.max(ctx.opts.runs, 10);
    const pair = await alternate(ours(ctx.opts.cli), reference, runs, { cwd: raw, timeoutMs: ctx.opts.timeoutMs });
    const esm = await alternate(ours(join(ctx.root, "dist/dtprobe.mjs")), reference, Math.max(3, runs >> 1), { cwd: raw, timeoutMs: ctx.opts.timeoutMs });
    const same = existsSync(join(tmp, "ours.dtb")) && readFileSync(join(tmp, "ours.dtb")).equals(readFileSync(join(tmp, "dtc.dtb")));
    const pairRows = [];
    if (pair.failure) pairRows.push(["dtprobe compile --cpp (bin/dtprobe.mjs)", `fails (${pair.failure})`, "", ""]);
    else {
      const ratio = pair.a.ms / pair.b.ms;
      ctx.results.startup.rawBoard = { board: BOARD, dtprobe: pair.a, cppDtc: pair.b, ratio, sameDtb: same, esmBundle: esm.failure ? undefined : { dtprobe: esm.a, cppDtc: esm.b, ratio: esm.a.ms / esm.b.ms } };
      pairRows.push(["dtprobe compile --cpp (bin/dtprobe.mjs: one-file bundle, V8 code cache)", cell(pair.a), fmtRatio(pair.a.ms, pair.b.ms), same ? "yes" : "**no**"]);
      pairRows.push(["cpp \\| dtc, alternating with the row above", cell(pair.b), "1.0", ""]);
      if (!esm.failure) {
        pairRows.push(["dtprobe compile --cpp (dist/dtprobe.mjs: ESM chunks, no code cache)", cell(esm.a), fmtRatio(esm.a.ms, esm.b.ms), ""]);
        pairRows.push(["cpp \\| dtc, alternating with the row above", cell(esm.b), "1.0", ""]);
      }
    }
    text += "\n" + printSection(`Start-up: one raw kernel board per process (${BOARD.split("/").pop()})`, ["command", "wall (median)", "/ cpp \\| dtc", "same DTB"], pairRows, [
      "goal (issue 10): dtprobe within 3x of cpp | dtc on the same board, in the same run",
      "the two commands of each pair run alternately, so a change in load hits both",
    ]);

    // Where one run's time goes (a CPU profile; the profiler itself slows the run down).
    const profDir = join(tmp, "prof");
    const [cmd, args] = ours(ctx.opts.cli);
    await runOnce(cmd, ["--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", profDir, ...args], { cwd: raw, timeoutMs: ctx.opts.timeoutMs });
    const file = readdirSync(profDir).find((f) => f.endsWith(".cpuprofile"));
    if (file) {
      const { total, stages } = stageTimes(join(profDir, file), STAGES);
      ctx.results.startup.profile = { totalMs: total, stages: Object.fromEntries(stages) };
      const profRows = stages.map(([label, ms]) => [label, fmtTime(ms), `${((100 * ms) / total).toFixed(0)}%`]);
      profRows.push(["whole run (profiled)", fmtTime(total), "100%"]);
      text += "\n" + printSection("Start-up profile: where one cold compile --cpp goes", ["stage", "CPU (sampled)", "share"], profRows, [
        "inclusive time per stage from `node --cpu-prof`; stages overlap only through garbage collection",
        "the profiler's flags make V8 refuse the code cache (it checks the flags it was made with): loading shows the compile the cache saves otherwise",
        "the same work in a warm process takes a few tens of milliseconds: the rest is running cold code",
      ]);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return text;
}
