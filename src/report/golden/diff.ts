// The unified diff `dtprobe test` prints for a golden that no longer matches (jsdiff's
// createTwoFilesPatch, bounded so that a golden rewritten from end to end cannot take quadratic
// time: past the bound, the first differing line is shown instead).
import { createTwoFilesPatch } from "diff";

/** Edits jsdiff may explore before giving up (Myers' D). */
const MAX_EDIT_LENGTH = 1000;
/** Lines of one diff printed; the rest is counted. */
export const MAX_DIFF_LINES = 400;

export function goldenDiff(name: string, golden: string, now: string): string {
  const patch = createTwoFilesPatch(`${name} (golden)`, `${name} (now)`, golden, now, undefined, undefined, { context: 3, maxEditLength: MAX_EDIT_LENGTH });
  if (patch === undefined) return firstDifference(name, golden, now);
  // jsdiff starts with a "====" rule line; a unified diff starts at "---".
  const lines = patch.split("\n");
  if (lines[0]?.startsWith("=")) lines.shift();
  if (lines.at(-1) === "") lines.pop();
  if (lines.length <= MAX_DIFF_LINES) return lines.join("\n") + "\n";
  return lines.slice(0, MAX_DIFF_LINES).join("\n") + `\n... (${lines.length - MAX_DIFF_LINES} more lines of diff)\n`;
}

function firstDifference(name: string, golden: string, now: string): string {
  const a = golden.split("\n");
  const b = now.split("\n");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `--- ${name} (golden)\n+++ ${name} (now)\n(more than ${MAX_EDIT_LENGTH} lines differ; the first difference is at line ${i + 1})\n-${a[i] ?? ""}\n+${b[i] ?? ""}\n`;
}
