// Where the reference material lives, and whether this machine has it. Tests that need it skip
// (not fail) when it is absent: a user's clone has no ../shared and maybe no dtc.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const projectDir = fileURLToPath(new URL("../../", import.meta.url));
export const sharedDir = fileURLToPath(new URL("../../../shared/", import.meta.url));
export const hasShared = existsSync(sharedDir + "README.md");

function hasCommand(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.status === 0;
}

export const hasDtc = hasCommand("dtc", ["--version"]);
export const hasCpp = hasCommand("cpp", ["--version"]);

export interface ManifestRow {
  readonly id: string;
  readonly file: string;
  readonly flags: readonly string[];
  /** dtc 1.8.1's verdict (the language as it is today). */
  readonly accepted: boolean;
  readonly outcome: string;
  readonly errorFirstLine: string;
  /** The 1.6.1 blob in results/ is also what 1.8.1 writes. */
  readonly dtbComparable: boolean;
  readonly note: string;
}

export function readManifest(): ManifestRow[] {
  const text = readFileSync(sharedDir + "dtc-tests/MANIFEST.tsv", "utf8");
  const [header, ...lines] = text.split("\n").filter((l) => l.length > 0);
  const cols = header!.split("\t");
  const at = (cells: string[], name: string) => cells[cols.indexOf(name)] ?? "";
  return lines.map((line) => {
    const c = line.split("\t");
    return {
      id: at(c, "id"),
      file: at(c, "file"),
      flags: at(c, "dtc_flags").split(/\s+/).filter(Boolean),
      accepted: at(c, "dtc181_accepted") === "1",
      outcome: at(c, "dtc181_outcome"),
      errorFirstLine: at(c, "dtc181_error_first_line") || at(c, "error_first_line"),
      dtbComparable: at(c, "dtb_same_as_181") === "yes",
      note: at(c, "note"),
    };
  });
}

/** The file and line of dtc's first error line (`Error: f:L.C-…`, `f:L.C-…: ERROR (…)`, `Lexical error: f:L.C…`). */
export function dtcErrorPosition(line: string): { file: string; line: number } | undefined {
  const m = /^(?:Error: |Lexical error: )?([^\s:]+):(\d+)\.\d+/.exec(line);
  return m ? { file: m[1]!, line: Number(m[2]) } : undefined;
}
