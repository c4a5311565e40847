// `dtprobe report FILE [--pci F] [--hw F] [--scenario F] [--kernel V] [--policy P] [--bootargs S]
// [--kernel-src DIR] [--kconfig FILE] [--assume-drivers] [--format text|json|table|sysfs|dot|svg|html]
// [--sort COLUMN] [-o OUT] [--fail-on CLASS] [-q] [-W CHECK] [-E CHECK]`: load
// the board, check every side input against it, build the device graph, run the emulated probe,
// print the attachment report (or its picture). Diagnostics go to standard error once (the report
// counts them; JSON keeps them). Exit status: 2 usage, 1 input errors (or findings with
// --fail-on), 0 otherwise.
import { loadDeviceTree } from "../compile/index.ts";
import { checkPciTopology } from "../graph/index.ts";
import { checkHwOverrides } from "../iommu/index.ts";
import { propertyString, toOfNode, type OfNode } from "../of/index.ts";
import { cmdlineProblems, DEFAULT_KERNEL, driverCatalogForSource, KERNEL_RANGE, parseKernelVersion, splitCmdline, type DriverCatalog, type Policy } from "../probe/index.ts";
import { jsonChunks, readSideFiles, reportTextChunks, runBoard, type BoardRun } from "../report/index.ts";
import { DiagnosticSink, type Span } from "../source/index.ts";
import { findNodeByPath } from "../tree/find.ts";
import type { DeviceTree } from "../tree/model.ts";
import { formatOptionHelp, parseArgs, UsageError, type OptionSpec } from "./args.ts";
import { optionValues, readKconfigFile } from "./board-options.ts";
import { errorOption, failOnOption, findingsExitStatus, parseDiagnosticOptions, parseFailOn, quietOption, warningOption } from "./common-options.ts";
import { parseDefineArg } from "./compile-command.ts";
import { isPictureFormat, renderPicture } from "./formats.ts";
import { printDiagnostics } from "./print-diagnostics.ts";
import { writeStderr, writeStdout } from "./stdio.ts";
import { parseSort, sortSpec, VIEW_FORMATS, writeView } from "./view-formats.ts";
import { OutputError, writeOutput } from "./write-output.ts";

const policies: readonly Policy[] = ["per-group", "per-device", "per-instance"];
const kernels = `${KERNEL_RANGE.oldest} to ${KERNEL_RANGE.newest}`;

const specs: OptionSpec[] = [
  { long: "pci", key: "pci", takesValue: true, valueName: "FILE", help: "PCI topology (JSON, the format of docs/report.md)" },
  { long: "hw", key: "hw", takesValue: true, valueName: "FILE", help: "per-instance IOMMU hardware limits (JSON)" },
  { long: "kernel", key: "kernel", takesValue: true, valueName: "VERSION", help: `kernel version to emulate, ${kernels} (default ${DEFAULT_KERNEL}; eras in docs/kernel-model.md)` },
  { long: "kernel-src", key: "kernel-src", takesValue: true, valueName: "DIR", help: "the drivers of your own kernel tree (or tarball): extracted once, then cached (docs/kernel-data.md)" },
  { long: "kconfig", key: "kconfig", takesValue: true, valueName: "FILE", help: "your kernel's .config: =y binds at its initcall, =m after boot as a module, unset: no driver (default: Debian's)" },
  { long: "assume-drivers", key: "assume-drivers", takesValue: false, help: "no driver table: assume every device tree device has a driver (shown \"(assumed)\")" },
  { long: "policy", key: "policy", takesValue: true, valueName: "P", help: "default-domain policy: per-group, per-device, per-instance (default: the kernel's own for the board's architecture)" },
  { long: "scenario", key: "scenario", takesValue: true, valueName: "FILE", help: "runtime steps after boot: unbind, bind, VFIO claim, domain attach, ... (JSON, docs/scenarios.md)" },
  { long: "bootargs", key: "bootargs", takesValue: true, valueName: "S", help: "kernel command line (default: /chosen/bootargs)" },
  { long: "format", key: "format", takesValue: true, valueName: "F", help: "text (default), json, table (one row per device), sysfs (/sys/kernel/iommu_groups), or a picture: dot, svg, html (docs/pictures.md)" },
  sortSpec,
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "write the report to FILE (default: standard output); --format sysfs: a directory" },
  failOnOption("never"),
  quietOption,
  warningOption,
  errorOption,
  { short: "i", long: "include", key: "include", takesValue: true, valueName: "DIR", help: "include directory for #include and /include/" },
  { short: "D", long: "define", key: "define", takesValue: true, valueName: "NAME[=VAL]", help: "define a preprocessor macro" },
  { long: "no-cpp", key: "no-cpp", takesValue: false, help: "do not run the built-in preprocessor on DTS input" },
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
];

