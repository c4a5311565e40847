#!/usr/bin/env node
// A whole devicetree tree, two ways, on the same number of workers (docs/batch.md):
//   make-style: per board what the kernel's scripts/Makefile.dtbs cmd_dtc runs, `cpp` then `dtc`
//     through sh, J boards at a time (compile only);
//   dtprobe:    `dtprobe batch --cpp -i include -i src -j J` over the same boards (compile, dtc's
//     checks and the attachment report of every board), one process.
// Prints wall times and the ratio. --compare-dtb also writes dtprobe's blobs (`batch --dtb-dir`)
// and compares them with dtc's, board by board. Never part of `npm test`.
//
// usage: node bench/batch-tree.mjs [--tree DIR] [--arch arm64,arm] [-j N] [--limit N] [--timeout SEC]
//                                  [--compare-dtb] [--out DIR] [--cli FILE] [--dtc FILE] [--cpp FILE]
// (--timeout: dtprobe batch's per-board limit, default 20 s here: a board the model loops on is
// stopped and listed rather than holding a worker for the default 120 s.)
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderTable } from "./lib/table.mjs";
import { fmtTime } from "./lib/stats.mjs";

const root = fileURLToPath(new URL("..", import.meta.url)).replace(/\/$/, "");
const USAGE = "usage: node bench/batch-tree.mjs [--tree DIR] [--arch arm64,arm] [-j N] [--limit N] [--timeout SEC] [--compare-dtb] [--out DIR] [--cli FILE] [--dtc FILE] [--cpp FILE]";

function parse(argv) {
  const o = { tree: "/work/uboot/dts/upstream", arch: ["arm64", "arm"], jobs: 2, limit: Infinity, timeout: 20, compareDtb: false, out: join(root, "bench-out", "batch-tree"), cli: join(root, "bin/dtprobe.mjs"), dtc: "dtc", cpp: "cpp" };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    const v = () => {
      if (argv[k + 1] === undefined) throw new Error(`${a} needs a value`);
      return argv[++k];
    };
    if (a === "--tree") o.tree = v();
    else if (a === "--arch") o.arch = v().split(",").filter(Boolean);
    else if (a === "-j" || a === "--jobs") o.jobs = Number(v());
    else if (a === "--limit") o.limit = Number(v());
    else if (a === "--timeout") o.timeout = Number(v());
    else if (a === "--compare-dtb") o.compareDtb = true;
    else if (a === "--out") o.out = v();
    else if (a === "--cli") o.cli = v();
    else if (a === "--dtc") o.dtc = v();
    else if (a === "--cpp") o.cpp = v();
    else if (a === "-h" || a === "--help") o.help = true;
    else throw new Error(`unknown option '${a}'`);
  }
  return o;
}

