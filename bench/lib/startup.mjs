// Start-up: one board per process, as a build runs dtc. The fixed costs (node, the command's
// modules, the grammar's analysis) and the first, cold run of every stage are what a build pays
// per board; the Done-when line of issue 10 bounds whole-process `compile --cpp` of a raw kernel
// board against `cpp | dtc` on the same board, in the same run, at 3x.
//
// The commands are run in rounds (node -e 0, dtprobe --version, a tiny board, the raw board,
// cpp | dtc, then again ...) so that a change in the machine's load hits all of them; ratios are
// those of the medians. The rows below the board say where its floor is: node alone, node plus
// loading the command, plus the grammar and every stage's first run on a tiny input, and the same
// compile in a warm process. A CPU profile of one dtprobe run says where its time goes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { measure, runOnce } from "./proc.mjs";
import { fmtKb, fmtRatio, fmtTime, median } from "./stats.mjs";
import { printSection } from "./table.mjs";

const BOARD = "src/arm64/qcom/sdm845-oneplus-fajita.dts";

/** A board that still runs every stage once: an #include, a macro, a label reference, the checks. */
const TINY_BOARD = '#include "tiny.h"\n/dts-v1/;\n/ {\n\tmodel = "tiny";\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n\tn: node@10 { reg = <ADDR 0x10>; };\n\tm { ref = <&n>; };\n};\n';

const cell = (r) => (r === undefined ? "skipped" : r.ok ? `${fmtTime(r.ms)} (${r.runs.length})` : `fails (${r.failure})`);
const cpuCell = (r) => (r?.ok && r.cpuMs !== undefined ? fmtTime(r.cpuMs) : "");

/**
 * Rounds of several commands, each command once per round: { [key]: { ok, ms, cpuMs, runs } }
 * with the medians of wall and CPU time, or { failure }.
 */
async function rounds(commands, runs, options) {
  const wall = new Map(commands.map(({ key }) => [key, []]));
  const cpu = new Map(commands.map(({ key }) => [key, []]));
  for (let k = -1; k < runs; k++) {
    for (const { key, cmd, args, cwd } of commands) {
      const r = await runOnce(cmd, args, { ...options, cwd: cwd ?? options.cwd });
      if (r.status !== 0) return { failure: `${key} exit ${r.status}: ${r.stderr.split("\n")[0]}` };
      if (k < 0) continue; // the first round warms the file cache
      wall.get(key).push(r.ms);
      if (r.cpuMs !== undefined) cpu.get(key).push(r.cpuMs);
    }
  }
  const out = {};
  for (const { key } of commands) {
    const c = cpu.get(key);
    out[key] = { ok: true, ms: median(wall.get(key)), cpuMs: c.length > 0 ? median(c) : undefined, runs: wall.get(key) };
  }
  return out;
}

/**
 * Where the samples of a V8 .cpuprofile go: each sample counts once, for the first stage (in the
 * order below) that its stack is in. Samples, not the profile's time deltas: on a loaded machine
 * a delta holds the time the process waited for a core.
 */
const STAGES = [
  ["garbage collection", (names) => names.has("(garbage collector)")],
  ["chevrotain's grammar analysis (performSelfAnalysis)", (names) => names.has("performSelfAnalysis")],
  ["preprocessor", (names) => names.has("preprocess")],
  ["scanner, parser and tree", (names) => names.has("parseAndBuildTree")],
  ["checks", (names) => names.has("runChecks")],
  ["blob writer", (names) => names.has("writeDtb")],
  ["rest of the command (options, reading, writing the file)", (names) => names.has("runCompileCommand") || names.has("main")],
  ["loading the bundle (read, code cache, top level)", (names) => names.has("runWithCodeCache")],
  ["waiting (idle)", (names) => names.has("(idle)")],
  ["node's own start-up and the launcher's imports", () => true],
];

