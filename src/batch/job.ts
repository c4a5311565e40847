// One board of a batch: load it (preprocess, parse, dtc's checks), optionally write its blob as
// `dtc -b 0` would (the kernel build's flag), run the emulated kernel, and sum it up as a row.
// Never throws: a board that cannot be loaded, or a bug met on it, is a row too.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { loadDeviceTree, type LoadOptions } from "../compile/index.ts";
import { writeDtb } from "../fdt/index.ts";
import { runBoard, type BoardRunOptions } from "../report/index.ts";
import { IncludeMemo } from "../preprocess/index.ts";
import { DiagnosticSink, formatDiagnostic, type FileHost } from "../source/index.ts";
import { cachingFileHost } from "./cached-host.ts";
import { errorRow, rowFromReport, type BoardRow } from "./row.ts";

export interface BoardJobOptions {
  readonly load: Omit<LoadOptions, "host">;
  readonly run: BoardRunOptions;
  /** Also write each board's DTB under this directory, at the board's path with `.dtb`. */
  readonly dtbDir?: string;
}

/** Where a board's blob goes under `dir` (leading `/` and `..` dropped: it stays inside). */
export function dtbPathFor(dir: string, board: string): string {
  const rel = normalize(board).replace(/^(\.\.\/|\/)+/, "").replace(/\.dts$/, ".dtb");
  return join(dir, rel);
}

/** The first error as one line (`file:line:col: error: message`), without the source excerpt. */
function firstError(sink: DiagnosticSink): string {
  const d = sink.items.find((x) => x.severity === "error");
  return d ? formatDiagnostic(d).split("\n")[0]! : "could not be loaded";
}

/** What a worker keeps from board to board: its file cache and its include memo. */
export interface BoardJobCache {
  readonly host: FileHost;
  readonly includeMemo?: IncludeMemo;
}

/** A fresh cache for a run with these load options. */
export function boardJobCache(load: BoardJobOptions["load"]): BoardJobCache {
  return { host: cachingFileHost(), includeMemo: new IncludeMemo(load.includeDirs ?? []) };
}

export function runBoardJob(board: string, options: BoardJobOptions, cache: BoardJobCache): BoardRow {
  try {
    const sink = new DiagnosticSink();
    const tree = loadDeviceTree(board, { ...options.load, host: cache.host, includeMemo: cache.includeMemo }, sink);
    if (!tree || sink.errorCount > 0) return errorRow(board, "load-error", firstError(sink));
    if (options.dtbDir !== undefined) {
      const out = dtbPathFor(options.dtbDir, board);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, writeDtb(tree, { bootCpuId: 0 }));
    }
    const run = runBoard(tree, board, options.run, sink);
    if (!run) return errorRow(board, "load-error", firstError(sink));
    return rowFromReport(board, run.report);
  } catch (e) {
    const err = e as Error;
    return errorRow(board, "internal-error", `${err?.name ?? "Error"}: ${err?.message ?? String(e)}`);
  }
}
