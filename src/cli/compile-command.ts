// `dtprobe compile [options] FILE`: dtc's command line, with dtc's option names and meanings,
// plus --cpp/-D/-U for the built-in preprocessor.
import { validateCheckName, type CheckOverride } from "../checks/index.ts";
import { compile, defaultCompileOptions, STDIN_NAME, type CompileOptions, type InputFormat, type OutputFormat } from "../compile/index.ts";
import type { Define } from "../preprocess/index.ts";
import type { PhandleFormat } from "../tree/model.ts";
import { DEFAULT_DIAGNOSTIC_LIMIT } from "../source/index.ts";
import { formatOptionHelp, parseArgs, parseIntegerArg, UsageError, type OptionSpec } from "./args.ts";
import { finishStream, stderrSink } from "./diagnostic-stream.ts";
import { alignmentArg, boundedInteger, bootCpuArg, dependencyText, OPTION_LIMITS, outputFormatByName, recordingHost, versionText } from "./dtc-options.ts";
import { writeStderr, writeStdout } from "./stdio.ts";
import { OutputError, writeOutput } from "./write-output.ts";

const BLOB_VERSIONS: readonly number[] = [1, 2, 3, 16, 17];

/** dtc exits 2 when an error-class check failed (checks.c process_checks). */
const EXIT_CHECKS_FAILED = 2;

const specs: OptionSpec[] = [
  { short: "q", long: "quiet", key: "quiet", takesValue: false, help: "quiet: -q suppresses warnings, -qq errors, -qqq all" },
  { short: "I", long: "in-format", key: "in", takesValue: true, valueName: "FMT", help: "input format: dts, dtb or fs (a /proc/device-tree style directory); default: guessed as dtc does" },
  { short: "O", long: "out-format", key: "out-format", takesValue: true, valueName: "FMT", help: "output format: dtb, dts, yaml, asm or null (default: from the output name, else dtb for dts input)" },
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "output file (default: standard output)" },
  { short: "V", long: "out-version", key: "version-out", takesValue: true, valueName: "N", help: "blob version to write (1, 2, 3, 16 or 17, default 17)" },
  { short: "d", long: "out-dependency", key: "depfile", takesValue: true, valueName: "FILE", help: "write a make dependency file (dtc's format)" },
  { short: "R", long: "reserve", key: "reserve", takesValue: true, valueName: "N", help: `add N empty memory reservation slots (0 to ${OPTION_LIMITS.reserve})` },
  { short: "S", long: "space", key: "space", takesValue: true, valueName: "BYTES", help: "make the blob at least BYTES long (up to 128 MiB)" },
  { short: "p", long: "pad", key: "pad", takesValue: true, valueName: "BYTES", help: "add BYTES of padding to the blob (up to 128 MiB)" },
  { short: "a", long: "align", key: "align", takesValue: true, valueName: "BYTES", help: "make the blob size a multiple of BYTES (a power of 2, up to 128 MiB)" },
  { short: "b", long: "boot-cpu", key: "boot-cpu", takesValue: true, valueName: "ID", help: "boot_cpuid_phys header value" },
  { short: "i", long: "include", key: "include", takesValue: true, valueName: "DIR", help: "add DIR to the search path of /include/, /incbin/ and #include" },
  { short: "f", long: "force", key: "force", takesValue: false, help: "write output even when error-class checks fail" },
  { short: "s", long: "sort", key: "sort", takesValue: false, help: "sort nodes and properties" },
  { short: "H", long: "phandle", key: "phandle", takesValue: true, valueName: "FMT", help: "phandle properties to generate: legacy, epapr (default) or both" },
  { short: "W", long: "warning", key: "W", takesValue: true, valueName: "[no-]CHECK", help: "enable or disable a check at warning level" },
  { short: "E", long: "error", key: "E", takesValue: true, valueName: "[no-]CHECK", help: "enable or disable a check at error level" },
  { short: "@", long: "symbols", key: "symbols", takesValue: false, help: "generate the __symbols__ node (for overlays)" },
  { short: "L", long: "local-fixups", key: "local-fixups", takesValue: false, help: "generate __fixups__ and __local_fixups__ for any tree" },
  { short: "A", long: "auto-alias", key: "auto-alias", takesValue: false, help: "generate /aliases from node labels" },
  { short: "T", long: "annotate", key: "annotate", takesValue: false, help: "annotate -O dts output with source positions (-T -T: full ranges)" },
  { long: "cpp", key: "cpp", takesValue: false, help: "run the built-in C preprocessor first (off by default, as in dtc)" },
  { short: "D", long: "define", key: "define", takesValue: true, valueName: "NAME[=VAL]", help: "define a macro for --cpp" },
  { short: "U", long: "undefine", key: "undefine", takesValue: true, valueName: "NAME", help: "undefine a macro for --cpp" },
  { long: "max-diagnostics", key: "max-diagnostics", takesValue: true, valueName: "N", help: `print at most N diagnostics, count the rest (default ${DEFAULT_DIAGNOSTIC_LIMIT}; 0: no limit)` },
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
  { short: "v", long: "version", key: "version", takesValue: false, help: "print the dtc version followed, and dtprobe's" },
];

