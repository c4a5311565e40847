// `dtprobe batch DIR|GLOB|FILE... [report options] [--format text|jsonl] [-o OUT] [-j N]
// [--fail-on LEVEL] [--dtb-dir DIR] [-q]`: every board found, on worker threads (src/batch).
// Exit status: 0 every board loaded (and none trips --fail-on), 1 otherwise, 2 usage.
import { availableParallelism } from "node:os";
import { batchTotals, DEFAULT_BOARD_TIMEOUT_MS, discoverBoards, Progress, renderBatchJsonl, renderBatchText, runBoards } from "../batch/index.ts";
import { formatOptionHelp, parseIntegerArg, UsageError, type OptionSpec } from "./args.ts";
import { boardOptionSpecs, optionValues, readBoardOptions, readBoardSideFiles } from "./board-options.ts";
import { CommandRun, formatOption, parseCommandArgs } from "./command-run.ts";
import { FINDINGS } from "../report/index.ts";
import { failOnOption, parseFailOn } from "./common-options.ts";

const specs: OptionSpec[] = [
  ...boardOptionSpecs,
  { long: "format", key: "format", takesValue: true, valueName: "F", help: "text (default: a table, one row per board, and the totals) or jsonl (one JSON object per board)" },
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "write the summary to FILE (default: standard output)" },
  { short: "j", long: "jobs", key: "jobs", takesValue: true, valueName: "N", help: "worker threads (default: one per core)" },
  { long: "timeout", key: "timeout", takesValue: true, valueName: "SEC", help: `stop a board after SEC seconds and report it (default ${DEFAULT_BOARD_TIMEOUT_MS / 1000})` },
  failOnOption("never"),
  { long: "dtb-dir", key: "dtb-dir", takesValue: true, valueName: "DIR", help: "also write each board's DTB under DIR (as dtc -b 0 writes it), at the board's path" },
  { short: "q", long: "quiet", key: "quiet", takesValue: false, help: "no progress on standard error" },
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
];

export const batchUsage = `usage: dtprobe batch [options] DIR|GLOB|FILE...

Reports on every .dts and .dtb found (directories recursively), on all cores, and prints one row
per board: devices, IOMMU users, IOMMU instances, groups, failed, deferred and unbound devices.
A board that cannot be loaded is a row with the reason. Kernel sources need the preprocessor's
include directories, e.g. in a kernel tree: --cpp -i scripts/dtc/include-prefixes,
in devicetree-rebasing: --cpp -i include -i src.
Exit status: 0 every board loaded (and none trips --fail-on), 1 otherwise, 2 usage error.

${formatOptionHelp(specs)}
`;

export async function runBatchCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, specs, batchUsage);
  if (!parsed) return 0;
  if (parsed.operands.length === 0) throw new UsageError("missing DIR, GLOB or FILE");
  const format = formatOption(parsed, ["text", "jsonl"]);
  const failOn = parseFailOn(parsed, "never");
  const jobsText = optionValues(parsed, "jobs").at(-1);
  const jobs = jobsText === undefined ? availableParallelism() : parseIntegerArg("--jobs", jobsText);
  if (jobs < 1) throw new UsageError(`invalid --jobs '${jobsText}' (at least 1)`);
  const timeoutText = optionValues(parsed, "timeout").at(-1);
  const timeout = timeoutText === undefined ? DEFAULT_BOARD_TIMEOUT_MS / 1000 : Number(timeoutText);
  if (!(timeout > 0) || !Number.isFinite(timeout)) throw new UsageError(`invalid --timeout '${timeoutText}' (seconds, more than 0)`);
  const board = readBoardOptions(parsed);
  const quiet = optionValues(parsed, "quiet").length > 0;

  const run = new CommandRun(parsed);
  // Side files once here, so that a bad one is one error, not one per board.
  const side = await readBoardSideFiles(board, run.sink);
  if (!side) return run.finish(1);
  const { boards, unmatched } = discoverBoards(parsed.operands);
  for (const u of unmatched) run.sink.error("io", `no .dts or .dtb file at or matching '${u}'`);
  if (boards.length === 0) return run.finish(1);

  const { kernel, policy, bootargs, driverTables: assumed, ...load } = board.run;
  const driverTables = side.driverTables ?? assumed;
  const progress = quiet ? undefined : new Progress(process.stderr, boards.length);
  const rows = await runBoards(
    boards,
    { load, run: { kernel, policy, bootargs, driverTables }, sideFiles: board.sideFiles, dtbDir: optionValues(parsed, "dtb-dir").at(-1) },
    { jobs, boardTimeoutMs: timeout * 1000, onRow: progress && ((row, done) => progress.update(row, done)) },
  );
  progress?.finish();
  if (!(await run.write(format === "jsonl" ? renderBatchJsonl(rows) : [renderBatchText(rows)]))) return run.finish(1);
  const t = batchTotals(rows);
  // A board trips --fail-on as `report --fail-on` would on its report (src/report/summary.ts).
  const tripped = failOn !== "never" && rows.some((r) => r.status === "ok" && r.finding !== null && FINDINGS.indexOf(r.finding) >= FINDINGS.indexOf(failOn));
  return run.finish(t.notLoaded > 0 || tripped || unmatched.length > 0 ? 1 : 0);
}
