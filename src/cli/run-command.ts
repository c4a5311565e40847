// `dtprobe run SCENARIO`: runs a scenario file that names its board (docs/scenarios.md) and prints
// its timeline (text), or the report plus the timeline as `steps` (--format json).
// Exit: 0 every expectation held, 1 an input error or an expectation that does not hold, 2 usage.
import { jsonChunks, renderTimeline, runScenarioFile } from "../report/index.ts";
import { DiagnosticSink } from "../source/index.ts";
import { formatOptionHelp, UsageError, type OptionSpec } from "./args.ts";
import { optionValues } from "./board-options.ts";
import { parseCommandArgs } from "./command-run.ts";
import { printDiagnostics } from "./print-diagnostics.ts";
import { OutputError, writeOutput } from "./write-output.ts";

const specs: OptionSpec[] = [
  { long: "format", key: "format", takesValue: true, valueName: "F", help: "text (default: the timeline) or json (the report plus `steps`)" },
  { short: "o", long: "out", key: "out", takesValue: true, valueName: "FILE", help: "write to FILE (default: standard output)" },
  { short: "h", long: "help", key: "help", takesValue: false, help: "show this help" },
];

export const runUsage = `usage: dtprobe run [options] SCENARIO   (JSON or YAML; docs/scenarios.md)

The scenario names its board and inputs; every step runs after boot, and \`expect\` steps check
the state between them. Exit 0 when every expectation holds, 1 when one does not.

${formatOptionHelp(specs)}
`;

export async function runRunCommand(argv: readonly string[]): Promise<number> {
  const parsed = parseCommandArgs(argv, specs, runUsage);
  if (!parsed) return 0;
  const get = (key: string) => optionValues(parsed, key);
  if (parsed.operands.length !== 1) throw new UsageError(parsed.operands.length === 0 ? "missing SCENARIO" : "expected one SCENARIO");
  const format = get("format").at(-1) ?? "text";
  if (format !== "text" && format !== "json") throw new UsageError(`invalid --format '${format}' (text or json)`);
  const outPath = get("out").at(-1) ?? "-";
  const file = parsed.operands[0]!;
  const sink = new DiagnosticSink();
  const finish = (code: number) => {
    printDiagnostics(sink.items, { quiet: 0, outputName: outPath === "-" ? "<stdout>" : outPath });
    return code;
  };
  const r = runScenarioFile(file, sink);
  if (!r || sink.errorCount > 0) return finish(1);
  // JSON streamed (no single JSON.stringify of a large report), exactly as JSON.stringify(.., 2) writes it.
  const json = function* () {
    yield* jsonChunks({ ...r.report, steps: r.steps }, 2);
    yield "\n";
  };
  try {
    await writeOutput(outPath, format === "json" ? json() : [renderTimeline(r, file)]);
  } catch (e) {
    if (!(e instanceof OutputError)) throw e;
    sink.error("io", e.message);
    return finish(1);
  }
  return finish(r.failedExpectations === 0 ? 0 : 1);
}
