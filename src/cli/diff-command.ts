// `dtprobe diff OLD NEW [report options] [--format text|json] [-o OUT]`: both boards run the same
// way, then compared device by device (src/report/diff). Exit status as diff(1): 0 when no
// outcome changed, 1 when one did, 2 on a usage error or when a board cannot be loaded.
import { diffReports, renderDiffText } from "../report/diff/index.ts";
import { reportBoard, type Report } from "../report/index.ts";
import { DiagnosticSink } from "../source/index.ts";
import { formatOptionHelp, UsageError, type OptionSpec } from "./args.ts";
import { boardOptionSpecs, optionValues, readBoardOptions, readBoardSideFiles } from "./board-options.ts";
import { CommandRun, formatOption, parseCommandArgs } from "./command-run.ts";

/** diff(1): "An exit status of 2 means trouble." */
const EXIT_TROUBLE = 2;

const specs: OptionSpec[] = [
  ...boardOptionSpecs,
  { long: "format", key: "format", takesValue: true, valueName: "F", help: "text (default) or json" },
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "write to FILE (default: standard output)" },
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
];

export const diffUsage = `usage: dtprobe diff [options] OLD NEW   (each .dts or .dtb)

Runs both boards the same way and shows what changed per device (IOMMU instance, IDs, group
members, domain, DMA ops, state, errors), matching devices by name and groups by their members.
Exit status: 0 no outcome changed, 1 some outcome changed, 2 usage error or a board cannot be loaded.

${formatOptionHelp(specs)}
`;

export async function runDiffCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, specs, diffUsage);
  if (!parsed) return 0;
  if (parsed.operands.length !== 2) throw new UsageError(`expected two boards, OLD and NEW (got ${parsed.operands.length})`);
  const format = formatOption(parsed, ["text", "json"]);
  const board = readBoardOptions(parsed);
  const run = new CommandRun(parsed);
  const side = await readBoardSideFiles(board, run.sink);
  if (!side) return run.finish(EXIT_TROUBLE);
  const reports: Report[] = [];
  for (const input of parsed.operands) {
    // Each board's diagnostics are its own (a report carries the sink's items so far).
    const own = new DiagnosticSink();
    const report = reportBoard(input, { ...board.run, ...side }, own);
    for (const d of own.items) run.sink.add(d);
    if (!report) return run.finish(EXIT_TROUBLE);
    reports.push(report);
  }
  const diff = diffReports(reports[0]!, reports[1]!);
  if (!(await run.write(format === "json" ? [JSON.stringify(diff, null, 2), "\n"] : [renderDiffText(diff)]))) return run.finish(EXIT_TROUBLE);
  return run.finish(diff.changed ? 1 : 0);
}
