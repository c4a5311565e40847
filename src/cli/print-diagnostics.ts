// Prints diagnostics to standard error in `file:line:col: severity: message` form, with the
// source line and a caret; -q drops warnings, -qqq errors too (as compile has always done).
import { formatDiagnostic, type Diagnostic } from "../source/index.ts";
import { writeStderr } from "./stdio.ts";

export function printDiagnostics(items: readonly Diagnostic[], options: { quiet: number; outputName: string }): void {
  const out: string[] = [];
  for (const d of items) {
    if (d.severity === "warning" && options.quiet >= 1) continue;
    if (d.severity === "error" && options.quiet >= 3) continue;
    out.push(formatDiagnostic(d, { noPositionName: options.outputName }));
  }
  if (out.length > 0) writeStderr(out.join("\n") + "\n");
}
