// Progress of a batch on standard error: on a terminal one line redrawn in place (a bar, counts,
// elapsed time), at most ten times a second; otherwise a plain line at every tenth of the boards
// and one for each board that could not be loaded, so logs stay short and readable.
import type { BoardRow } from "./row.ts";

export interface ProgressSink {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

const BAR = 24;

export class Progress {
  private failed = 0;
  private lastDraw = 0;
  private readonly started = Date.now();
  private readonly step: number;

  constructor(
    private readonly out: ProgressSink,
    private readonly total: number,
  ) {
    this.step = Math.max(1, Math.ceil(total / 10));
  }

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1)} s`;
  }

  update(row: BoardRow, done: number): void {
    if (row.status !== "ok") this.failed++;
    if (this.out.isTTY) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && done < this.total) return;
      this.lastDraw = now;
      const filled = Math.round((BAR * done) / this.total);
      const line = `[${"#".repeat(filled)}${".".repeat(BAR - filled)}] ${done}/${this.total} boards, ${this.failed} not loaded, ${this.elapsed()}`;
      this.out.write(`\r${line.slice(0, Math.max(20, (this.out.columns ?? 80) - 1))}\x1b[K`);
      return;
    }
    if (row.status !== "ok") this.out.write(`batch: ${row.board}: ${row.status}: ${row.message}\n`);
    if (done % this.step === 0 || done === this.total) this.out.write(`batch: ${done}/${this.total} boards, ${this.failed} not loaded, ${this.elapsed()}\n`);
  }

  /** Clears the redrawn line (a terminal), so the summary starts on a clean line. */
  finish(): void {
    if (this.out.isTTY) this.out.write("\r\x1b[K");
  }
}
