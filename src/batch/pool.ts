// Runs boards on worker threads, one board at a time per worker (the next goes to whichever is
// free, so a slow board does not hold up a queue), and gives the rows back in board order. A
// worker that dies (out of memory, a crash) turns its board into an internal-error row and is
// replaced. With one job the boards run on the calling thread.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { readSideFiles, type BoardRunOptions, type BoardSideFiles } from "../report/index.ts";
import { DiagnosticSink } from "../source/index.ts";
import { boardJobCache, runBoardJob, type BoardJobOptions } from "./job.ts";
import { errorRow, type BoardRow } from "./row.ts";

/** What every worker is started with (structured-cloneable: side files by path). */
export interface WorkerSetup {
  readonly load: BoardJobOptions["load"];
  readonly run: Omit<BoardRunOptions, "pci" | "hw" | "scenario">;
  readonly sideFiles: BoardSideFiles;
  readonly dtbDir?: string;
}

export interface PoolOptions {
  readonly jobs: number;
  /** Called as each row arrives (in completion order), with the count done so far. */
  readonly onRow?: (row: BoardRow, done: number) => void;
}

/**
 * The worker script: the bundle's entry in dist/ (what users run), or next to this module in the
 * sources, run through tsx's loader like the calling thread (development and tests).
 */
function startWorker(setup: WorkerSetup): Worker {
  for (const url of [new URL("./batch-worker.mjs", import.meta.url), new URL("../batch-worker.mjs", import.meta.url)]) {
    if (existsSync(fileURLToPath(url))) return new Worker(url, { workerData: setup });
  }
  const source = new URL("./worker.ts", import.meta.url);
  if (!existsSync(fileURLToPath(source))) throw new Error("the batch worker script is missing (run `npm run build`)");
  // Node 20 workers do not take --import: register tsx's hooks first, then load the module.
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return new Worker(`import(${api}).then((m) => m.register()).then(() => import(${JSON.stringify(source.href)}))`, { eval: true, workerData: setup });
}

function runInline(boards: readonly string[], setup: WorkerSetup, options: PoolOptions): BoardRow[] {
  const sink = new DiagnosticSink();
  const side = readSideFiles(setup.sideFiles, sink);
  const cache = boardJobCache(setup.load);
  return boards.map((board, k) => {
    const row = side ? runBoardJob(board, { load: setup.load, run: { ...setup.run, ...side }, dtbDir: setup.dtbDir }, cache) : errorRow(board, "load-error", sink.items[0]?.message ?? "side files unreadable");
    options.onRow?.(row, k + 1);
    return row;
  });
}

/**
 * How many boards to hand a worker at once: runs of neighbours (boards of one directory share
 * their .dtsi files, which the worker's include memo then preprocesses once), shorter towards
 * the end so that the workers finish together.
 */
export function chunkSize(remaining: number, jobs: number): number {
  return Math.max(1, Math.min(MAX_CHUNK, Math.floor(remaining / (jobs * 4))));
}

const MAX_CHUNK = 24;

export function runBoards(boards: readonly string[], setup: WorkerSetup, options: PoolOptions): Promise<BoardRow[]> {
  const jobs = Math.max(1, Math.min(options.jobs, boards.length));
  if (jobs === 1) return Promise.resolve(runInline(boards, setup, options));
  const rows: (BoardRow | undefined)[] = new Array(boards.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve) => {
    const finish = (id: number, row: BoardRow) => {
      if (rows[id] !== undefined) return;
      rows[id] = row;
      done++;
      options.onRow?.(row, done);
      if (done === boards.length) resolve(rows as BoardRow[]);
    };
    /** A worker; `handOver`: boards a dead worker did not get to, given to this one first. */
    const start = (handOver: number[] = []) => {
      const worker = startWorker(setup);
      /** The boards handed to this worker and not answered yet. */
      let pending: number[] = [];
      const send = (ids: number[]) => {
        pending = ids;
        worker.postMessage(ids.map((id) => ({ id, board: boards[id] })));
      };
      const feed = () => {
        if (next >= boards.length) {
          void worker.terminate();
          return;
        }
        const n = Math.min(chunkSize(boards.length - next, jobs), boards.length - next);
        const ids = Array.from({ length: n }, (_, k) => next + k);
        next += n;
        send(ids);
      };
      worker.on("message", (m: { id: number; row: BoardRow }) => {
        finish(m.id, m.row);
        pending = pending.filter((id) => id !== m.id);
        if (pending.length === 0) feed();
      });
      // A worker that dies holding boards: the one it was on is an error row, the rest go back to a
      // new worker ('error' comes first for an exception or out-of-memory, 'exit' alone otherwise).
      const died = (why: string) => {
        if (pending.length === 0) return;
        const [id, ...rest] = pending;
        pending = [];
        finish(id!, errorRow(boards[id!]!, "internal-error", `worker died: ${why}`));
        if (rest.length > 0 || next < boards.length) start(rest);
      };
      worker.on("error", (e) => died(e.message));
      worker.on("exit", (code) => died(`exit status ${code}`));
      if (handOver.length > 0) send(handOver);
      else feed();
    };
    for (let k = 0; k < jobs; k++) start();
  });
}
