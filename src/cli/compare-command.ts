// `dtprobe compare FILE --policy A,B,C | --kernel V1,V2 | --bootargs S1 --bootargs S2 [report
// options] [--format text|json] [-o OUT]`: the board loaded once and run once per value, side by
// side (src/report/compare).
import { compareReports, renderComparisonText, type CompareAxis, type CompareColumnInput } from "../report/compare/index.ts";
import { runBoard } from "../report/index.ts";
import { loadDeviceTree } from "../compile/index.ts";
import { formatOptionHelp, UsageError, type OptionSpec } from "./args.ts";
import { boardOptionSpecs, checkKernel, checkPolicy, optionValues, readBoardOptions, readBoardSideFiles } from "./board-options.ts";
import { CommandRun, formatOption, parseCommandArgs } from "./command-run.ts";
import { hasFindings } from "../report/index.ts";
import { failOnOption, parseFailOn } from "./common-options.ts";

const specs: OptionSpec[] = [
  ...boardOptionSpecs.map((s) =>
    s.key === "policy"
      ? { ...s, valueName: "P1,P2,...", help: "compare these default-domain policies (per-device, per-instance, per-group)" }
      : s.key === "kernel"
        ? { ...s, valueName: "V1,V2,...", help: "compare these kernel versions (e.g. 6.1,6.12,6.15); one version: all columns run it" }
        : s.key === "bootargs"
          ? { ...s, help: "kernel command line; given several times: compare these command lines" }
          : s,
  ),
  { long: "format", key: "format", takesValue: true, valueName: "F", help: "text (default) or json" },
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "write to FILE (default: standard output)" },
  failOnOption("never"),
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
];

export const compareUsage = `usage: dtprobe compare [options] FILE (--policy P1,P2,... | --kernel V1,V2,... | --bootargs S1 --bootargs S2 ...)

Runs the board once per value of the one list option and shows the runs side by side: per IOMMU
instance the domains, resources used of the limit, groups, DMA ops, failed and deferred devices;
then the devices whose outcome differs.

${formatOptionHelp(specs)}
`;

interface Axis {
  readonly axis: CompareAxis;
  readonly values: readonly string[];
}

/** The one option given as a list; the others keep their single value. */
function pickAxis(policies: string[], kernels: string[], bootargs: string[]): Axis {
  const split = (values: string[]) => (values.at(-1) ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
  const lists: Axis[] = [];
  if (policies.length > 0 && split(policies).length > 1) lists.push({ axis: "policy", values: split(policies).map(checkPolicy) });
  if (kernels.length > 0 && split(kernels).length > 1) lists.push({ axis: "kernel", values: split(kernels).map(checkKernel) });
  if (bootargs.length > 1) lists.push({ axis: "bootargs", values: bootargs });
  if (lists.length === 0) throw new UsageError("nothing to compare: give --policy or --kernel a comma-separated list, or --bootargs several times");
  if (lists.length > 1) throw new UsageError(`compare takes one list option (got ${lists.map((l) => `--${l.axis}`).join(" and ")})`);
  return lists[0]!;
}

export async function runCompareCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, specs, compareUsage);
  if (!parsed) return 0;
  if (parsed.operands.length !== 1) throw new UsageError(parsed.operands.length === 0 ? "missing input FILE" : "expected one input FILE");
  const format = formatOption(parsed, ["text", "json"]);
  const failOn = parseFailOn(parsed, "never");
  const { axis, values } = pickAxis(optionValues(parsed, "policy"), optionValues(parsed, "kernel"), optionValues(parsed, "bootargs"));
  // The list option is read here; the others as `report` reads them (a single --policy/--kernel
  // applies to every column).
  const single = {
    ...parsed,
    options: parsed.options.filter((o) => o.key !== axis || (axis !== "bootargs" && !(o.value ?? "").includes(","))),
  };
  const board = readBoardOptions(single);
  const input = parsed.operands[0]!;

  const run = new CommandRun(parsed);
  const sink = run.sink;
  const side = await readBoardSideFiles(board, sink);
  if (!side) return run.finish(1);
  const tree = loadDeviceTree(input, board.run, sink);
  if (!tree || sink.errorCount > 0) return run.finish(1);
  const columns: CompareColumnInput[] = [];
  for (const value of values) {
    const one = runBoard(tree, input, { ...board.run, ...side, [axis]: value }, sink);
    if (!one) return run.finish(1);
    columns.push({ label: value, report: one.report });
  }
  const comparison = compareReports(axis, columns);
  if (!(await run.write(format === "json" ? [JSON.stringify(comparison, null, 2), "\n"] : [renderComparisonText(comparison)]))) return run.finish(1);
  return run.finish(columns.some((c) => hasFindings(c.report.summary, failOn)) ? 1 : 0);
}
