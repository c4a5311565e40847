// The kernel model's entry point: a board file (DTS with the preprocessor on by default, or a DTB)
// to a finished tree, with dtc's checks run so references are resolved. Check warnings are kept in
// the sink; check errors make the load fail unless `force` is set.
import type { CheckOverride } from "../checks/index.ts";
import { nodeFileHost, type DiagnosticSink, type FileHost } from "../source/index.ts";
import type { Define } from "../preprocess/index.ts";
import type { DeviceTree } from "../tree/model.ts";
import { defaultCompileOptions } from "./options.ts";
import { compileTree } from "./pipeline.ts";

export interface LoadOptions {
  /** Run the built-in preprocessor on DTS input (default true: kernel sources need it). */
  readonly cpp?: boolean;
  readonly includeDirs?: readonly string[];
  readonly defines?: readonly Define[];
  readonly undefines?: readonly string[];
  /** Keep going past error-class check failures (dtc -f). */
  readonly force?: boolean;
  /** dtc's -W/-E: checks turned on or off, at warning or error level (default: dtc's set). */
  readonly checkOverrides?: readonly CheckOverride[];
  readonly host?: FileHost;
}

export function loadDeviceTree(path: string, options: LoadOptions, sink: DiagnosticSink): DeviceTree | undefined {
  const result = compileTree(
    path,
    {
      ...defaultCompileOptions,
      cpp: options.cpp ?? true,
      includeDirs: options.includeDirs ?? [],
      defines: options.defines ?? [{ name: "__DTS__" }],
      undefines: options.undefines ?? [],
      host: options.host ?? nodeFileHost,
      checkOverrides: options.checkOverrides ?? [],
    },
    sink,
  );
  if (!result) return undefined;
  if (result.checksFailed && !options.force) return undefined;
  return result.tree;
}
