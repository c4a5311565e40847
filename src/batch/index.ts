// batch: every board of a tree, on worker threads; rows, totals, progress.
export { discoverBoards, BOARD_EXTENSIONS } from "./discover.ts";
export type { Discovery } from "./discover.ts";
export { BoardShares, chunkSize, DEFAULT_BOARD_TIMEOUT_MS, runBoards } from "./pool.ts";
export type { PoolOptions, WorkerSetup } from "./pool.ts";
export { boardJobCache, runBoardJob, dtbPathFor } from "./job.ts";
export type { BoardJobCache, BoardJobOptions } from "./job.ts";
export { rowFromReport, errorRow } from "./row.ts";
export type { BoardCounts, BoardRow } from "./row.ts";
export { batchTotals, renderBatchJsonl, renderBatchText } from "./summary.ts";
export type { BatchTotals } from "./summary.ts";
export { Progress } from "./progress.ts";
export { cachingFileHost } from "./cached-host.ts";
