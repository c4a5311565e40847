// A batch worker thread: reads the side files once, keeps one file cache (and the module-level
// parser) for its whole life, and answers each board of a run of { id, board } with { id, row }.
import { parentPort, workerData } from "node:worker_threads";
import { readSideFiles } from "../report/index.ts";
import { DiagnosticSink } from "../source/index.ts";
import { boardJobCache, runBoardJob, type BoardJobOptions } from "./job.ts";
import { errorRow } from "./row.ts";
import type { WorkerSetup } from "./pool.ts";

const setup = workerData as WorkerSetup;
const sink = new DiagnosticSink();
const side = readSideFiles(setup.sideFiles, sink);
const options: BoardJobOptions | undefined = side && { load: setup.load, run: { ...setup.run, ...side }, dtbDir: setup.dtbDir };
const cache = boardJobCache(setup.load);

parentPort!.on("message", (jobs: { id: number; board: string }[]) => {
  for (const job of jobs) {
    // The main thread checked the side files before starting; a change since is a per-board error.
    const row = options ? runBoardJob(job.board, options, cache) : errorRow(job.board, "load-error", sink.items[0]?.message ?? "side files unreadable");
    parentPort!.postMessage({ id: job.id, row });
  }
});
