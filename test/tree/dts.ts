// Building trees from DTS text through the real parser, and running what dtc runs after parsing
// (checks incl. reference resolution, -A, -@, fixups, -s), for end-to-end tree tests.
import { parseDts } from "../../grammar/index.ts";
import { runChecks } from "../../src/checks/index.ts";
import { DiagnosticSink, memoryFileHost, SourceFile, type FileHost } from "../../src/source/index.ts";
import { buildTree, generateAliasesFromLabels, generateFixups, generateSymbols, sortTree, type DeviceTree, type PhandleFormat } from "../../src/tree/index.ts";

export interface DtcLikeOptions {
  readonly phandleFormat?: PhandleFormat;
  readonly symbols?: boolean;
  readonly aliases?: boolean;
  readonly localFixups?: boolean;
  readonly sort?: boolean;
  readonly includeDirs?: readonly string[];
  readonly host?: FileHost;
}

export function parseAndBuild(name: string, text: string, options: DtcLikeOptions = {}, sink = new DiagnosticSink()): { tree: DeviceTree | undefined; sink: DiagnosticSink } {
  const host = options.host ?? memoryFileHost({});
  const doc = parseDts(new SourceFile(name, text), { host, includeDirs: options.includeDirs ?? [] }, sink);
  if (!doc) return { tree: undefined, sink };
  return { tree: buildTree(doc, { host, includeDirs: options.includeDirs ?? [] }, sink), sink };
}

/** dtc.c after parsing: checks, then -A, -@, fixups (plugin or -L), -s. */
export function finish(tree: DeviceTree, options: DtcLikeOptions, sink: DiagnosticSink): { errors: boolean } {
  const result = runChecks(tree, { phandleFormat: options.phandleFormat ?? "epapr", symbols: options.symbols ?? false, overrides: [], quiet: 0 }, sink);
  if (options.aliases) generateAliasesFromLabels(tree, sink);
  if (options.symbols) generateSymbols(tree, { phandleFormat: options.phandleFormat ?? "epapr" }, sink);
  if (tree.plugin || options.localFixups) generateFixups(tree, sink);
  if (options.sort) sortTree(tree);
  return result;
}

/** dtc's flags of a MANIFEST row that matter after parsing. */
export function optionsFromFlags(flags: readonly string[]): DtcLikeOptions & { force: boolean; bootCpu?: number } {
  const o: { -readonly [K in keyof DtcLikeOptions]: DtcLikeOptions[K] } & { force: boolean; bootCpu?: number } = { force: false };
  const includeDirs: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    if (f === "-H") o.phandleFormat = flags[++i] as PhandleFormat;
    else if (f === "-@") o.symbols = true;
    else if (f === "-A") o.aliases = true;
    else if (f === "-L") o.localFixups = true;
    else if (f === "-s") o.sort = true;
    else if (f === "-f") o.force = true;
    else if (f === "-i") includeDirs.push(flags[++i]!);
    else if (f === "-b") o.bootCpu = Number(flags[++i]);
    else if (f === "-I" || f === "-O") i++;
  }
  o.includeDirs = includeDirs;
  return o;
}
