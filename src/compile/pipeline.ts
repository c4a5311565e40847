// dtc's driver (dtc.c main) as a library call: input → tree → checks → generated nodes → output.
import { runChecks } from "../checks/index.ts";
import type { DiagnosticSink } from "../source/index.ts";
import { generateAliasesFromLabels, generateFixups, generateSymbols, sortTree } from "../tree/index.ts";
import type { DeviceTree } from "../tree/model.ts";
import type { CompileOptions, InputFormat, OutputFormat } from "./options.ts";
import { renderOutput } from "./output.ts";
import { loadInput } from "./read-input.ts";

export type CompileOutcome =
  /** Output produced (possibly forced past check errors with -f). */
  | { readonly ok: true; readonly tree: DeviceTree; readonly output: Uint8Array; readonly format: OutputFormat; readonly forced: boolean }
  /** Input errors (parse, semantic or check), or an output that cannot be made: nothing to write. */
  | { readonly ok: false; readonly stage: "input" | "checks" | "output" };

export interface CompiledTree {
  readonly tree: DeviceTree;
  readonly inputFormat: InputFormat;
  /** An error-class check failed (dtc then refuses to write unless -f). */
  readonly checksFailed: boolean;
  /** dtc's initial path, for -T (see TreeFromInput). */
  readonly initialPath?: string;
}

/**
 * Input → finished tree, as dtc does before writing: checks (which also resolve references),
 * then -A, -@ and fixups, then -s. Undefined when the input could not be read or parsed, or
 * when generating -@/fixup nodes failed (errors, not check failures: -f does not override them).
 */
export function compileTree(path: string, options: CompileOptions, sink: DiagnosticSink): CompiledTree | undefined {
  const read = loadInput(path, options, sink);
  if (!read) return undefined;
  const { tree } = read;
  // The tree builder (dtc's guess at the end of parsing) or the blob header set it otherwise.
  if (options.bootCpu !== undefined) tree.bootCpuId = options.bootCpu;

  const { errors } = runChecks(tree, { phandleFormat: options.phandleFormat, symbols: options.symbols, overrides: options.checkOverrides, quiet: options.quiet }, sink);
  const errorsBeforeGeneration = sink.errorCount;
  if (options.autoAliases) generateAliasesFromLabels(tree, sink);
  if (options.symbols) generateSymbols(tree, { phandleFormat: options.phandleFormat }, sink);
  // dtc: a plugin always gets fixups; -L asks for them on any tree.
  if (tree.plugin || options.localFixups) generateFixups(tree, sink);
  if (sink.errorCount > errorsBeforeGeneration) return undefined;
  if (options.sort) sortTree(tree);
  return { tree, inputFormat: read.format, checksFailed: errors, initialPath: read.initialPath };
}

/** dtc's default output format: a blob for source input, source otherwise. */
export function defaultOutputFormat(input: InputFormat): OutputFormat {
  return input === "dts" ? "dtb" : "dts";
}

export function compile(path: string, options: CompileOptions, sink: DiagnosticSink): CompileOutcome {
  const result = compileTree(path, options, sink);
  if (!result) return { ok: false, stage: "input" };
  if (result.checksFailed && !options.force) return { ok: false, stage: "checks" };
  const format: OutputFormat = options.outputFormat ?? defaultOutputFormat(result.inputFormat);
  const output = renderOutput(result, format, options, sink);
  if (!output) return { ok: false, stage: "output" };
  return { ok: true, tree: result.tree, output, format, forced: result.checksFailed };
}
