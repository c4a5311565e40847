// The finished tree in the output format dtc was asked for (dtc.c main, after the checks): a blob,
// source text (with -T annotations), YAML or assembler. Text output is gathered in blocks, never
// as one string, and is bounded: a deep tree's source text is quadratic in its depth.
import { BlockWriter, DtbWriteError, OutputTooLarge, writeAsm, writeDtb, writeDtsBytes, writeYaml, YamlWriteError } from "../fdt/index.ts";
import type { DiagnosticSink } from "../source/index.ts";
import type { CompileOptions, OutputFormat } from "./options.ts";
import type { CompiledTree } from "./pipeline.ts";

/** Largest text output written (`-O dts`, `-O yaml`, `-O asm`): 1 GiB. */
export const MAX_TEXT_OUTPUT_BYTES = 1024 * 1024 * 1024;

/** The output bytes, or undefined with an error in `sink` when this output cannot be made. */
export function renderOutput(result: CompiledTree, format: OutputFormat, options: CompileOptions, sink: DiagnosticSink): Uint8Array | undefined {
  const { tree } = result;
  const blob = {
    bootCpuId: tree.bootCpuId ?? 0,
    reserveSlots: options.reserveSlots,
    minSize: options.minSize,
    padding: options.padding,
    align: options.align,
    version: options.outVersion,
  };
  if (options.annotate > 0 && (result.inputFormat !== "dts" || format !== "dts")) {
    sink.error("options", "--annotate requires -I dts -O dts");
    return undefined;
  }
  if (format === "yaml" && result.inputFormat !== "dts") {
    sink.error("options", "YAML output format requires dts input format");
    return undefined;
  }
  try {
    switch (format) {
      case "dtb":
        return writeDtb(tree, blob);
      case "dts": {
        const annotate = options.annotate > 0 ? { level: options.annotate, initialPath: result.initialPath ?? "" } : undefined;
        return writeDtsBytes(tree, { annotate }, MAX_TEXT_OUTPUT_BYTES);
      }
      case "yaml": {
        const out = new BlockWriter(MAX_TEXT_OUTPUT_BYTES);
        writeYaml(tree, (t) => out.text(t));
        return out.finish();
      }
      case "asm": {
        const out = new BlockWriter(MAX_TEXT_OUTPUT_BYTES);
        writeAsm(tree, blob, (t) => out.text(t));
        return out.finish();
      }
    }
  } catch (e) {
    if (e instanceof OutputTooLarge) sink.error("limit", `${format} output would be larger than the ${MAX_TEXT_OUTPUT_BYTES / (1024 * 1024)} MiB output limit`);
    else if (e instanceof YamlWriteError || e instanceof DtbWriteError) sink.error("output", e.message);
    else throw e;
    return undefined;
  }
}
