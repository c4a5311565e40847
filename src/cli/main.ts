// The `dtprobe` command: a thin shell over the library. Subcommands are loaded lazily so that
// `dtprobe --version` does not load the grammar or the kernel model. Output goes through
// ./stdio.ts (write(2) on descriptors 1 and 2, whole, quiet on EPIPE), never through
// process.stdout, which would make a pipe non-blocking.
import pkg from "../../package.json" with { type: "json" };
import { nearest, UsageError } from "./args.ts";
import { writeStderr, writeStdout } from "./stdio.ts";

const EXIT_USAGE = 2;
/** sysexits EX_SOFTWARE: an internal error (a bug), never an input problem. */
const EXIT_INTERNAL = 70;

const COMMANDS = {
  compile: "compile a device tree like dtc (same options, same blob)",
  report: "show how the kernel attaches each device to its IOMMU",
  run: "run a scenario file (its board, steps and expectations) and print its timeline",
  test: "compare the reports of the boards under a directory with their goldens",
} as const;

const usage = `usage: dtprobe <command> [options] FILE

commands:
${Object.entries(COMMANDS)
  .map(([name, what]) => `  ${name.padEnd(8)}  ${what}`)
  .join("\n")}

  dtprobe <command> --help    options of a command
  dtprobe --version
`;

/** A usage error about the command name itself (no command's --help can help with it). */
class UnknownCommandError extends UsageError {}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "--version":
    case "-v":
    case "version":
      writeStdout(`dtprobe ${pkg.version}\n`);
      return 0;
    case undefined:
    case "--help":
    case "-h":
    case "help":
      if (command === undefined) {
        writeStderr(usage);
        return EXIT_USAGE;
      }
      writeStdout(usage);
      return 0;
    case "compile":
      return (await import("./compile-command.ts")).runCompileCommand(rest);
    case "report":
      return (await import("./report-command.ts")).runReportCommand(rest);
    case "run":
      return (await import("./run-command.ts")).runRunCommand(rest);
    case "test":
      return (await import("./test-command.ts")).runTestCommand(rest);
    default: {
      const names = Object.keys(COMMANDS);
      const guess = nearest(command, names);
      const what = command.startsWith("-") ? `unknown option '${command}' before the command` : `unknown command '${command}'`;
      throw new UnknownCommandError(`${what}${guess ? `; did you mean '${guess}'?` : ""} (commands: ${names.join(", ")})`);
    }
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const debug = argv.includes("--debug");
  const args = argv.filter((a) => a !== "--debug");
  try {
    process.exitCode = await run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      const command = !(e instanceof UnknownCommandError) && args[0] && args[0] in COMMANDS ? `${args[0]} ` : "";
      writeStderr(`dtprobe: ${e.message}\n(run 'dtprobe ${command}--help' for usage)\n`);
      process.exitCode = EXIT_USAGE;
      return;
    }
    const err = e as Error;
    writeStderr(`dtprobe: internal error: ${err?.name ?? "Error"}: ${err?.message ?? String(e)} (this is a bug in dtprobe${debug ? "" : "; run with --debug for the stack"})\n`);
    if (debug && err?.stack) writeStderr(err.stack + "\n");
    process.exitCode = EXIT_INTERNAL;
  }
}

await main();
