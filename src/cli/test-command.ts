// `dtprobe test DIR [--update]`: golden-file tests for users' own boards. Every case under DIR
// (see src/report/golden/cases.ts: boards, NAME.options.json|yaml, scenarios that name their
// board) is reported and compared with NAME.report.txt and NAME.report.json beside it; a unified
// diff per failure, `N passed, N failed` last. --update writes the goldens instead.
// Exit: 0 all passed (or all written), 1 a failure or a case that cannot run, 2 usage.
import { statSync } from "node:fs";
import { runGoldenSuite } from "../report/golden/index.ts";
import { formatOptionHelp, UsageError, type OptionSpec } from "./args.ts";
import { parseCommandArgs } from "./command-run.ts";
import { writeStderr } from "./stdio.ts";
import { writeOutput } from "./write-output.ts";

const specs: OptionSpec[] = [
  { long: "update", key: "update", takesValue: false, help: "write the goldens from this run instead of comparing (atomically)" },
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
];

export const testUsage = `usage: dtprobe test [--update] DIR

Every board under DIR (.dts / .dtb; options from NAME.options.json|yaml; scenarios that name
their board) is reported and compared with NAME.report.txt and NAME.report.json beside it
(docs/scenarios.md, "Golden tests").

${formatOptionHelp(specs)}
`;

export async function runTestCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, specs, testUsage);
  if (!parsed) return 0;
  if (parsed.operands.length !== 1) throw new UsageError(parsed.operands.length === 0 ? "missing DIR" : "expected one DIR");
  const dir = parsed.operands[0]!;
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`${dir}: not a directory`);
  const update = parsed.options.some((o) => o.key === "update");

  const run = runGoldenSuite(dir, update);
  writeStderr(run.stderr.join(""));
  await writeOutput("-", run.stdout);
  return run.failed === 0 && !run.empty ? 0 : 1;
}
