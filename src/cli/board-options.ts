// The options every command that runs a board takes (`report`'s: side files, kernel, policy,
// bootargs, preprocessor, driver tables, dtc's -W/-E), parsed once for compare, diff, verify and
// batch. Same names, values and messages as `dtprobe report`.
import { driverTablesForSource, parseKernelVersion, type Policy } from "../probe/index.ts";
import { readFileSync } from "node:fs";
import { readSideFiles, type BoardSideFiles, type ParsedSideFiles, type ReportBoardOptions } from "../report/index.ts";
import { strerror, type DiagnosticSink } from "../source/index.ts";
import { UsageError, type OptionSpec, type ParsedArgs } from "./args.ts";
import { errorOption, parseDiagnosticOptions, warningOption } from "./common-options.ts";
import { parseDefineArg } from "./compile-command.ts";

export const POLICIES: readonly Policy[] = ["per-group", "per-device", "per-instance"];

export const boardOptionSpecs: readonly OptionSpec[] = [
  { long: "pci", key: "pci", takesValue: true, valueName: "FILE", help: "PCI topology (JSON, the format of docs/report.md)" },
  { long: "hw", key: "hw", takesValue: true, valueName: "FILE", help: "per-instance IOMMU hardware limits (JSON)" },
  { long: "kernel", key: "kernel", takesValue: true, valueName: "VERSION", help: "kernel version to emulate (e.g. 3.19, 6.1, 6.15; default: see docs/kernel-model.md)" },
  { long: "policy", key: "policy", takesValue: true, valueName: "P", help: "default-domain policy: per-group, per-device, per-instance (default: the kernel's own for the board's architecture)" },
  { long: "scenario", key: "scenario", takesValue: true, valueName: "FILE", help: "runtime steps after boot (JSON, docs/scenarios.md)" },
  { long: "bootargs", key: "bootargs", takesValue: true, valueName: "S", help: "kernel command line (default: /chosen/bootargs)" },
  { short: "i", long: "include", key: "include", takesValue: true, valueName: "DIR", help: "include directory for #include and /include/" },
  { short: "D", long: "define", key: "define", takesValue: true, valueName: "NAME[=VAL]", help: "define a preprocessor macro" },
  { long: "cpp", key: "cpp", takesValue: false, help: "run the built-in preprocessor on DTS input (the default)" },
  { long: "no-cpp", key: "no-cpp", takesValue: false, help: "do not run the built-in preprocessor on DTS input" },
  { long: "kernel-src", key: "kernel-src", takesValue: true, valueName: "DIR", help: "the drivers of your own kernel tree (or tarball): extracted once, then cached (docs/kernel-data.md)" },
  { long: "kconfig", key: "kconfig", takesValue: true, valueName: "FILE", help: "your kernel's .config (over the shipped driver tables, or --kernel-src's tree) (docs/kernel-data.md)" },
  { long: "assume-drivers", key: "assume-drivers", takesValue: false, help: "no driver table: assume every device tree device has a driver (shown \"(assumed)\")" },
  warningOption,
  errorOption,
];

/** All values of one option, in command-line order. */
export function optionValues(parsed: ParsedArgs, key: string): string[] {
  return parsed.options.filter((o) => o.key === key).map((o) => o.value ?? "");
}

export function checkPolicy(text: string): Policy {
  if (!(POLICIES as readonly string[]).includes(text)) throw new UsageError(`invalid --policy '${text}' (${POLICIES.join(", ")})`);
  return text as Policy;
}

export function checkKernel(text: string): string {
  if (!parseKernelVersion(text)) throw new UsageError(`invalid --kernel '${text}' (a version such as 3.19, 6.1 or 6.15)`);
  return text;
}

/** Whether the built-in preprocessor runs: the last of --cpp / --no-cpp wins (default on). */
function cppWanted(parsed: ParsedArgs): boolean {
  const last = parsed.options.filter((o) => o.key === "cpp" || o.key === "no-cpp").at(-1);
  return last?.key !== "no-cpp";
}

export interface BoardOptions {
  /** Load and run options, side files not yet read. */
  readonly run: Omit<ReportBoardOptions, "pci" | "hw" | "scenario">;
  readonly sideFiles: BoardSideFiles;
  /** --kconfig FILE, not yet read (readBoardSideFiles reads it). */
  readonly kconfig?: string;
  /** --kernel-src DIR, not yet extracted (readBoardSideFiles does it, or finds it cached). */
  readonly kernelSrc?: string;
}

/** The board options of a command line; usage errors throw UsageError (exit 2). */
export function readBoardOptions(parsed: ParsedArgs): BoardOptions {
  const last = (key: string) => optionValues(parsed, key).at(-1);
  const policy = last("policy");
  const kernel = last("kernel");
  const assume = optionValues(parsed, "assume-drivers").length > 0;
  const kconfig = last("kconfig");
  const kernelSrc = last("kernel-src");
  if (assume && (kconfig !== undefined || kernelSrc !== undefined)) throw new UsageError("--assume-drivers cannot be combined with --kernel-src or --kconfig");
  return {
    run: {
      cpp: cppWanted(parsed),
      includeDirs: optionValues(parsed, "include"),
      defines: [{ name: "__DTS__" }, ...optionValues(parsed, "define").map(parseDefineArg)],
      kernel: kernel === undefined ? undefined : checkKernel(kernel),
      policy: policy === undefined ? undefined : checkPolicy(policy),
      bootargs: last("bootargs"),
      driverTables: { assume },
      // -W/-E as report and dtc take them (the kernel build's DTC_FLAGS turn checks off this way).
      checkOverrides: parseDiagnosticOptions(parsed).checkOverrides,
    },
    sideFiles: { pci: last("pci"), hw: last("hw"), scenario: last("scenario") },
    kconfig,
    kernelSrc,
  };
}

/**
 * The side files read and validated as `dtprobe report` reads them, and the driver tables: the
 * tree of --kernel-src (extracted into the cache now, so that batch workers only read it), or
 * --kconfig's text over the shipped tables; undefined after an error, which is in the sink (exit 1).
 */
export async function readBoardSideFiles(board: BoardOptions, sink: DiagnosticSink): Promise<(ParsedSideFiles & Pick<ReportBoardOptions, "driverTables">) | undefined> {
  const side = readSideFiles(board.sideFiles, sink);
  if (board.kernelSrc !== undefined) {
    try {
      const driverTables = await driverTablesForSource(board.kernelSrc, board.kconfig);
      return side && { ...side, driverTables };
    } catch (e) {
      sink.error("io", `--kernel-src ${board.kernelSrc}: ${(e as Error).message}`);
      return undefined;
    }
  }
  if (board.kconfig === undefined) return side;
  const kconfig = readKconfigFile(board.kconfig, sink);
  return kconfig && side && { ...side, driverTables: { assume: false, kconfig } };
}

/** --kconfig FILE read for the driver tables (report and the board commands); undefined after an error, in the sink. */
export function readKconfigFile(file: string, sink: DiagnosticSink): { file: string; text: string } | undefined {
  try {
    return { file, text: readFileSync(file, "latin1") };
  } catch (e) {
    sink.error("io", `Couldn't open "${file}": ${strerror(e)}`);
    return undefined;
  }
}