function stageShares(profileFile) {
  const p = JSON.parse(readFileSync(profileFile, "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const counts = STAGES.map(() => 0);
  for (const sample of p.samples) {
    const names = new Set();
    for (let id = sample; id !== undefined; id = parent.get(id)) names.add(byId.get(id).callFrame.functionName);
    counts[STAGES.findIndex(([, has]) => has(names))]++;
  }
  return STAGES.map(([label], i) => [label, counts[i] / Math.max(1, p.samples.length)]);
}

/** The same compile in one process: the median of runs 11-20, after 10 that warm the JIT. */
function warmCompile(root, cwd) {
  const code = `
    const lib = await import(${JSON.stringify(join(root, "dist/lib.mjs"))});
    const options = { ...lib.defaultCompileOptions, cpp: true, includeDirs: ["include", "src"], defines: [{ name: "__DTS__" }], outputFormat: "dtb", quiet: 1 };
    const times = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      if (!lib.compile(${JSON.stringify(BOARD)}, options, new lib.DiagnosticSink()).ok) throw new Error("compile failed");
      times.push(performance.now() - t);
    }
    const last = times.slice(10).sort((a, b) => a - b);
    process.stdout.write(JSON.stringify({ first: times[0], warm: last[last.length >> 1] }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, encoding: "utf8" });
  return r.status === 0 ? JSON.parse(r.stdout) : undefined;
}

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
    writeFileSync(join(tmp, "tiny.h"), "#define ADDR 0x10\n");
    writeFileSync(join(tmp, "tiny.dts"), TINY_BOARD);
    // The package's bin (what `make DTC=dtprobe` runs); bin/dtprobe.mjs adds node's ESM loader.
    const launcher = join(ctx.root, "bin/dtprobe.cjs");
    const compileArgs = (out, file) => ["compile", "-q", "--cpp", "-i", "include", "-i", "src", "-D", "__DTS__", "-O", "dtb", "-o", out, file];
    const cppArgs = `-nostdinc -I include -I src -undef -D__DTS__ -x assembler-with-cpp ${BOARD}`;
    const commands = [
      { key: "board", cmd: process.execPath, args: [launcher, ...compileArgs(join(tmp, "ours.dtb"), BOARD)] },
      { key: "cppDtc", cmd: "sh", args: ["-c", `cpp ${cppArgs} | ${ctx.opts.dtc} -q -O dtb -o ${join(tmp, "dtc.dtb")} -`] },
      { key: "node", cmd: process.execPath, args: ["-e", "0"] },
      { key: "load", cmd: process.execPath, args: [launcher, "compile", "--version"] },
      { key: "tiny", cmd: process.execPath, args: [launcher, "compile", "-q", "--cpp", "-O", "dtb", "-o", join(tmp, "tiny.dtb"), "tiny.dts"], cwd: tmp },
    ];
    const runs = Math.max(ctx.opts.runs, 10);
    const all = await rounds(commands, runs, { cwd: raw, timeoutMs: ctx.opts.timeoutMs });
    const esm = await rounds([{ key: "board", cmd: process.execPath, args: [join(ctx.root, "dist/dtprobe.mjs"), ...compileArgs(join(tmp, "esm.dtb"), BOARD)] }, commands[1]], Math.max(3, runs >> 1), { cwd: raw, timeoutMs: ctx.opts.timeoutMs });
    const same = existsSync(join(tmp, "ours.dtb")) && readFileSync(join(tmp, "ours.dtb")).equals(readFileSync(join(tmp, "dtc.dtb")));
    const warm = warmCompile(ctx.root, raw);
    const pairRows = [];
    if (all.failure) pairRows.push(["dtprobe compile --cpp (bin/dtprobe.cjs)", `fails (${all.failure})`, "", "", "", ""]);
    else {
      const { board, cppDtc } = all;
      const ratio = board.ms / cppDtc.ms;
      ctx.results.startup.rawBoard = {
        board: BOARD, dtprobe: board, cppDtc, ratio, cpuRatio: board.cpuMs / cppDtc.cpuMs, sameDtb: same,
        floor: { nodeE0: all.node, loadCommand: all.load, tinyBoard: all.tiny, warmInProcessMs: warm?.warm, firstInProcessMs: warm?.first },
        esmBundle: esm.failure ? undefined : { dtprobe: esm.board, cppDtc: esm.cppDtc, ratio: esm.board.ms / esm.cppDtc.ms },
      };
      const row = (what, r, sameCell = "") => [what, cell(r), fmtRatio(r.ms, cppDtc.ms), cpuCell(r), r.cpuMs !== undefined && cppDtc.cpuMs ? fmtRatio(r.cpuMs, cppDtc.cpuMs) : "", sameCell];
      pairRows.push(row("dtprobe compile --cpp (bin/dtprobe.cjs: compile bundle, V8 code cache)", board, same ? "yes" : "**no**"));
      pairRows.push(row("cpp \\| dtc on the same board", cppDtc));
      pairRows.push(row("floor: node -e 0 (node's own start-up)", all.node));
      pairRows.push(row("floor: node + loading the command (dtprobe compile --version)", all.load));
      pairRows.push(row("floor: + grammar analysis and every stage's first run (a 2-node board with an #include)", all.tiny));
      if (warm) pairRows.push(["floor: the same board's compile in a warm process (in-process, after 10 runs)", fmtTime(warm.warm), fmtRatio(warm.warm, cppDtc.ms), "", "", ""]);
      if (!esm.failure) {
        pairRows.push(row("dtprobe compile --cpp (dist/dtprobe.mjs: ESM chunks, no code cache), own rounds", esm.board));
        pairRows.push(row("cpp \\| dtc, in those rounds", esm.cppDtc));
      }
    }
    text += "\n" + printSection(`Start-up: one raw kernel board per process (${BOARD.split("/").pop()})`, ["command", "wall (median)", "/ cpp \\| dtc", "CPU (median)", "CPU / cpp \\| dtc", "same DTB"], pairRows, [
      "goal (issue 10): dtprobe within 3x of cpp | dtc on the same board, in the same run (wall time)",
      "the first five rows run in rounds (one of each per round), so a change in load hits all of them",
      "CPU: user + system time from GNU time, children included (cpp | dtc: both processes); 10 ms steps",
    ]);

    // Where one run's time goes (a CPU profile; the profiler itself slows the run down).
    const profDir = join(tmp, "prof");
    const [cmd, args] = [commands[0].cmd, commands[0].args];
    const prof = await runOnce(cmd, ["--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", profDir, ...args], { cwd: raw, timeoutMs: ctx.opts.timeoutMs });
    const file = existsSync(profDir) ? readdirSync(profDir).find((f) => f.endsWith(".cpuprofile")) : undefined;
    if (file) {
      const shares = stageShares(join(profDir, file));
      ctx.results.startup.profile = { cpuMs: prof.cpuMs, shares: Object.fromEntries(shares) };
      const profRows = shares.map(([label, share]) => [label, `${(100 * share).toFixed(0)}%`]);
      profRows.push(["the profiled run's CPU time, all threads (GNU time)", prof.cpuMs !== undefined ? fmtTime(prof.cpuMs) : "?"]);
      text += "\n" + printSection("Start-up profile: where one cold compile --cpp goes", ["stage", "share of the main thread's samples"], profRows, [
        "`node --cpu-prof` samples of the main thread, each counted for the first stage in this order that is on its stack",
        "TurboFan compiles on other threads: in the run's CPU time, not in the samples",
      ]);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return text;
}
