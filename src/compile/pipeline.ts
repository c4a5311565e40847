// dtc's driver (dtc.c main) as a library call: input → tree → checks → generated nodes → output.
import { runChecks } from "../checks/index.ts";
import { writeDtb, writeDts } from "../fdt/index.ts";
import { nodeFileHost, type DiagnosticSink } from "../source/index.ts";
import { generateAliasesFromLabels, generateFixups, generateSymbols, guessBootCpuId, sortTree } from "../tree/index.ts";
import type { DeviceTree } from "../tree/model.ts";
import type { CompileOptions, OutputFormat } from "./options.ts";
import { readInput, treeFromInput } from "./read-input.ts";

export type CompileOutcome =
  /** Output produced (possibly forced past check errors with -f). */
  | { readonly ok: true; readonly tree: DeviceTree; readonly output: Uint8Array; readonly format: OutputFormat; readonly forced: boolean }
  /** Input errors (parse, semantic or check): nothing to write. */
  | { readonly ok: false; readonly stage: "input" | "checks" };

/**
 * Input → finished tree, as dtc does before writing: checks (which also resolve references),
 * then -A, -@ and fixups, then -s. `checksFailed` is set when an error-class check failed.
 */
export function compileTree(path: string, options: CompileOptions, sink: DiagnosticSink): { tree: DeviceTree; inputFormat: "dts" | "dtb"; checksFailed: boolean } | undefined {
  const host = options.host ?? nodeFileHost;
  const input = readInput(path, host, sink);
  if (!input) return undefined;
  const read = treeFromInput(input, options, sink);
  if (!read) return undefined;
  const { tree } = read;
  if (options.bootCpu !== undefined) tree.bootCpuId = options.bootCpu;
  else if (read.format === "dts") tree.bootCpuId = guessBootCpuId(tree);

  const { errors } = runChecks(tree, { phandleFormat: options.phandleFormat, symbols: options.symbols, overrides: options.checkOverrides, quiet: options.quiet }, sink);
  if (options.autoAliases) generateAliasesFromLabels(tree);
  if (options.symbols) generateSymbols(tree, { phandleFormat: options.phandleFormat });
  // dtc: a plugin always gets fixups; -L asks for them on any tree.
  if (tree.plugin || options.localFixups) generateFixups(tree, sink);
  if (options.sort) sortTree(tree);
  return { tree, inputFormat: read.format, checksFailed: errors };
}

export function compile(path: string, options: CompileOptions, sink: DiagnosticSink): CompileOutcome {
  const errorsBefore = sink.errorCount;
  const result = compileTree(path, options, sink);
  if (!result || sink.errorCount > errorsBefore && !result.checksFailed) return { ok: false, stage: "input" };
  if (result.checksFailed && !options.force) return { ok: false, stage: "checks" };
  const format: OutputFormat = options.outputFormat ?? (result.inputFormat === "dts" ? "dtb" : "dts");
  const output =
    format === "dtb"
      ? writeDtb(result.tree, {
          bootCpuId: result.tree.bootCpuId ?? 0,
          reserveSlots: options.reserveSlots,
          minSize: options.minSize,
          padding: options.padding,
          align: options.align,
          version: options.outVersion,
        })
      : Buffer.from(writeDts(result.tree), "latin1");
  return { ok: true, tree: result.tree, output, format, forced: result.checksFailed };
}
