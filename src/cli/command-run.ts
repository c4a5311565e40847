// What the answer commands (compare, diff, verify, batch) share around their work: the --format
// and -o options, one diagnostics sink printed at the end, and writing the output (atomically to
// a file, or to standard output) with a write failure reported as an error. parseCommandArgs is
// every subcommand's start but compile's and report's (which read --help among their options).
import { DiagnosticSink } from "../source/index.ts";
import { parseArgs, UsageError, type OptionSpec, type ParsedArgs } from "./args.ts";
import { optionValues } from "./board-options.ts";
import { printDiagnostics } from "./print-diagnostics.ts";
import { writeStdout } from "./stdio.ts";
import { OutputError, writeOutput, type OutputData } from "./write-output.ts";

/** A command's arguments, or undefined once --help has printed `usage` (the command exits 0). */
export function parseCommandArgs(argv: readonly string[], specs: readonly OptionSpec[], usage: string): ParsedArgs | undefined {
  const parsed = parseArgs(argv, specs);
  if (optionValues(parsed, "help").length === 0) return parsed;
  writeStdout(usage);
  return undefined;
}

/** The last --format given, one of `allowed` (the first is the default). */
export function formatOption<F extends string>(parsed: ParsedArgs, allowed: readonly F[]): F {
  const format = optionValues(parsed, "format").at(-1) ?? allowed[0]!;
  if (!(allowed as readonly string[]).includes(format)) throw new UsageError(`invalid --format '${format}' (${allowed.join(" or ")})`);
  return format as F;
}

export class CommandRun {
  readonly sink = new DiagnosticSink();
  /** -o FILE, or "-" for standard output. */
  readonly outPath: string;

  constructor(parsed: ParsedArgs) {
    this.outPath = optionValues(parsed, "out").at(-1) ?? "-";
  }

  /** Prints the diagnostics (standard error) and gives back the exit status. */
  finish(code: number): number {
    printDiagnostics(this.sink.items, { quiet: 0, outputName: this.outPath === "-" ? "<stdout>" : this.outPath });
    return code;
  }

  /** Writes the output; false (an error in the sink) when it cannot be written. */
  async write(data: OutputData): Promise<boolean> {
    try {
      await writeOutput(this.outPath, data);
      return true;
    } catch (e) {
      if (!(e instanceof OutputError)) throw e;
      this.sink.error("io", e.message);
      return false;
    }
  }
}
