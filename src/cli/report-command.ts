// `dtprobe report FILE [--pci F] [--hw F] [--kernel V] [--policy P] [--bootargs S]
// [--kernel-src DIR] [--kconfig FILE] [--assume-drivers] [--format text|json|dot|svg|html] [-o OUT]`: load the board, build the device graph, run the emulated probe,
// print the attachment report.
import { readFileSync } from "node:fs";
import { DEFAULT_KERNEL, driverCatalogForSource, parseKernelVersion, type DriverCatalog, type Policy } from "../probe/index.ts";
import { readSideFiles, renderReportTextChunks, runBoardFile } from "../report/index.ts";
import { checkModelOps } from "../report/scenario-file.ts";
import { DiagnosticSink } from "../source/index.ts";
import { formatOptionHelp, parseArgs, UsageError, type OptionSpec } from "./args.ts";
import { parseDefineArg } from "./compile-command.ts";
import { isPictureFormat, renderPicture } from "./formats.ts";
import { printDiagnostics } from "./print-diagnostics.ts";
import { writeOutput } from "./write-output.ts";

const policies: readonly Policy[] = ["per-group", "per-device", "per-instance"];

const specs: OptionSpec[] = [
  { long: "pci", key: "pci", takesValue: true, valueName: "FILE", help: "PCI topology (JSON, the format of docs/report.md)" },
  { long: "hw", key: "hw", takesValue: true, valueName: "FILE", help: "per-instance IOMMU hardware limits (JSON)" },
  { long: "kernel", key: "kernel", takesValue: true, valueName: "VERSION", help: "kernel version to emulate (e.g. 3.19, 6.1, 6.15; default: see docs/kernel-model.md)" },
  { long: "kernel-src", key: "kernel-src", takesValue: true, valueName: "DIR", help: "the drivers of your own kernel tree (or tarball): extracted once, then cached (docs/kernel-data.md)" },
  { long: "kconfig", key: "kconfig", takesValue: true, valueName: "FILE", help: "your kernel's .config: =y binds at its initcall, =m after boot as a module, unset: no driver (default: Debian's)" },
  { long: "assume-drivers", key: "assume-drivers", takesValue: false, help: "no driver table: assume every device tree device has a driver (shown \"(assumed)\")" },
  { long: "policy", key: "policy", takesValue: true, valueName: "P", help: "default-domain policy: per-group, per-device, per-instance (default: the kernel's own for the board's architecture)" },
  { long: "scenario", key: "scenario", takesValue: true, valueName: "FILE", help: "runtime steps after boot: unbind, bind, VFIO claim, domain attach, ... (JSON, docs/scenarios.md)" },
  { long: "bootargs", key: "bootargs", takesValue: true, valueName: "S", help: "kernel command line (default: /chosen/bootargs)" },
  { long: "format", key: "format", takesValue: true, valueName: "F", help: "text (default), json, or a picture: dot, svg, html (docs/pictures.md)" },
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "write the report to FILE (default: standard output)" },
  { short: "i", long: "include", key: "include", takesValue: true, valueName: "DIR", help: "include directory for #include and /include/" },
  { short: "D", long: "define", key: "define", takesValue: true, valueName: "NAME[=VAL]", help: "define a preprocessor macro" },
  { long: "no-cpp", key: "no-cpp", takesValue: false, help: "do not run the built-in preprocessor on DTS input" },
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
];

export const reportUsage = `usage: dtprobe report [options] FILE   (FILE: .dts, preprocessed by default, or .dtb)\n\n${formatOptionHelp(specs)}\n`;

export async function runReportCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv, specs);
  const get = (key: string) => parsed.options.filter((o) => o.key === key).map((o) => o.value ?? "");
  if (get("help").length > 0) {
    process.stdout.write(reportUsage);
    return 0;
  }
  if (parsed.operands.length !== 1) throw new UsageError(parsed.operands.length === 0 ? "missing input FILE" : "expected one input FILE");
  const format = get("format").at(-1) ?? "text";
  if (format !== "text" && format !== "json" && !isPictureFormat(format)) throw new UsageError(`invalid --format '${format}' (text, json, dot, svg or html)`);
  // Absent: what this kernel does on the board's architecture (arm32: per-device mappings;
  // arm64: per-group default domains). Given: that policy, marked hypothetical where the kernel
  // never had it.
  const policyText = get("policy").at(-1);
  if (policyText !== undefined && !(policies as readonly string[]).includes(policyText)) throw new UsageError(`invalid --policy '${policyText}' (${policies.join(", ")})`);
  const kernelText = get("kernel").at(-1) ?? DEFAULT_KERNEL;
  const kernel = parseKernelVersion(kernelText);
  if (!kernel) throw new UsageError(`invalid --kernel '${kernelText}' (a version such as 3.19, 6.1 or 6.15)`);
  const outPath = get("out").at(-1) ?? "-";

  const sink = new DiagnosticSink();
  const finish = (code: number) => {
    printDiagnostics(sink.items, { quiet: 0, outputName: outPath === "-" ? "<stdout>" : outPath });
    return code;
  };

  const kconfigPath = get("kconfig").at(-1);
  const assume = get("assume-drivers").length > 0;
  const kernelSrc = get("kernel-src").at(-1);
  if (assume && (kernelSrc !== undefined || kconfigPath !== undefined)) throw new UsageError("--assume-drivers cannot be combined with --kernel-src or --kconfig");
  const drivers = kernelSrc !== undefined ? await driversOfTree(kernelSrc, kconfigPath, kernel.label, sink) : undefined;
  if (drivers === null) return finish(1);
  let kconfig: { file: string; text: string } | undefined;
  if (kconfigPath !== undefined && kernelSrc === undefined) {
    try {
      kconfig = { file: kconfigPath, text: readFileSync(kconfigPath, "latin1") };
    } catch (e) {
      sink.error("io", `Couldn't open "${kconfigPath}": ${(e as Error).message}`);
      return finish(1);
    }
  }
  const side = readSideFiles({ pci: get("pci").at(-1), hw: get("hw").at(-1), scenario: get("scenario").at(-1) }, sink);
  if (!side || (side.scenario && !checkModelOps(side.scenario, sink))) return finish(1);
  const run = runBoardFile(
    parsed.operands[0]!,
    {
      cpp: get("no-cpp").length === 0,
      includeDirs: get("include"),
      defines: [{ name: "__DTS__" }, ...get("define").map(parseDefineArg)],
      kernel,
      policy: policyText as Policy | undefined,
      bootargs: get("bootargs").at(-1),
      drivers,
      driverTables: { assume, kconfig },
      ...side,
    },
    sink,
  );
  if (!run) return finish(1);
  const report = run.report;
  const text = isPictureFormat(format) ? await renderPicture(format, run, argv) : format === "json" ? [JSON.stringify(report, null, 2), "\n"] : renderReportTextChunks(report);
  try {
    writeOutput(outPath, text);
  } catch (e) {
    sink.error("io", `couldn't write ${outPath}: ${(e as Error).message}`);
    return finish(1);
  }
  return finish(0);
}

/** --kernel-src DIR [--kconfig FILE]: the user's tree, extracted once and cached; null on an error (in the sink). */
async function driversOfTree(dir: string, kconfig: string | undefined, version: string, sink: DiagnosticSink): Promise<DriverCatalog | null> {
  try {
    return await driverCatalogForSource(dir, version, kconfig);
  } catch (e) {
    sink.error("io", `--kernel-src ${dir}: ${(e as Error).message}`);
    return null;
  }
}