export const compileUsage = `usage: dtprobe compile [options] FILE   (FILE '-' or absent: standard input)\n\n${formatOptionHelp(specs)}\n`;

function oneOf<T extends string>(spelling: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`invalid argument "${value}" to ${spelling} (expected ${allowed.join(", ")})`);
}

/** `-W name`, `-E no-name`: as dtc, a leading "no-" or "no_" turns the check off (report takes them too). */
export function parseCheckOption(kind: "warning" | "error", arg: string): CheckOverride {
  const negated = arg.startsWith("no-") || arg.startsWith("no_");
  const name = negated ? arg.slice(3) : arg;
  const problem = validateCheckName(name);
  if (problem) throw new UsageError(problem);
  return { name, kind, enable: !negated };
}

/** `-D NAME` or `-D NAME=VALUE`, as cpp takes it. */
export function parseDefineArg(text: string): Define {
  const eq = text.indexOf("=");
  return eq < 0 ? { name: text } : { name: text.slice(0, eq), value: text.slice(eq + 1) };
}

type OutputChoice = OutputFormat | "null";

export interface CompileArgs {
  readonly options: CompileOptions;
  readonly input: string;
  readonly outPath: string;
  readonly outFormat: OutputChoice | undefined;
  readonly depfile: string | undefined;
  readonly diagnosticLimit: number;
  readonly help: boolean;
  readonly version: boolean;
}

