// Runs boards on worker threads and gives the rows back in board order. Each worker owns a
// contiguous share of the boards and takes runs of neighbours from its front; a worker whose share
// is done takes over the back half of the largest share left (boards of one SoC family share
// their .dtsi files, which each worker's include memo then records once). A worker that dies (out of
// memory, a crash) or spends longer than the time limit on one board is ended: that board becomes
// an internal-error row and a new worker takes over the rest of its run. `inline` runs every
// board on the calling thread instead (no time limit: a board that loops hangs the caller).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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
  /** Longest time one board may take, in ms (default DEFAULT_BOARD_TIMEOUT_MS). */
  readonly boardTimeoutMs?: number;
  /** Run on the calling thread (tests, debugging). */
  readonly inline?: boolean;
  /** Called as each row arrives (in completion order), with the count done so far. */
  readonly onRow?: (row: BoardRow, done: number) => void;
}

/** A kernel tree's boards take well under a second each; 200,000 generated devices ~20 s. */
export const DEFAULT_BOARD_TIMEOUT_MS = 120_000;

/** Where this module's code is: the sources, an ESM chunk of dist/, or a CommonJS bundle. */
function codeDir(): string {
  const url = (import.meta as { url?: string }).url;
  if (typeof url === "string") return dirname(fileURLToPath(url));
  // A CommonJS bundle has no import.meta; its module wrapper passes __filename.
  return typeof __filename === "string" ? dirname(__filename) : process.cwd();
}

/**
 * The worker script: the bundle's entry in dist/ (what users run: beside this code, one level up
 * from a chunk, or dist/ beside the bin launcher), or worker.ts next to this module in the
 * sources, run through tsx's loader like the calling thread (development and tests).
 */
function startWorker(setup: WorkerSetup): Worker {
  const dir = codeDir();
  const launcher = process.argv[1] ? join(dirname(process.argv[1]), "..", "dist") : dir;
  for (const path of [join(dir, "batch-worker.mjs"), join(dir, "..", "batch-worker.mjs"), join(launcher, "batch-worker.mjs")]) {
    if (existsSync(path)) return new Worker(pathToFileURL(path), { workerData: setup });
  }
  const source = join(dir, "worker.ts");
  if (!existsSync(source)) throw new Error("the batch worker script is missing (run `npm run build`)");
  // Node 20 workers do not take --import: register tsx's hooks first, then load the module.
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  return new Worker(`import(${api}).then((m) => m.register()).then(() => import(${JSON.stringify(pathToFileURL(source).href)}))`, { eval: true, workerData: setup });
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

const MAX_CHUNK = 24;

/**
 * How many boards to hand a worker at once: runs of neighbours (boards of one directory share
 * their .dtsi files, which the worker's include memo then preprocesses once), shorter towards
 * the end so that the workers finish together.
 */
export function chunkSize(remaining: number, jobs: number): number {
  return Math.max(1, Math.min(MAX_CHUNK, Math.floor(remaining / (jobs * 4))));
}

/** The boards not handed out yet, as one contiguous share [next, end) per worker slot. */
export class BoardShares {
  private readonly shares: { next: number; end: number }[];

  constructor(count: number, jobs: number) {
    this.shares = Array.from({ length: jobs }, (_, k) => ({ next: Math.floor((k * count) / jobs), end: Math.floor(((k + 1) * count) / jobs) }));
  }

  get remaining(): number {
    let n = 0;
    for (const s of this.shares) n += s.end - s.next;
    return n;
  }

  /**
   * The next run for `slot`: from the front of its share, or, when that is done, from the back
   * half of the largest share left (which becomes the slot's share). Empty when nothing is left.
   */
  take(slot: number): number[] {
    const own = this.shares[slot]!;
    if (own.next >= own.end) {
      let victim = own;
      for (const s of this.shares) if (s.end - s.next > victim.end - victim.next) victim = s;
      const left = victim.end - victim.next;
      if (left === 0) return [];
      own.end = victim.end;
      own.next = victim.end - Math.ceil(left / 2);
      victim.end = own.next;
    }
    const n = Math.min(chunkSize(this.remaining, this.shares.length), own.end - own.next);
    const ids = Array.from({ length: n }, (_, k) => own.next + k);
    own.next += n;
    return ids;
  }
}

export function runBoards(boards: readonly string[], setup: WorkerSetup, options: PoolOptions): Promise<BoardRow[]> {
  if (options.inline) return Promise.resolve(runInline(boards, setup, options));
  if (boards.length === 0) return Promise.resolve([]);
  const jobs = Math.max(1, Math.min(options.jobs, boards.length));
  const timeoutMs = options.boardTimeoutMs ?? DEFAULT_BOARD_TIMEOUT_MS;
  const rows: (BoardRow | undefined)[] = new Array(boards.length);
  const shares = new BoardShares(boards.length, jobs);
  let done = 0;
  /** Per live worker: when it started on its current board (checked by the watchdog). */
  const busySince = new Map<Worker, { since: number; stop: () => void }>();
  return new Promise((resolve) => {
    const watchdog = setInterval(() => {
      const now = Date.now();
      for (const w of busySince.values()) if (now - w.since > timeoutMs) w.stop();
    }, Math.min(1000, timeoutMs));
    const finish = (id: number, row: BoardRow) => {
      if (rows[id] !== undefined) return;
      rows[id] = row;
      done++;
      options.onRow?.(row, done);
      if (done === boards.length) {
        clearInterval(watchdog);
        resolve(rows as BoardRow[]);
      }
    };
    /** A worker for a slot; `handOver`: boards a dead worker did not get to, given to this one first. */
    const start = (slot: number, handOver: number[] = []) => {
      const worker = startWorker(setup);
      /** The boards handed to this worker and not answered yet (it works on the first). */
      let pending: number[] = [];
      let timedOut = false;
      const busy = () => busySince.set(worker, { since: Date.now(), stop });
      const stop = () => {
        timedOut = true;
        busySince.delete(worker);
        void worker.terminate();
      };
      const send = (ids: number[]) => {
        pending = ids;
        busy();
        worker.postMessage(ids.map((id) => ({ id, board: boards[id] })));
      };
      const feed = () => {
        const ids = shares.take(slot);
        if (ids.length === 0) {
          busySince.delete(worker);
          void worker.terminate();
          return;
        }
        send(ids);
      };
      worker.on("message", (m: { id: number; row: BoardRow }) => {
        finish(m.id, m.row);
        pending = pending.filter((id) => id !== m.id);
        if (pending.length === 0) feed();
        else busy();
      });
      // 'error' comes first for an exception or out-of-memory, 'exit' alone for an exit or a stop.
      const died = (why: string) => {
        busySince.delete(worker);
        if (pending.length === 0) return;
        const [id, ...rest] = pending;
        pending = [];
        const message = timedOut ? `no result after ${timeoutMs / 1000} s: stopped (a loop in dtprobe: please report the board)` : `worker died: ${why}`;
        finish(id!, errorRow(boards[id!]!, "internal-error", message));
        if (rest.length > 0 || shares.remaining > 0) start(slot, rest);
      };
      worker.on("error", (e) => died(e.message));
      worker.on("exit", (code) => died(`exit status ${code}`));
      if (handOver.length > 0) send(handOver);
      else feed();
    };
    for (let k = 0; k < jobs; k++) start(k);
  });
}
