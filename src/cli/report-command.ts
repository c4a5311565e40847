// `dtprobe report FILE [--pci F] [--hw F] [--kernel V] [--policy P] [--bootargs S]
// [--format text|json|table|sysfs|dot|svg|html] [--sort COLUMN] [-o OUT]`: load the board, build the device graph, run the emulated probe,
// print the attachment report.
import { DEFAULT_KERNEL, parseKernelVersion, type Policy } from "../probe/index.ts";
import { readSideFiles, renderReportTextChunks, runBoardFile } from "../report/index.ts";
import { checkModelOps } from "../report/scenario-file.ts";
import { DiagnosticSink } from "../source/index.ts";
import { formatOptionHelp, parseArgs, UsageError, type OptionSpec } from "./args.ts";
import { parseDefineArg } from "./compile-command.ts";
import { isPictureFormat, renderPicture } from "./formats.ts";
import { printDiagnostics } from "./print-diagnostics.ts";
import { writeOutput } from "./write-output.ts";
import { parseSort, sortSpec, VIEW_FORMATS, writeView } from "./view-formats.ts";

const policies: readonly Policy[] = ["per-group", "per-device", "per-instance"];

const specs: OptionSpec[] = [
  { long: "pci", key: "pci", takesValue: true, valueName: "FILE", help: "PCI topology (JSON, the format of docs/report.md)" },
  { long: "hw", key: "hw", takesValue: true, valueName: "FILE", help: "per-instance IOMMU hardware limits (JSON)" },
  { long: "kernel", key: "kernel", takesValue: true, valueName: "VERSION", help: "kernel version to emulate (e.g. 3.19, 6.1, 6.15; default: see docs/kernel-model.md)" },
  { long: "policy", key: "policy", takesValue: true, valueName: "P", help: "default-domain policy: per-group, per-device, per-instance (default: the kernel's own for the board's architecture)" },
  { long: "scenario", key: "scenario", takesValue: true, valueName: "FILE", help: "runtime steps after boot: unbind, bind, VFIO claim, domain attach, ... (JSON, docs/scenarios.md)" },
  { long: "bootargs", key: "bootargs", takesValue: true, valueName: "S", help: "kernel command line (default: /chosen/bootargs)" },
  { long: "format", key: "format", takesValue: true, valueName: "F", help: "text (default), json, table (one row per device), sysfs (/sys/kernel/iommu_groups), or a picture: dot, svg, html (docs/pictures.md)" },
  sortSpec,
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "write the report to FILE (default: standard output); --format sysfs: a directory" },
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
  if (format !== "text" && format !== "json" && !VIEW_FORMATS.includes(format) && !isPictureFormat(format)) throw new UsageError(`invalid --format '${format}' (text, json, ${VIEW_FORMATS.join(", ")}, dot, svg or html)`);
  const sort = parseSort(get("sort"), format);
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
      ...side,
    },
    sink,
  );
  if (!run) return finish(1);
  if (VIEW_FORMATS.includes(format)) return finish(writeView(format, run, outPath, sort, sink) ? 0 : 1);
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
