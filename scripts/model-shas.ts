// Byte-identity check for restructurings of the kernel model: a SHA-256 of every report (text and
// JSON) over a matrix of boards × kernels × policies × command lines, every kernel fixture with
// its side files (and scenario), the QEMU boards with their PCI topology, generated boards, and
// every compile output (DTB and -O dts) of the corpus boards.
//
//   npx tsx scripts/model-shas.ts --write docs/model-shas.txt   # record (on the unmodified code)
//   npx tsx scripts/model-shas.ts --check docs/model-shas.txt   # compare: exit 1 on any difference
//
// It goes through the library's stable entry points only (runBoard, renderReportText, compile),
// so it runs unchanged on the code before and after a restructuring. A behaviour change makes the
// list stale on purpose: record it again with --write after reviewing the golden diffs.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { compile, defaultCompileOptions, loadDeviceTree } from "../src/compile/index.ts";
import { generateBoard } from "../src/gen/index.ts";
import { parsePciTopology } from "../src/graph/index.ts";
import { parseHwOverrides } from "../src/iommu/index.ts";
import { parseScenario } from "../src/probe/index.ts";
import { renderReportText, runBoard, type BoardRunOptions } from "../src/report/index.ts";
import { DiagnosticSink } from "../src/source/index.ts";
import type { DeviceTree } from "../src/tree/model.ts";

const root = new URL("../", import.meta.url).pathname;
const shared = join(root, "../shared/");
const fixtureDir = join(root, "fixtures/kernel/");

/** The issue's kernels, for the corpus boards. */
const CORPUS_KERNELS = ["3.19", "6.1", "6.8", "6.12", "6.15"];
/**
 * The fixtures are small: they run on every version where the model changes behaviour and the
 * one before it, so each version boundary of the model is covered on both sides.
 */
const FIXTURE_KERNELS = ["3.19", "4.3", "4.4", "4.11", "4.12", "4.18", "4.19", "5.0", "5.1", "5.2", "5.3", "5.4", "5.5", "5.9", "5.10", "5.11", "5.12", "5.13", "5.15", "5.16", "5.17", "5.18", "5.19", "6.0", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8", "6.9", "6.10", "6.11", "6.12", "6.13", "6.14", "6.15", "6.16", "6.17"];
const POLICIES = [undefined, "per-group", "per-device", "per-instance"] as const;
/** undefined: /chosen/bootargs; then the command lines the tests and fixtures use. */
const CORPUS_BOOTARGS = [undefined, "", "driver_async_probe=*", "iommu.passthrough=1", "iommu.strict=0 arm-smmu.disable_bypass=0"];
const FIXTURE_BOOTARGS = [undefined, "", "driver_async_probe=*", "driver_async_probe=arm-smmu-v3", `driver_async_probe=*,${"a".repeat(300)}`, "iommu.passthrough=1", "iommu.strict=0"];

/** The first 48 bits of a SHA-256: plenty to tell two outputs apart (nothing here is adversarial). */
// Text is hashed with the checkout's path taken out (a fixture's report may name the absolute path
// of its input), so that two checkouts of the same commit record the same list.
const sha = (...data: (string | Uint8Array)[]) => {
  const h = createHash("sha256");
  for (const d of data) h.update(typeof d === "string" ? d.replaceAll(root, "<root>/") : d).update("\0");
  return h.digest("hex").slice(0, 12);
};

const lines: string[] = [];
let reports = 0;

function load(path: string, cpp: boolean): DeviceTree {
  const sink = new DiagnosticSink();
  const tree = loadDeviceTree(path, { cpp }, sink);
  if (!tree) throw new Error(`${path}: ${sink.items.map((d) => d.message).join("; ")}`);
  return tree;
}

function side<T>(path: string, parse: (text: string, name: string, sink: DiagnosticSink) => T | undefined): T | undefined {
  if (!existsSync(path)) return undefined;
  const sink = new DiagnosticSink();
  const v = parse(readFileSync(path, "latin1"), basename(path), sink);
  if (!v) throw new Error(`${path}: ${sink.items.map((d) => d.message).join("; ")}`);
  return v;
}

/**
 * One report: the hash of its text and its JSON (the text as renderReportText gives it, the JSON as
 * the CLI writes it). A run that stops (a scenario naming an unknown device...) hashes its diagnostics.
 */
function report(tree: DeviceTree, input: string, options: BoardRunOptions): string {
  const sink = new DiagnosticSink();
  const run = runBoard(tree, input, options, sink);
  if (!run) return `!${sha(sink.items.map((d) => d.message).join("\n")).slice(1)}`;
  return sha(renderReportText(run.report), JSON.stringify(run.report, null, 2));
}

/** One line per (input, kernel, policy): a report hash per command line, in `bootargs` order. */
function matrix(name: string, tree: DeviceTree, input: string, kernels: readonly string[], bootargs: readonly (string | undefined)[], extra: Omit<BoardRunOptions, "kernel" | "policy" | "bootargs"> = {}): void {
  for (const kernel of kernels) {
    for (const policy of POLICIES) {
      const hashes = bootargs.map((b) => report(tree, input, { kernel, policy, bootargs: b, ...extra }));
      lines.push(`${name} ${kernel} ${policy ?? "native"}: ${hashes.join(" ")}`);
      reports += hashes.length;
    }
  }
}

function corpus(): void {
  const dir = join(shared, "corpus/dev/");
  if (!existsSync(dir)) {
    console.error(`note: ${dir} is absent; corpus boards and compile outputs skipped`);
    return;
  }
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".pre.dts")).sort()) {
    const path = join(dir, file);
    const name = file.replace(/\.pre\.dts$/, "");
    matrix(`corpus/${name}`, load(path, false), name, CORPUS_KERNELS, CORPUS_BOOTARGS);
    for (const outputFormat of ["dtb", "dts"] as const) {
      const sink = new DiagnosticSink();
      const r = compile(path, { ...defaultCompileOptions, outputFormat }, sink);
      lines.push(`compile/${name} -O ${outputFormat}: ${sha(r.ok ? r.output : `failed: ${r.stage}`)}`);
    }
  }
}

