// A whole `dtprobe test DIR` run as data: what goes to standard output (a line per case, the diffs
// and diagnostics of failures, `N passed, N failed` last) and to standard error (problems of the
// directory itself), so the command only prints it and tests need no process.
import { DiagnosticSink, formatDiagnostic, type Diagnostic } from "../../source/index.ts";
import { findGoldenCases } from "./cases.ts";
import { checkGoldenCase } from "./run.ts";

export interface GoldenSuiteRun {
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  readonly passed: number;
  readonly failed: number;
  /** No case at all under the directory (a mistake, not a pass). */
  readonly empty: boolean;
}

const formatAll = (ds: readonly Diagnostic[]) => ds.map((d) => formatDiagnostic(d, { noPositionName: "dtprobe test" }) + "\n").join("");

export function runGoldenSuite(dir: string, update: boolean): GoldenSuiteRun {
  const sink = new DiagnosticSink();
  const found = findGoldenCases(dir, sink);
  const stdout: string[] = [];
  const stderr: string[] = [];
  if (sink.items.length > 0) stderr.push(formatAll(sink.items));
  for (const o of found.orphans) stderr.push(`dtprobe test: note: ${o} belongs to no case\n`);
  if (found.cases.length === 0) {
    stderr.push(`dtprobe test: no boards, options or scenario files under ${dir}\n`);
    return { stdout, stderr, passed: 0, failed: 0, empty: true };
  }
  let passed = 0;
  let failed = sink.errorCount;
  for (const c of found.cases) {
    const r = checkGoldenCase(c, update);
    if (r.status === "pass" || r.status === "updated") {
      passed++;
      stdout.push(r.status === "pass" ? `PASS ${c.name}\n` : `UPDATED ${c.name} (${r.written.join(", ")})\n`);
      continue;
    }
    failed++;
    stdout.push(`FAIL ${c.name}${c.definedBy ? ` (${c.definedBy})` : ""}\n`);
    if (r.status === "error") stdout.push(formatAll(r.diagnostics));
    for (const d of r.diffs) stdout.push(d);
  }
  stdout.push(`${passed} passed, ${failed} failed\n`);
  return { stdout, stderr, passed, failed, empty: false };
}