export const reportUsage = `usage: dtprobe report [options] FILE   (FILE: .dts, preprocessed by default, or .dtb)\n\n${formatOptionHelp(specs)}\n`;

/** The kernel command line the run will use, and where it is written (for messages). */
function commandLine(tree: DeviceTree, given: string | undefined): { text: string; where: string; span: Span | undefined } {
  if (given !== undefined) return { text: given, where: "--bootargs", span: undefined };
  const prop = tree.root.child("chosen")?.property("bootargs");
  const chosen = tree.root.child("chosen");
  return { text: (prop && chosen && propertyString(chosen, "bootargs")) ?? "", where: "/chosen/bootargs", span: prop?.span };
}

function ofNodeAt(tree: DeviceTree, path: string): OfNode | undefined {
  const node = findNodeByPath(tree, path);
  return node && toOfNode(node);
}

/** The board and every side input, checked against each other; undefined after an error. */
function loadAndCheck(input: string, o: ReturnType<typeof readOptions>, sink: DiagnosticSink) {
  const side = readSideFiles({ pci: o.pci, hw: o.hw, scenario: o.scenario }, sink);
  if (!side) return undefined;
  const tree = loadDeviceTree(input, { cpp: o.cpp, includeDirs: o.includeDirs, defines: o.defines, checkOverrides: o.checkOverrides }, sink);
  if (!tree || sink.errorCount > 0) return undefined;
  if (side.pci) checkPciTopology(side.pci, tree, sink);
  if (side.hw) checkHwOverrides(side.hw, (path) => ofNodeAt(tree, path), sink);
  const cmdline = commandLine(tree, o.bootargs);
  for (const p of cmdlineProblems(splitCmdline(cmdline.text), o.kernel)) sink.warning("bootargs", `${cmdline.where}: ${p.message}`, cmdline.span);
  if (sink.errorCount > 0) return undefined;
  return { tree, side };
}