export function parseCompileArgs(argv: readonly string[]): CompileArgs {
  const parsed = parseArgs(argv, specs);
  let options: CompileOptions = { ...defaultCompileOptions };
  const includeDirs: string[] = [];
  const defines: Define[] = [];
  const undefines: string[] = [];
  const overrides: CheckOverride[] = [];
  let outPath = "-";
  let outFormat: OutputChoice | undefined;
  let help = false;
  let version = false;
  let depfile: string | undefined;
  let diagnosticLimit = DEFAULT_DIAGNOSTIC_LIMIT;
  for (const o of parsed.options) {
    const v = o.value ?? "";
    switch (o.key) {
      case "quiet": options = { ...options, quiet: options.quiet + 1 }; break;
      case "in": options = { ...options, inputFormat: oneOf<InputFormat>(o.spelling, v, ["dts", "dtb", "fs"]) }; break;
      case "out-format": outFormat = oneOf<OutputChoice>(o.spelling, v, ["dtb", "dts", "yaml", "asm", "null"]); break;
      case "out": outPath = v; break;
      case "version-out": {
        const n = parseIntegerArg(o.spelling, v);
        // dtc's version_table: every layout it can write.
        if (!BLOB_VERSIONS.includes(n)) throw new UsageError(`Unknown device tree blob version ${n} (1, 2, 3, 16 or 17)`);
        options = { ...options, outVersion: n };
        break;
      }
      case "reserve": options = { ...options, reserveSlots: boundedInteger(o.spelling, v, 0, OPTION_LIMITS.reserve) }; break;
      case "space": options = { ...options, minSize: boundedInteger(o.spelling, v, 0, OPTION_LIMITS.bytes) }; break;
      case "pad": options = { ...options, padding: boundedInteger(o.spelling, v, 0, OPTION_LIMITS.bytes) }; break;
      case "align": options = { ...options, align: alignmentArg(o.spelling, v) }; break;
      case "boot-cpu": options = { ...options, bootCpu: bootCpuArg(o.spelling, v) }; break;
      case "depfile": depfile = v; break;
      case "annotate": options = { ...options, annotate: options.annotate + 1 }; break;
      case "max-diagnostics": {
        const n = boundedInteger(o.spelling, v, 0, Number.MAX_SAFE_INTEGER);
        diagnosticLimit = n === 0 ? Infinity : n;
        break;
      }
      case "version": version = true; break;
      case "include": includeDirs.push(v); break;
      case "force": options = { ...options, force: true }; break;
      case "sort": options = { ...options, sort: true }; break;
      case "phandle": options = { ...options, phandleFormat: oneOf<PhandleFormat>(o.spelling, v, ["legacy", "epapr", "both"]) }; break;
      case "W": overrides.push(parseCheckOption("warning", v)); break;
      case "E": overrides.push(parseCheckOption("error", v)); break;
      case "symbols": options = { ...options, symbols: true }; break;
      case "local-fixups": options = { ...options, localFixups: true }; break;
      case "auto-alias": options = { ...options, autoAliases: true }; break;
      case "cpp": options = { ...options, cpp: true }; break;
      case "define": defines.push(parseDefineArg(v)); break;
      case "undefine": undefines.push(v); break;
      case "help": help = true; break;
    }
  }
  if (options.minSize && options.padding) throw new UsageError("can't set both -p and -S");
  if (parsed.operands.length > 1) throw new UsageError(`expected one input file, got ${parsed.operands.length}`);
  // dtc: without -O, the output name decides (.dtb, .dts, .yaml), else the input format does.
  const outputFormat = outFormat === "null" ? undefined : (outFormat ?? outputFormatByName(outPath));
  if (options.annotate > 0 && (outputFormat !== "dts" || (options.inputFormat !== undefined && options.inputFormat !== "dts"))) {
    throw new UsageError("--annotate requires -I dts -O dts");
  }
  options = { ...options, includeDirs, defines, undefines, checkOverrides: overrides, outputFormat };
  return { options, input: parsed.operands[0] ?? "-", outPath, outFormat, depfile, diagnosticLimit, help, version };
}

export async function runCompileCommand(argv: readonly string[]): Promise<number> {
  const args = parseCompileArgs(argv);
  if (args.help) {
    writeStdout(compileUsage);
    return 0;
  }
  if (args.version) {
    writeStdout(versionText());
    return 0;
  }
  const outputName = args.outPath === "-" ? "<stdout>" : args.outPath;
  // Streamed as they come, like dtc's: a run with millions of problems shows the first at once.
  const sink = stderrSink({ quiet: args.options.quiet, outputName, limit: args.diagnosticLimit });
  // dtc -d: the files the input pulled in, in the order they were opened.
  const deps: string[] = [];
  let options = args.options;
  if (args.depfile !== undefined) {
    if (args.input === "-") deps.push(STDIN_NAME);
    options = { ...options, host: recordingHost(deps, options.host) };
  }
  const outcome = compile(args.input, options, sink);
  finishStream(sink);
  // dtc writes the dependency file once the input is parsed, whatever the checks say.
  if (args.depfile !== undefined && (outcome.ok || outcome.stage !== "input")) {
    try {
      await writeOutput(args.depfile, Buffer.from(dependencyText(args.outPath, deps), "latin1"));
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      writeStderr(`dtprobe: error: ${e.message}\n`);
      return 1;
    }
  }
  if (!outcome.ok) {
    if (outcome.stage === "checks") {
      if (args.options.quiet < 3) writeStderr("dtprobe: error: input tree has errors, aborting (use -f to force output)\n");
      // dtc's process_checks exits 2 when an error-class check failed.
      return EXIT_CHECKS_FAILED;
    }
    return 1;
  }
  if (outcome.forced && args.options.quiet < 3) writeStderr("dtprobe: warning: input tree has errors, output forced\n");
  if (args.outFormat === "null") return 0;
  // Test hook (docs/robustness.md): simulate a bug at the last moment, to show that an internal
  // error exits 70 and leaves no output file behind.
  if (process.env.DTPROBE_FAILPOINT === "before-write") throw new TypeError("failpoint before-write");
  try {
    await writeOutput(args.outPath, outcome.output);
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    writeStderr(`dtprobe: error: ${e.message}\n`);
    return 1;
  }
  return 0;
}
