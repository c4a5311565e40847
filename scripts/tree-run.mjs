#!/usr/bin/env node
// `node scripts/tree-run.mjs --tree DIR [--arch arm,arm64] [--timeout S] [--jobs N] [--out FILE]
// [--match TEXT] [--kernel V]`: runs `dtprobe report` on every board (*.dts) of a devicetree tree
// laid out as the kernel's (src/<arch>/..., include/), with the include path the kernel's
// Makefile gives cpp (-Iinclude -I$(src) -Isrc, src = src/<arch>), one process per board, each
// with a timeout. Every board must end in a report (exit 0) or a clear error (exit 1, a
// `file:line:col: error:` or `dtprobe: error:` line, no stack trace). Anything else is listed:
// a hang (timeout), an internal error (exit 70), a crash (a signal, another status, a stack
// trace). Not a test: it takes a while. It writes one TSV row per board and a summary.
//
// It runs the built command (bin/dtprobe.mjs: `npm run build` first). A tree to run it on:
// u-boot's dts/upstream (devicetree-rebasing, the kernel's arch/*/boot/dts with include/).
import { spawn } from "node:child_process";
import { readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const projectDir = fileURLToPath(new URL("../", import.meta.url));

function parseOptions(argv) {
  const o = { tree: undefined, arch: ["arm", "arm64"], timeout: 120, jobs: 2, out: undefined, match: undefined, kernel: undefined };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name === "--tree") o.tree = value;
    else if (name === "--arch") o.arch = value.split(",");
    else if (name === "--timeout") o.timeout = Number(value);
    else if (name === "--jobs") o.jobs = Number(value);
    else if (name === "--out") o.out = value;
    else if (name === "--match") o.match = value;
    else if (name === "--kernel") o.kernel = value;
    else throw new Error(`unknown option ${name}`);
  }
  if (!o.tree) throw new Error("usage: node scripts/tree-run.mjs --tree DIR [--arch arm,arm64] [--timeout S] [--jobs N] [--out FILE] [--match TEXT] [--kernel V]");
  return o;
}

function boardsUnder(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith(".dts")) out.push(p);
    }
  }
  return out.sort();
}

/** The ways a run may end: a report (with or without error-class findings) or a clear error. */
const ENDED = new Set(["report", "report-with-errors", "error"]);

/** What a finished run was, from its status, signal and standard error. */
function classify(status, signal, stderr, timedOut) {
  if (timedOut) return "hang";
  if (signal) return "crash";
  if (/\n\s+at .+:\d+:\d+\)?\n/.test(`\n${stderr}\n`)) return "crash";
  if (status === 0) return "report";
  if (status === 70) return "internal-error";
  if (status === 1 && /(^|\n)[^\n]*(: error: |^dtprobe: error: )/.test(stderr)) return "error";
  // --fail-on error: a whole report whose devices hold error-class findings, and no message.
  if (status === 1 && !/\S/.test(stderr)) return "report-with-errors";
  return "crash";
}

function runOne(o, file) {
  const arch = relative(join(o.tree, "src"), file).split("/")[0];
  const args = ["--max-old-space-size=4096", join(projectDir, "bin/dtprobe.mjs"), "report", "--format", "json", "-o", "/dev/null", "-q", "--fail-on", "error", "-i", "include", "-i", `src/${arch}`, "-i", "src"];
  if (o.kernel) args.push("--kernel", o.kernel);
  args.push(relative(o.tree, file));
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { cwd: o.tree, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b) => {
      if (stderr.length < 1 << 16) stderr += b.toString("utf8");
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, o.timeout * 1000);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const kind = classify(status, signal, stderr, timedOut);
      const firstError = stderr.split("\n").find((l) => /error/.test(l)) ?? stderr.split("\n")[0] ?? "";
      resolve({ board: relative(o.tree, file), kind, status, signal, seconds, message: firstError.slice(0, 300) });
    });
  });
}

async function main() {
  const o = parseOptions(process.argv.slice(2));
  let boards = o.arch.flatMap((a) => boardsUnder(join(o.tree, "src", a)));
  if (o.match) boards = boards.filter((b) => b.includes(o.match));
  statSync(join(projectDir, "bin/dtprobe.mjs"));
  const rows = [];
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < boards.length) {
      const file = boards[next++];
      const r = await runOne(o, file);
      rows.push(r);
      if (!ENDED.has(r.kind)) process.stderr.write(`${r.kind}: ${r.board} (${r.seconds.toFixed(1)} s) ${r.message}\n`);
      if (rows.length % 100 === 0) process.stderr.write(`${rows.length}/${boards.length} boards, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.jobs) }, worker));
  rows.sort((a, b) => (a.board < b.board ? -1 : 1));
  const counts = {};
  for (const r of rows) counts[r.kind] = (counts[r.kind] ?? 0) + 1;
  const times = rows.map((r) => r.seconds).sort((a, b) => a - b);
  const slowest = [...rows].sort((a, b) => b.seconds - a.seconds).slice(0, 5);
  if (o.out) {
    const tsv = ["board\tkind\tstatus\tsignal\tseconds\tmessage", ...rows.map((r) => [r.board, r.kind, r.status ?? "", r.signal ?? "", r.seconds.toFixed(2), r.message.replace(/\t/g, " ")].join("\t"))];
    writeFileSync(o.out, tsv.join("\n") + "\n");
  }
  const summary = [
    `${rows.length} boards in ${((Date.now() - started) / 1000).toFixed(0)} s (${o.jobs} jobs, timeout ${o.timeout} s): ` +
      ["report", "report-with-errors", "error", "hang", "internal-error", "crash"].map((k) => `${counts[k] ?? 0} ${k}`).join(", "),
    `per board: median ${times[Math.floor(times.length / 2)]?.toFixed(2)} s, max ${times.at(-1)?.toFixed(2)} s`,
    `slowest: ${slowest.map((r) => `${r.board} ${r.seconds.toFixed(1)} s`).join(", ")}`,
  ];
  process.stdout.write(summary.join("\n") + "\n");
  for (const r of rows) if (!ENDED.has(r.kind)) process.stdout.write(`  ${r.kind}: ${r.board}: ${r.message}\n`);
  process.exitCode = rows.every((r) => ENDED.has(r.kind)) ? 0 : 1;
}

await main();
