// The `dtprobe` command: a thin shell over the library. Subcommands are loaded lazily so that
// `dtprobe --version` does not load the grammar or the kernel model.
import pkg from "../../package.json" with { type: "json" };
import { UsageError } from "./args.ts";

const EXIT_USAGE = 2;
/** sysexits EX_SOFTWARE: an internal error (a bug), never an input problem. */
const EXIT_INTERNAL = 70;

const usage = `usage: dtprobe <command> [options] FILE

commands:
  compile   compile a device tree like dtc (same options, same blob)
  report    show how the kernel attaches each device to its IOMMU
  compare   one board under several policies, kernels or command lines, side by side
  diff      what changes between two boards (a DT patch), device by device
  verify    check the prediction against a booted board's IOMMU groups
  batch     report on every board of a directory tree, on all cores
  test      compare the reports of the boards under a directory with their goldens

  dtprobe <command> --help    options of a command
  dtprobe --version
`;

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "--version":
    case "-v":
    case "version":
      process.stdout.write(`dtprobe ${pkg.version}\n`);
      return 0;
    case undefined:
    case "--help":
    case "-h":
    case "help":
      process.stdout.write(usage);
      return command === undefined ? EXIT_USAGE : 0;
    case "compile":
      return (await import("./compile-command.ts")).runCompileCommand(rest);
    case "report":
      return (await import("./report-command.ts")).runReportCommand(rest);
    case "compare":
      return (await import("./compare-command.ts")).runCompareCommand(rest);
    case "diff":
      return (await import("./diff-command.ts")).runDiffCommand(rest);
    case "verify":
      return (await import("./verify-command.ts")).runVerifyCommand(rest);
    case "batch":
      return (await import("./batch-command.ts")).runBatchCommand(rest);
    case "test":
      return (await import("./test-command.ts")).runTestCommand(rest);
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const debug = argv.includes("--debug");
  const args = argv.filter((a) => a !== "--debug");
  // A closed pipe on stdout (`dtprobe ... | head`) is not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  });
  try {
    process.exitCode = await run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`dtprobe: ${e.message}\n(run 'dtprobe ${args[0] && !args[0].startsWith("-") ? `${args[0]} ` : ""}--help' for usage)\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const err = e as Error;
    process.stderr.write(`dtprobe: internal error: ${err?.name ?? "Error"}: ${err?.message ?? String(e)} (this is a bug in dtprobe${debug ? "" : "; run with --debug for the stack"})\n`);
    if (debug && err?.stack) process.stderr.write(err.stack + "\n");
    process.exitCode = EXIT_INTERNAL;
  }
}

await main();
