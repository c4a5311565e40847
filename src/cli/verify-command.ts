// `dtprobe verify FILE (--sysfs GROUPS | --dmesg LOG) [report options] [--format text|json]
// [-o OUT]`: the prediction for the board against what its booted kernel did (src/report/verify).
// Exit status: 0 every device agrees, 1 some device disagrees or an input error, 2 usage.
import { readFileSync } from "node:fs";
import { reportBoard } from "../report/index.ts";
import { parseDmesg, parseGroupsFile, renderVerificationText, verifyReport, type BootedGroups } from "../report/verify/index.ts";
import { formatOptionHelp, UsageError, type OptionSpec } from "./args.ts";
import { boardOptionSpecs, optionValues, readBoardOptions, readBoardSideFiles } from "./board-options.ts";
import { CommandRun, formatOption, parseCommandArgs } from "./command-run.ts";

const specs: OptionSpec[] = [
  { long: "sysfs", key: "sysfs", takesValue: true, valueName: "GROUPS", help: "the target's groups, lines 'DEVICE GROUP TYPE' (docs/answers.md: the shell line that prints them)" },
  { long: "dmesg", key: "dmesg", takesValue: true, valueName: "LOG", help: "the target's kernel log (its 'Adding to iommu group N' lines)" },
  ...boardOptionSpecs,
  { long: "format", key: "format", takesValue: true, valueName: "F", help: "text (default) or json" },
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "write to FILE (default: standard output)" },
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
];

export const verifyUsage = `usage: dtprobe verify [options] FILE (--sysfs GROUPS | --dmesg LOG)

Compares the predicted IOMMU groups of the board with a booted board's: which devices share a
group (group numbers are compared up to renumbering) and each group's type.
Exit status: 0 every device agrees, 1 some device disagrees (or an input error), 2 usage error.

${formatOptionHelp(specs)}
`;

export async function runVerifyCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, specs, verifyUsage);
  if (!parsed) return 0;
  if (parsed.operands.length !== 1) throw new UsageError(parsed.operands.length === 0 ? "missing input FILE" : "expected one input FILE");
  const sysfs = optionValues(parsed, "sysfs").at(-1);
  const dmesg = optionValues(parsed, "dmesg").at(-1);
  if ((sysfs === undefined) === (dmesg === undefined)) throw new UsageError("give one of --sysfs GROUPS or --dmesg LOG");
  const format = formatOption(parsed, ["text", "json"]);
  const board = readBoardOptions(parsed);
  const run = new CommandRun(parsed);
  const sink = run.sink;
  const targetPath = (sysfs ?? dmesg)!;
  let targetText: string;
  try {
    targetText = readFileSync(targetPath, "latin1");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    sink.error("io", `Couldn't open "${targetPath}": ${code === "ENOENT" ? "No such file or directory" : (e as Error).message}`);
    return run.finish(1);
  }
  const booted: BootedGroups | undefined = sysfs !== undefined ? parseGroupsFile(targetText, targetPath, sink) : parseDmesg(targetText, targetPath);
  if (!booted) return run.finish(1);
  const side = await readBoardSideFiles(board, sink);
  if (!side) return run.finish(1);
  const report = reportBoard(parsed.operands[0]!, { ...board.run, ...side }, sink);
  if (!report) return run.finish(1);
  const verification = verifyReport(report, booted);
  if (!(await run.write(format === "json" ? [JSON.stringify(verification, null, 2), "\n"] : [renderVerificationText(verification)]))) return run.finish(1);
  return run.finish(verification.agree ? 0 : 1);
}
