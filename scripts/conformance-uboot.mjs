#!/usr/bin/env node
// Compile conformance at scale (docs/robustness.md, "Every board of a devicetree tree"): every
// arm and arm64 board of a devicetree-rebasing tree (u-boot's dts/upstream) through
//   cpp -nostdinc -Iinclude -Isrc/ARCH -Isrc -Itestcase-data -undef -D__DTS__ -x assembler-with-cpp
//   | dtc -O dtb -b 0 -i src/ARCH $(DTC_FLAGS)
// exactly as that tree's Makefile builds them (Debian's cpp and dtc), and through dtprobe's
// `compile --cpp` with the same directories, defines and -W flags; the blobs are compared byte
// for byte and every difference (in the blob, or in accepting the board) is listed.
//
// Not a test: it takes minutes (two external processes per board). dtprobe runs in this process
// from the built bundle (npm run build), which is the same code the command runs; --cli runs the
// command itself per board instead (slower: a Node start-up per board).
//
// usage: node scripts/conformance-uboot.mjs [--tree DIR] [--arch arm,arm64] [--limit N] [--cli]
//                                           [--out FILE.json]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function parseArgs(argv) {
  const o = { tree: "/work/uboot/dts/upstream", arch: ["arm", "arm64"], limit: Infinity, cli: false, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--tree") o.tree = argv[++i];
    else if (a === "--arch") o.arch = argv[++i].split(",");
    else if (a === "--limit") o.limit = Number(argv[++i]);
    else if (a === "--cli") o.cli = true;
    else if (a === "--out") o.out = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** The tree's Makefile: DTC_FLAGS without DTC_VERBOSE. */
const DTC_FLAGS = ["-Wno-unit_address_vs_reg", "-Wno-unit_address_format", "-Wno-avoid_unnecessary_addr_size", "-Wno-alias_paths", "-Wno-graph_child_address", "-Wno-simple_bus_reg", "-Wno-unique_unit_address", "-Wno-pci_device_reg"];

function boardsOf(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".dts")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * cpp | dtc as the tree's Makefile runs them: { ok, dtb, stderr }. The preprocessed file goes
 * beside the board, as the Makefile's dot-target does: dtc looks for /include/ files next to the
 * file it reads (line markers rename it, they do not move it), so it must be that directory.
 */
function reference(tree, arch, board, tmp) {
  const pre = join(tree, dirname(board), `.${basename(board)}.conformance-${process.pid}.tmp`);
  try {
    return runReference(tree, arch, board, tmp, pre);
  } finally {
    rmSync(pre, { force: true });
  }
}

function runReference(tree, arch, board, tmp, pre) {
  const cpp = spawnSync("cpp", ["-nostdinc", "-Iinclude", `-Isrc/${arch}`, "-Isrc", "-Itestcase-data", "-undef", "-D__DTS__", "-x", "assembler-with-cpp", "-o", pre, board], { cwd: tree, encoding: "latin1" });
  if (cpp.status !== 0) return { ok: false, stage: "cpp", stderr: cpp.stderr };
  const out = join(tmp, "ref.dtb");
  const dtc = spawnSync("dtc", ["-O", "dtb", "-o", out, "-b", "0", "-i", `src/${arch}`, ...DTC_FLAGS, pre], { cwd: tree, encoding: "latin1" });
  if (dtc.status !== 0) return { ok: false, stage: `dtc (exit ${dtc.status})`, stderr: dtc.stderr };
  return { ok: true, dtb: readFileSync(out), stderr: dtc.stderr };
}

/**
 * Whether dtc's error is a syntax error at a label-relative path reference (`&{label/path}`),
 * which dtc 1.6.1 does not know and dtc 1.7.1 and later accept (dtprobe follows 1.8.1).
 */
function atLabelRelativeReference(tree, dtcError) {
  const m = /^Error: (\S+):(\d+)\.(\d+)-[\d.]+ syntax error$/.exec(dtcError);
  if (!m) return false;
  const line = readFileSync(join(tree, m[1]), "latin1").split("\n")[Number(m[2]) - 1] ?? "";
  return /&\{[^/}]/.test(line);
}

function includeDirs(arch) {
  return ["include", `src/${arch}`, "src", "testcase-data"];
}

async function oursInProcess(lib, tree, arch, board) {
  const sink = new lib.DiagnosticSink({ keep: true });
  const overrides = DTC_FLAGS.map((f) => ({ name: f.slice(2), kind: "warning", enable: false }));
  const outcome = lib.compile(board, {
    ...lib.defaultCompileOptions,
    cpp: true,
    includeDirs: includeDirs(arch),
    defines: [{ name: "__DTS__" }],
    checkOverrides: overrides,
    bootCpu: 0,
    outputFormat: "dtb",
    host: lib.rootedFileHost(tree),
  }, sink);
  const firstError = sink.items.find((d) => d.severity === "error");
  const where = firstError?.span ? firstError.span.file.positionAt(firstError.span.start) : undefined;
  const error = firstError && `${where ? `${where.file}:${where.line}: ` : ""}${firstError.message}`;
  return outcome.ok ? { ok: true, dtb: Buffer.from(outcome.output) } : { ok: false, stage: outcome.stage, error };
}

function oursCli(tree, arch, board, tmp) {
  const out = join(tmp, "ours.dtb");
  const r = spawnSync(process.execPath, [join(root, "bin/dtprobe.mjs"), "compile", "--cpp", "-D", "__DTS__", ...includeDirs(arch).flatMap((d) => ["-i", d]), "-O", "dtb", "-o", out, "-b", "0", ...DTC_FLAGS, board], { cwd: tree, encoding: "latin1" });
  if (r.status !== 0) return { ok: false, stage: `exit ${r.status}`, error: r.stderr.split("\n")[0] };
  return { ok: true, dtb: readFileSync(out) };
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(opts.tree, "src"))) throw new Error(`no devicetree tree at ${opts.tree} (--tree DIR)`);
  const lib = opts.cli ? undefined : await import(join(root, "dist/lib.mjs"));
  const tmp = mkdtempSync(join(tmpdir(), "dtprobe-conformance-"));
  const result = { tree: opts.tree, dtc: spawnSync("dtc", ["--version"], { encoding: "latin1" }).stdout.trim(), boards: 0, sameDtb: 0, differentDtb: [], bothRejected: [], onlyDtcAccepts: [], onlyDtprobeAccepts: [], seconds: 0 };
  const started = Date.now();
  try {
    for (const arch of opts.arch) {
      const boards = boardsOf(join(opts.tree, "src", arch)).map((b) => relative(opts.tree, b));
      for (const board of boards) {
        if (result.boards >= opts.limit) break;
        result.boards++;
        const ref = reference(opts.tree, arch, board, tmp);
        const ours = opts.cli ? oursCli(opts.tree, arch, board, tmp) : await oursInProcess(lib, opts.tree, arch, board);
        if (ref.ok && ours.ok) {
          if (ref.dtb.equals(ours.dtb)) result.sameDtb++;
          else result.differentDtb.push(board);
        } else if (!ref.ok && !ours.ok) result.bothRejected.push({ board, dtc: ref.stderr.split("\n").find((l) => /error|FATAL/i.test(l)) ?? ref.stage, dtprobe: ours.error ?? ours.stage });
        else if (ref.ok) result.onlyDtcAccepts.push({ board, dtprobe: ours.error ?? ours.stage });
        else {
          const dtcError = ref.stderr.split("\n").find((l) => /error|FATAL/i.test(l)) ?? ref.stage;
          const entry = { board, dtc: dtcError, labelRelative: atLabelRelativeReference(opts.tree, dtcError) };
          result.onlyDtprobeAccepts.push(entry);
        }
        if (result.boards % 100 === 0) process.stderr.write(`${result.boards} boards, ${result.sameDtb} identical\n`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  result.seconds = Math.round((Date.now() - started) / 1000);
  const summary = [
    `${result.boards} boards (${opts.arch.join(", ")}) of ${opts.tree}, against ${result.dtc} and Debian's cpp, in ${result.seconds} s`,
    `  identical blobs:          ${result.sameDtb}`,
    `  different blobs:          ${result.differentDtb.length}${result.differentDtb.length ? ` (${result.differentDtb.slice(0, 10).join(", ")}${result.differentDtb.length > 10 ? ", ..." : ""})` : ""}`,
    `  both reject:              ${result.bothRejected.length}`,
    `  only dtc accepts:         ${result.onlyDtcAccepts.length}`,
    `  only dtprobe accepts:     ${result.onlyDtprobeAccepts.length} (${result.onlyDtprobeAccepts.filter((r) => r.labelRelative).length} use label-relative path references, dtc 1.7.1+ syntax)`,
  ];
  for (const r of result.onlyDtcAccepts.slice(0, 20)) summary.push(`    dtc accepts, dtprobe: ${r.board}: ${r.dtprobe}`);
  for (const r of result.onlyDtprobeAccepts.filter((x) => !x.labelRelative).slice(0, 20)) summary.push(`    dtprobe accepts, dtc: ${r.board}: ${r.dtc}`);
  for (const r of result.bothRejected.slice(0, 20)) summary.push(`    both reject ${r.board}: dtc: ${r.dtc} | dtprobe: ${r.dtprobe}`);
  process.stdout.write(summary.join("\n") + "\n");
  if (opts.out) writeFileSync(opts.out, JSON.stringify(result, null, 2) + "\n");
  const unexplained = result.onlyDtprobeAccepts.filter((r) => !r.labelRelative).length;
  return result.differentDtb.length + result.onlyDtcAccepts.length + unexplained === 0 ? 0 : 1;
}

process.exitCode = await main();