/** Fixtures that run on the shipped driver tables (test/kernel/driver-binding.test.ts). */
const TABLE_FIXTURES = new Set(["driver-binding"]);

function fixtures(): void {
  for (const file of readdirSync(fixtureDir).filter((f) => f.endsWith(".dts")).sort()) {
    const stem = file.replace(/\.dts$/, "");
    const tree = load(join(fixtureDir, file), true);
    const hw = side(join(fixtureDir, `${stem}.hw.json`), parseHwOverrides);
    // The hand-written fixtures' made-up compatibles run with drivers assumed, as their tests do;
    // the fixtures about driver tables with the shipped tables.
    const driverTables = { assume: !TABLE_FIXTURES.has(stem) };
    matrix(`fixture/${stem}`, tree, file, FIXTURE_KERNELS, FIXTURE_BOOTARGS, { hw, driverTables });
    const scenario = side(join(fixtureDir, `${stem}.scenario.json`), parseScenario);
    if (scenario) matrix(`fixture/${stem}+scenario`, tree, file, FIXTURE_KERNELS, [undefined], { hw, scenario, driverTables });
  }
}

function qemu(): void {
  const dir = join(shared, "qemu/");
  if (!existsSync(dir)) return;
  for (const c of readdirSync(dir).filter((f) => existsSync(join(dir, f, "virt.dtb"))).sort()) {
    const pci = side(join(dir, c, "pci.json"), parsePciTopology);
    matrix(`qemu/${c}`, load(join(dir, c, "virt.dtb"), false), "virt.dtb", CORPUS_KERNELS, [undefined, ""], { pci });
  }
}

function generated(): void {
  // A fresh clone has no node_modules/.cache yet.
  mkdirSync(join(root, "node_modules/.cache"), { recursive: true });
  const tmp = join(root, "node_modules/.cache/model-shas");
  for (const [nodes, iommus, seed] of [
    [3000, 8, 1],
    [2000, 24, 7],
  ] as const) {
    const text = generateBoard({ nodes, iommus, seed });
    const path = `${tmp}-${nodes}-${seed}.dts`;
    writeFileSync(path, text, "latin1");
    matrix(`gen/${nodes}-${iommus}-${seed}`, load(path, true), basename(path), CORPUS_KERNELS, [undefined], { driverTables: { assume: true } });
  }
}

const args = process.argv.slice(2);
const mode = args[0];
const file = args[1];
if ((mode !== "--write" && mode !== "--check") || !file) {
  console.error("usage: tsx scripts/model-shas.ts --write|--check FILE");
  process.exit(2);
}
const argText = (b: string | undefined) => (b === undefined ? "chosen" : JSON.stringify(b.length > 40 ? `${b.slice(0, 30)}...(${b.length})` : b));
const started = Date.now();
corpus();
fixtures();
qemu();
generated();
const header = [
  `# scripts/model-shas.ts: ${reports} reports, ${lines.length} lines; list sha ${sha(lines.join("\n"))}`,
  `# report columns (command line): corpus ${CORPUS_BOOTARGS.map(argText).join(" | ")}`,
  `#   fixtures ${FIXTURE_BOOTARGS.map(argText).join(" | ")}; scenarios, generated boards: chosen; qemu: chosen | ""`,
];
const text = `${header.join("\n")}\n${lines.join("\n")}\n`;
console.error(`${reports} reports, ${lines.length} lines in ${((Date.now() - started) / 1000).toFixed(1)} s; list sha ${sha(lines.join("\n"))}`);
if (mode === "--write") {
  writeFileSync(file, text);
} else {
  const want = readFileSync(file, "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
  const labelOf = (l: string) => l.slice(0, l.indexOf(": "));
  const wantByLabel = new Map(want.map((l) => [labelOf(l), l]));
  let bad = 0;
  for (const l of lines) {
    const w = wantByLabel.get(labelOf(l));
    if (w === l) continue;
    if (bad++ < 20) console.error(`differs: ${l}\n   was:  ${w ?? "(absent)"}`);
  }
  if (want.length !== lines.length) console.error(`lines: ${lines.length}, recorded: ${want.length}`);
  if (bad > 0 || want.length !== lines.length) {
    console.error(`${bad} lines differ`);
    process.exit(1);
  }
  console.error("identical");
}
