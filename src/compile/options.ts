// What `dtprobe compile` (and the library's compile()) can be asked to do: dtc's options, plus the
// built-in preprocessor.
import type { CheckOverride } from "../checks/index.ts";
import type { Define, IncludeMemo } from "../preprocess/index.ts";
import type { FileHost } from "../source/index.ts";
import type { PhandleFormat } from "../tree/model.ts";

export type InputFormat = "dts" | "dtb";
export type OutputFormat = "dtb" | "dts";

export interface CompileOptions {
  /** `-I`; undefined guesses from the content (FDT magic means dtb), as dtc does. */
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
  reserveSlots: 0,
  minSize: 0,
  padding: 0,
  align: 0,
  outVersion: 17,
};
