// Runs the front end and the checks on a file the way `dtc <flags> -o <out> <file>` would, and
// renders the check diagnostics as dtc prints them on stderr.
import { isAbsolute, join } from "node:path";
import { parseDts } from "../../grammar/index.ts";
import { runChecks, type CheckOverride } from "../../src/checks/index.ts";
import { DiagnosticSink, dtcPositionText, nodeFileHost, SourceFile, type Diagnostic, type FileHost } from "../../src/source/index.ts";
import { buildTree } from "../../src/tree/index.ts";
import type { PhandleFormat } from "../../src/tree/model.ts";

export interface DtcRun {
  /** The front end (parse or build) failed: no checks ran. */
  readonly frontEndFailed: boolean;
  readonly errors: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** dtc's stderr lines for the check diagnostics. */
  readonly lines: readonly string[];
}

/** dtc's option letters that matter to the checks: -i, -H, -@, -W, -E, -q. */
function parseFlags(flags: readonly string[]) {
  const includeDirs: string[] = [];
  const overrides: CheckOverride[] = [];
  let phandleFormat: PhandleFormat = "epapr";
  let symbols = false;
  let quiet = 0;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (f === "-i") includeDirs.push(flags[++i]!);
    else if (f === "-H") phandleFormat = flags[++i] as PhandleFormat;
    else if (f === "-@") symbols = true;
    else if (/^-q+$/.test(f)) quiet += f.length - 1;
    else if (f.startsWith("-W") || f.startsWith("-E")) {
      const arg = f.length > 2 ? f.slice(2) : flags[++i]!;
      const negated = arg.startsWith("no-") || arg.startsWith("no_");
      overrides.push({ name: negated ? arg.slice(3) : arg, kind: f[1] === "W" ? "warning" : "error", enable: !negated });
    }
  }
  return { includeDirs, overrides, phandleFormat, symbols, quiet };
}

export function renderDtc(d: Diagnostic, outName: string): string[] {
  const where = d.span ? dtcPositionText(d.span) : outName;
  const text = `${where}: ${d.severity === "error" ? "ERROR" : "Warning"} (${d.code}): ${d.message}`;
  return [...text.split("\n"), ...(d.related ?? []).map((r) => `  also defined at ${dtcPositionText(r.span)}`)];
}

/** Files named relative to `cwd`, as dtc sees them after `cd cwd` (messages keep the relative names). */
function hostIn(cwd: string): FileHost {
  const at = (p: string) => (isAbsolute(p) ? p : join(cwd, p));
  return { readText: (p) => nodeFileHost.readText(at(p)), readBytes: (p) => nodeFileHost.readBytes(at(p)) };
}

export function runLikeDtc(cwd: string, path: string, flags: readonly string[], outName: string): DtcRun {
  const o = parseFlags(flags);
  const host = hostIn(cwd);
  const sink = new DiagnosticSink();
  const text = host.readText(path);
  if (text === undefined) return { frontEndFailed: true, errors: false, diagnostics: [], lines: [] };
  const doc = parseDts(new SourceFile(path, text), { host, includeDirs: o.includeDirs }, sink);
  const tree = doc && buildTree(doc, { host, includeDirs: o.includeDirs }, sink);
  if (!tree) return { frontEndFailed: true, errors: false, diagnostics: [], lines: [] };
  const checks = new DiagnosticSink();
  const { errors } = runChecks(tree, { phandleFormat: o.phandleFormat, symbols: o.symbols, overrides: o.overrides, quiet: o.quiet }, checks);
  return { frontEndFailed: false, errors, diagnostics: checks.items, lines: checks.items.flatMap((d) => renderDtc(d, outName)) };
}
