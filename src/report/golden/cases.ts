// Which golden cases a directory holds (`dtprobe test DIR`). Three kinds, found recursively:
// - NAME.options.json / .yaml: one case, the board and options of schemas/board-options.schema.json;
// - NAME.scenario.json / .yaml that names its `board`: one case (a scenario with steps only is a
//   side file that options refer to);
// - every other NAME.dts / NAME.dtb that no options file or scenario of its directory runs: one
//   case with default options.
// A case's goldens are NAME.report.txt and NAME.report.json beside the file that defines it.
import { readdirSync, type Dirent } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import schema from "../../../schemas/board-options.schema.json" with { type: "json" };
import { DiagnosticSink, nodeFileHost, type Diagnostic, type FileHost } from "../../source/index.ts";
import type { Policy } from "../../probe/index.ts";
import { loadScenarioFile } from "../scenario-file.ts";
import type { ScenarioFile } from "../scenario-file-types.ts";
import { parseStructuredInput } from "../structured-input.ts";

export const boardOptionsSchema: object = schema;
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

/** A board options file as written (paths relative to it). */
export interface BoardOptionsFile {
  readonly description?: string;
  readonly board?: string;
  readonly kernel?: string;
  readonly policy?: Policy;
  readonly bootargs?: string;
  readonly pci?: string;
  readonly hw?: string;
  readonly scenario?: string;
  readonly include?: readonly string[];
  readonly define?: readonly string[];
  readonly cpp?: boolean;
}

export type GoldenCaseKind = "board" | "options" | "scenario";

export interface GoldenCase {
  /** NAME relative to the test directory (`sub/tegra30-like.6.1`): what the runner prints. */
  readonly name: string;
  readonly kind: GoldenCaseKind;
  /** The directory of the file that defines the case; its paths are relative to it. */
  readonly dir: string;
  /** The board, relative to `dir`. */
  readonly board: string;
  /** The options or scenario file, relative to `dir` (none for a plain board). */
  readonly definedBy: string | null;
  readonly options?: BoardOptionsFile;
  readonly scenario?: ScenarioFile;
  readonly goldenText: string;
  readonly goldenJson: string;
  /** Why the defining file cannot run (it does not parse, names no board...): the case fails. */
  readonly problems?: readonly Diagnostic[];
}

export interface FoundCases {
  readonly cases: GoldenCase[];
  /** Golden files that no case writes (a renamed board, a deleted options file). */
  readonly orphans: string[];
}

const OPTIONS = /\.options\.(json|ya?ml)$/i;
const SCENARIO = /\.scenario\.(json|ya?ml)$/i;
const BOARD = /\.(dts|dtb)$/i;
const GOLDEN = /\.report\.(txt|json)$/;

/** Reads one options file; errors (schema, at their line) go to `sink`. */
export function parseBoardOptions(text: string, fileName: string, sink: DiagnosticSink): BoardOptionsFile | undefined {
  return parseStructuredInput(text, fileName, validate, "board-options", sink, ["kernel"])?.value as BoardOptionsFile | undefined;
}

/** The board of NAME.options.*: NAME.dts/.dtb, else the longest NAME prefix at a dot that is a board. */
function impliedBoard(stem: string, boards: ReadonlySet<string>): string | undefined {
  for (let s = stem; ; s = s.slice(0, s.lastIndexOf("."))) {
    for (const ext of [".dts", ".dtb"]) if (boards.has(s + ext)) return s + ext;
    if (!s.includes(".")) return undefined;
  }
}

function walk(dir: string, out: string[]): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
}

/**
 * Finds every case under `root`. A malformed options or scenario file is a case that fails with
 * its diagnostics; two cases writing one golden are errors in `sink`.
 */
export function findGoldenCases(root: string, sink: DiagnosticSink, host: FileHost = nodeFileHost): FoundCases {
  const files: string[] = [];
  walk(root, files);
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const d = dirname(f);
    if (!byDir.has(d)) byDir.set(d, []);
    byDir.get(d)!.push(basename(f));
  }
  const cases: GoldenCase[] = [];
  const goldens = new Set<string>();
  for (const [dir, names] of byDir) {
    const boards = new Set(names.filter((n) => BOARD.test(n) && !n.endsWith(".dtsi")));
    const claimed = new Set<string>();
    const add = (stem: string, kind: GoldenCaseKind, board: string, definedBy: string | null, extra: Partial<GoldenCase>) => {
      cases.push({ name: relative(root, join(dir, stem)) || stem, kind, dir, board, definedBy, goldenText: join(dir, `${stem}.report.txt`), goldenJson: join(dir, `${stem}.report.json`), ...extra });
    };
    for (const n of names) {
      if (GOLDEN.test(n)) goldens.add(join(dir, n));
      if (OPTIONS.test(n)) {
        const stem = n.replace(OPTIONS, "");
        const own = new DiagnosticSink();
        const text = host.readText(join(dir, n));
        if (text === undefined) own.error("io", `Couldn't open "${join(dir, n)}"`);
        const options = text === undefined ? undefined : parseBoardOptions(text, join(dir, n), own);
        const board = options && (options.board ?? impliedBoard(stem, boards));
        if (options && !board) own.error("board-options", `${join(dir, n)}: no \`board\`, and no ${stem}.dts / .dtb (or a board named by a prefix of ${stem} at a dot) beside it`);
        if (board) claimed.add(board);
        add(stem, "options", board ?? "", n, own.errorCount > 0 ? { problems: own.items } : { options });
      } else if (SCENARIO.test(n)) {
        // Steps-only scenarios are side files: only a scenario that names its board is a case.
        const own = new DiagnosticSink();
        const sf = loadScenarioFile(join(dir, n), own, host);
        if (sf && !sf.inputs.board) continue;
        if (sf?.inputs.board) claimed.add(sf.inputs.board.given);
        add(n.replace(SCENARIO, ""), "scenario", sf?.inputs.board?.given ?? "", n, sf ? { scenario: sf } : { problems: own.items });
      }
    }
    for (const b of boards) if (!claimed.has(b)) add(b.replace(BOARD, ""), "board", b, null, {});
  }
  const written = new Set<string>();
  for (const c of cases) {
    for (const g of [c.goldenText, c.goldenJson]) {
      if (written.has(g)) sink.error("golden", `two cases write ${g}: rename one of them`);
      written.add(g);
    }
  }
  cases.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { cases, orphans: [...goldens].filter((g) => !written.has(g)).sort() };
}
