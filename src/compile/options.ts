// What `dtprobe compile` (and the library's compile()) can be asked to do: dtc's options, plus the
// built-in preprocessor.
import type { CheckOverride } from "../checks/index.ts";
import type { Define, IncludeMemo } from "../preprocess/index.ts";
import type { FileHost } from "../source/index.ts";
import type { PhandleFormat } from "../tree/model.ts";

/** dtc's `-I`: source, blob, or a /proc/device-tree style directory. */
export type InputFormat = "dts" | "dtb" | "fs";
/** dtc's `-O` (besides `null`): blob, source, YAML (dtc's schema form), assembler source. */
export type OutputFormat = "dtb" | "dts" | "yaml" | "asm";

export interface CompileOptions {
  /** `-I`; undefined guesses as dtc does (a directory is fs, FDT magic or a .dtb name dtb). */
  readonly inputFormat?: InputFormat;
  /** `-O`; undefined means dtb for dts input and dts for dtb input (dtc's rule). */
  readonly outputFormat?: OutputFormat;
  /** `-i`: searched by `/include/`, `/incbin/` and (with cpp) `#include`. */
  readonly includeDirs: readonly string[];
  /** `--cpp`: run the built-in preprocessor first. */
  readonly cpp: boolean;
  readonly defines: readonly Define[];
  readonly undefines: readonly string[];
  /** `-H` */
  readonly phandleFormat: PhandleFormat;
  /** `-@` */
  readonly symbols: boolean;
  /** `-L`: generate __fixups__/__local_fixups__ even for a non-plugin tree. */
  readonly localFixups: boolean;
  /** `-A` */
  readonly autoAliases: boolean;
  /** `-f` */
  readonly force: boolean;
  /** `-s` */
  readonly sort: boolean;
  /** `-b`; undefined keeps dtc's guess (reg of the first /cpus child) or the input blob's value. */
  readonly bootCpu?: number;
  /** `-W` / `-E`, in command-line order. */
  readonly checkOverrides: readonly CheckOverride[];
  /** `-q` count. */
  readonly quiet: number;
  /** `-T` count: source annotations in `-O dts` output (1: file:line, 2: full ranges). */
  readonly annotate: number;
  /** `-R`, `-S`, `-p`, `-a`, `-V` */
  readonly reserveSlots: number;
  readonly minSize: number;
  readonly padding: number;
  readonly align: number;
  readonly outVersion: number;
  readonly host?: FileHost;
  /** Shared by many runs (dtprobe batch): the preprocessor replays includes it met before. */
  readonly includeMemo?: IncludeMemo;
}

export const defaultCompileOptions: CompileOptions = {
  includeDirs: [],
  cpp: false,
  defines: [],
  undefines: [],
  phandleFormat: "epapr",
  symbols: false,
  localFixups: false,
  autoAliases: false,
  force: false,
  sort: false,
  checkOverrides: [],
  quiet: 0,
  annotate: 0,
  reserveSlots: 0,
  minSize: 0,
  padding: 0,
  align: 0,
  outVersion: 17,
};