function readOptions(argv: readonly string[]) {
  const parsed = parseArgs(argv, specs);
  const get = (key: string) => optionValues(parsed, key);
  const help = get("help").length > 0;
  const format = get("format").at(-1) ?? "text";
  if (format !== "text" && format !== "json" && !VIEW_FORMATS.includes(format) && !isPictureFormat(format)) throw new UsageError(`invalid --format '${format}' (text, json, ${VIEW_FORMATS.join(", ")}, dot, svg or html)`);
  const sort = parseSort(get("sort"), format);
  // Absent: what this kernel does on the board's architecture (arm32: per-device mappings;
  // arm64: per-group default domains). Given: that policy, marked hypothetical where the kernel
  // never had it.
  const policyText = get("policy").at(-1);
  if (policyText !== undefined && !(policies as readonly string[]).includes(policyText)) throw new UsageError(`invalid --policy '${policyText}' (${policies.join(", ")})`);
  const kernelText = get("kernel").at(-1) ?? DEFAULT_KERNEL;
  const kernel = parseKernelVersion(kernelText);
  if (!kernel) throw new UsageError(`invalid --kernel '${kernelText}': dtprobe emulates kernels ${kernels} (a version such as 6.1 or 6.15)`);
  const { quiet, checkOverrides } = parseDiagnosticOptions(parsed);
  const assume = get("assume-drivers").length > 0;
  const kernelSrc = get("kernel-src").at(-1);
  const kconfig = get("kconfig").at(-1);
  if (assume && (kernelSrc !== undefined || kconfig !== undefined)) throw new UsageError("--assume-drivers cannot be combined with --kernel-src or --kconfig");
  if (!help && parsed.operands.length !== 1) throw new UsageError(parsed.operands.length === 0 ? "missing input FILE" : `expected one input FILE, got ${parsed.operands.length}`);
  return {
    help,
    input: parsed.operands[0]!,
    format,
    sort,
    policy: policyText as Policy | undefined,
    kernel,
    outPath: get("out").at(-1) ?? "-",
    failOn: parseFailOn(parsed, "never"),
    quiet,
    checkOverrides,
    pci: get("pci").at(-1),
    hw: get("hw").at(-1),
    scenario: get("scenario").at(-1),
    bootargs: get("bootargs").at(-1),
    cpp: get("no-cpp").length === 0,
    includeDirs: get("include"),
    defines: [{ name: "__DTS__" }, ...get("define").map(parseDefineArg)],
    assume,
    kernelSrc,
    kconfig,
  };
}

/**
 * Which drivers the run uses: --kernel-src DIR [--kconfig FILE] (the user's tree, extracted once
 * and cached), or --kconfig FILE over the shipped table, or --assume-drivers. null after an error
 * (in the sink).
 */
async function driverOptions(o: ReturnType<typeof readOptions>, sink: DiagnosticSink) {
  if (o.kernelSrc !== undefined) {
    let drivers: DriverCatalog;
    try {
      drivers = await driverCatalogForSource(o.kernelSrc, o.kernel.label, o.kconfig);
    } catch (e) {
      sink.error("io", `--kernel-src ${o.kernelSrc}: ${(e as Error).message}`);
      return null;
    }
    return { drivers, driverTables: { assume: false } };
  }
  if (o.kconfig === undefined) return { driverTables: { assume: o.assume } };
  const kconfig = readKconfigFile(o.kconfig, sink);
  return kconfig ? { driverTables: { assume: false, kconfig } } : null;
}

/** The report as the chunks to write: JSON (exactly JSON.stringify(report, null, 2)), text or a picture. */
async function reportChunks(run: BoardRun, format: string, argv: readonly string[]): Promise<Iterable<string>> {
  if (isPictureFormat(format)) return renderPicture(format, run, argv);
  if (format === "text") return reportTextChunks(run.report);
  return (function* () {
    yield* jsonChunks(run.report, 2);
    yield "\n";
  })();
}

export async function runReportCommand(argv: readonly string[]): Promise<number> {
  const o = readOptions(argv);
  if (o.help) {
    writeStdout(reportUsage);
    return 0;
  }
  const sink = new DiagnosticSink();
  const drivers = await driverOptions(o, sink);
  const loaded = drivers && loadAndCheck(o.input, o, sink);
  const run = loaded && runBoard(loaded.tree, o.input, { kernel: o.kernel, policy: o.policy, bootargs: o.bootargs, ...drivers, ...loaded.side }, sink);
  // Diagnostics once, before the report (dtc prints as it goes; a reader of the report on the
  // same terminal sees them first). The report counts them and JSON keeps them.
  // A diagnostic without a position (--bootargs) is the command's own: "dtprobe: warning: ...".
  printDiagnostics(sink.items, { quiet: o.quiet, outputName: "dtprobe" });
  if (!run) return 1;
  try {
    if (VIEW_FORMATS.includes(o.format)) await writeView(o.format, run, o.outPath, o.sort);
    else await writeOutput(o.outPath, await reportChunks(run, o.format, argv));
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    writeStderr(`dtprobe: error: ${e.message}\n`);
    return 1;
  }
  return findingsExitStatus(run.report.summary, o.failOn);
}