/** Every .dts under dir, sorted (the order `dtprobe batch DIR` takes them in). */
function findBoards(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (name.endsWith(".dts")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * CPU seconds (user + system) of this process's waited-for children so far (/proc/self/stat
 * cutime + cstime, in clock ticks: every sh, cpp, cc1, dtc and dtprobe run below). On a machine
 * shared with other work the wall times swing with the load; the CPU each side spends does less.
 */
function childCpuSeconds() {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 16 and 17 of proc(5), counted from 1 with the pid and the name as 1 and 2.
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** scripts/Makefile.dtbs: DTC_FLAGS without KBUILD_EXTRA_WARN. */
const DTC_FLAGS = ["-Wno-unique_unit_address", "-Wno-unit_address_vs_reg", "-Wno-avoid_unnecessary_addr_size", "-Wno-alias_paths", "-Wno-graph_child_address", "-Wno-simple_bus_reg"];

/**
 * cmd_dtc of scripts/Makefile.dtbs for one board, as make runs it (one sh per board): cpp with its
 * dependency file, dtc with its own, both joined; include-prefixes are include/ and src/ here.
 * The exit status is dtc's (cpp's when it fails); the temporary files are removed after.
 */
function makeStyleCommand(o, board, outDtb) {
  const q = (s) => `'${s.replace(/'/g, "'\\''")}'`;
  const tmp = `${outDtb}.dts.tmp`;
  const dep = `${outDtb}.d`;
  return [
    `${q(o.cpp)} -Wp,-MMD,${q(`${dep}.pre.tmp`)} -nostdinc -I include -I src -undef -D__DTS__ -x assembler-with-cpp -o ${q(tmp)} ${q(board)} &&`,
    `${q(o.dtc)} -o ${q(outDtb)} -b 0 -i ${q(dirname(board))} -i include -i src ${DTC_FLAGS.join(" ")} -d ${q(`${dep}.dtc.tmp`)} ${q(tmp)} &&`,
    `cat ${q(`${dep}.pre.tmp`)} ${q(`${dep}.dtc.tmp`)} > ${q(dep)}; s=$?;`,
    `rm -f ${q(tmp)} ${q(`${dep}.pre.tmp`)} ${q(`${dep}.dtc.tmp`)} ${q(dep)}; exit $s`,
  ].join(" ");
}

/** Runs every board's command, `jobs` at a time; resolves to { ms, ok: Set of boards that exited 0 }. */
function runMakeStyle(o, boards, dtbDir) {
  return new Promise((resolve) => {
    const ok = new Set();
    let next = 0;
    let running = 0;
    const start = performance.now();
    const launch = () => {
      while (running < o.jobs && next < boards.length) {
        const board = boards[next++];
        const out = join(dtbDir, board.replace(/\.dts$/, ".dtb"));
        mkdirSync(dirname(out), { recursive: true });
        running++;
        const child = spawn("sh", ["-c", makeStyleCommand(o, board, out)], { cwd: o.tree, stdio: "ignore" });
        child.on("close", (code) => {
          running--;
          if (code === 0) ok.add(board);
          if (next >= boards.length && running === 0) resolve({ ms: performance.now() - start, ok });
          else launch();
        });
      }
    };
    if (boards.length === 0) resolve({ ms: 0, ok });
    else launch();
  });
}

function runDtprobe(o, dirs, extra) {
  const out = join(o.out, "batch.jsonl");
  const start = performance.now();
  // The same checks as the make-style side's dtc (the kernel build's DTC_FLAGS).
  const r = spawnSync(process.execPath, [o.cli, "batch", "--cpp", "-i", "include", "-i", "src", ...DTC_FLAGS, "-j", String(o.jobs), "--timeout", String(o.timeout), "-q", "--format", "jsonl", "-o", out, ...extra, ...dirs], { cwd: o.tree, maxBuffer: 1 << 26, encoding: "utf8" });
  const ms = performance.now() - start;
  const rows = existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
  return { ms, status: r.status, rows, stderr: r.stderr };
}

async function main() {
  const o = parse(process.argv.slice(2));
  if (o.help) return void process.stdout.write(`${USAGE}\n`);
  if (!existsSync(join(o.tree, "include")) || !existsSync(join(o.tree, "src"))) throw new Error(`${o.tree}: not a devicetree-rebasing tree (include/ and src/)`);
  rmSync(o.out, { recursive: true, force: true });
  mkdirSync(o.out, { recursive: true });
  // Relative to the tree, as a kernel build names them.
  let boards = o.arch.flatMap((a) => findBoards(join(o.tree, "src", a)).map((p) => p.slice(o.tree.length + 1)));
  const limited = Number.isFinite(o.limit);
  if (limited) boards = boards.slice(0, o.limit);
  // A limited run passes the boards themselves; a whole run the arch directories (as a user would).
  const operands = limited ? boards : o.arch.map((a) => join("src", a));
  const dtcDir = join(o.out, "dtc");
  const machine = `node ${process.version}, ${spawnSync(o.dtc, ["--version"], { encoding: "utf8" }).stdout.trim()}, ${o.jobs} workers, load average before: ${readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")}`;
  process.stdout.write(`# Batch over ${o.tree} (${o.arch.join(", ")}: ${boards.length} boards)\n\n${machine}\n\n`);

  const cpu0 = childCpuSeconds();
  const make = await runMakeStyle(o, boards, dtcDir);
  const cpu1 = childCpuSeconds();
  const ours = runDtprobe(o, operands, []);
  const cpu2 = childCpuSeconds();
  make.cpu = cpu1 - cpu0;
  ours.cpu = cpu2 - cpu1;
  if (ours.rows.length !== boards.length) throw new Error(`dtprobe batch gave ${ours.rows.length} rows for ${boards.length} boards (status ${ours.status}): ${ours.stderr.slice(0, 2000)}`);
  const loaded = ours.rows.filter((r) => r.status === "ok").length;
  const table = renderTable(
    ["run", "what", "wall", "CPU (user + sys)", "boards accepted"],
    [
      ["make-style cpp + dtc", "compile", fmtTime(make.ms), `${make.cpu.toFixed(1)} s`, `${make.ok.size} / ${boards.length}`],
      ["dtprobe batch", "compile, checks, report", fmtTime(ours.ms), `${ours.cpu.toFixed(1)} s`, `${loaded} / ${boards.length}`],
    ],
  );
  const ratio = make.ms / ours.ms;
  const cpuRatio = make.cpu / ours.cpu;
  const loadAfter = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
  let text = `${table}\n\nmake-style / dtprobe batch: ${ratio.toFixed(2)}x wall (goal: at least 3x), ${cpuRatio.toFixed(2)}x CPU; load average after: ${loadAfter}\n`;
  const result = { tree: o.tree, arch: o.arch, boards: boards.length, jobs: o.jobs, machine, makeStyleMs: make.ms, makeStyleCpuS: make.cpu, makeStyleAccepted: make.ok.size, dtprobeMs: ours.ms, dtprobeCpuS: ours.cpu, dtprobeLoaded: loaded, ratio, cpuRatio, loadAfter };

  // Boards one side accepts and the other does not.
  const notLoaded = ours.rows.filter((r) => r.status !== "ok");
  const theyAcceptWeDont = notLoaded.filter((r) => make.ok.has(r.board));
  const weAcceptTheyDont = ours.rows.filter((r) => r.status === "ok" && !make.ok.has(r.board));
  text += `\nNot loaded by dtprobe: ${notLoaded.length} (of which cpp + dtc accept ${theyAcceptWeDont.length}); loaded by dtprobe, rejected by cpp + dtc: ${weAcceptTheyDont.length}\n`;
  for (const r of theyAcceptWeDont.slice(0, 30)) text += `  ${r.board}: ${r.status}: ${r.message}\n`;
  for (const r of weAcceptTheyDont.slice(0, 30)) text += `  ${r.board}: accepted by dtprobe, rejected by cpp + dtc\n`;
  result.notLoaded = notLoaded.map((r) => ({ board: r.board, status: r.status, message: r.message, dtcAccepts: make.ok.has(r.board) }));
  result.weAcceptTheyDont = weAcceptTheyDont.map((r) => r.board);

  if (o.compareDtb) {
    const ourDir = join(o.out, "dtprobe");
    const again = runDtprobe(o, operands, ["--dtb-dir", ourDir]);
    let same = 0;
    const differ = [];
    const missing = [];
    for (const board of boards) {
      if (!make.ok.has(board)) continue;
      const a = join(dtcDir, board.replace(/\.dts$/, ".dtb"));
      const b = join(ourDir, board.replace(/\.dts$/, ".dtb"));
      if (!existsSync(b)) missing.push(board);
      else if (Buffer.compare(readFileSync(a), readFileSync(b)) === 0) same++;
      else differ.push(board);
    }
    text += `\nDTBs of the ${make.ok.size} boards cpp + dtc accept: ${same} identical, ${differ.length} differ, ${missing.length} not written by dtprobe (status ${again.status})\n`;
    for (const b of differ.slice(0, 50)) text += `  differs: ${b}\n`;
    for (const b of missing.slice(0, 50)) text += `  not written: ${b}\n`;
    result.dtb = { compared: make.ok.size, identical: same, differ, missing };
  }
  process.stdout.write(text);
  writeFileSync(join(o.out, "results.md"), `${machine}\n\n${text}`);
  writeFileSync(join(o.out, "results.json"), JSON.stringify(result, null, 2) + "\n");
  process.stdout.write(`\nResults written to ${join(o.out, "results.md")} and results.json\n`);
}

main().catch((e) => {
  process.stderr.write(`batch-tree: ${e.message}\n${USAGE}\n`);
  process.exitCode = 2;
});
