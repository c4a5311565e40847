// Standard output and standard error, written with write(2) on file descriptors 1 and 2 and never
// through process.stdout / process.stderr. Those streams put a pipe into non-blocking mode when
// they are first touched (libuv's uv_pipe_open), and O_NONBLOCK belongs to the open file
// description, so it also reaches a shell's `2>&1` twin and every later writeSync: a slow reader
// then got 64 KiB and EAGAIN. Here every write is whole: a short write is continued, EAGAIN (a
// descriptor some other process left non-blocking) waits for the reader, and EPIPE (`| head -1`
// has gone) ends the output quietly, as in dtc and cat.
import { writeSync } from "node:fs";

/** The reader of standard output has gone (EPIPE): nothing more can be written there. */
export class OutputClosedError extends Error {
  override name = "OutputClosedError";
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for `ms` milliseconds (a non-blocking descriptor whose reader is slow). */
function pause(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function isCode(e: unknown, ...codes: string[]): boolean {
  return codes.includes((e as NodeJS.ErrnoException)?.code ?? "");
}

/**
 * Writes all of `data` to `fd`. Throws OutputClosedError on EPIPE, the system error otherwise.
 */
export function writeFully(fd: number, data: Uint8Array): void {
  let off = 0;
  let wait = 1;
  while (off < data.length) {
    try {
      off += writeSync(fd, data, off, data.length - off);
      wait = 1;
    } catch (e) {
      if (isCode(e, "EAGAIN", "EWOULDBLOCK")) {
        pause(wait);
        wait = Math.min(wait * 2, 50);
        continue;
      }
      if (isCode(e, "EINTR")) continue;
      if (isCode(e, "EPIPE")) throw new OutputClosedError("the reader of the output has gone (EPIPE)");
      throw e;
    }
  }
}

/** Strings are written in pieces of at most this many UTF-16 units (bounded temporary buffers). */
const TEXT_PIECE = 1 << 20;

export function writeTextFully(fd: number, text: string): void {
  if (text.length <= TEXT_PIECE) {
    writeFully(fd, Buffer.from(text, "utf8"));
    return;
  }
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + TEXT_PIECE);
    // Never split a surrogate pair between two pieces (each half would become U+FFFD).
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    writeFully(fd, Buffer.from(text.slice(start, end), "utf8"));
    start = end;
  }
}

let stdoutClosed = false;

/** True once standard output's reader has gone: later output is dropped. */
export function stdoutIsClosed(): boolean {
  return stdoutClosed;
}

/** Writes to standard output; false (and nothing more is written) once its reader has gone. */
export function writeStdout(data: string | Uint8Array): boolean {
  if (stdoutClosed) return false;
  try {
    if (typeof data === "string") writeTextFully(1, data);
    else writeFully(1, data);
    return true;
  } catch (e) {
    if (e instanceof OutputClosedError) {
      stdoutClosed = true;
      return false;
    }
    throw e;
  }
}

/** Writes to standard error; a closed or broken standard error is ignored (nowhere to say so). */
export function writeStderr(text: string): void {
  try {
    writeTextFully(2, text);
  } catch {
    // EPIPE, EBADF (closed by the caller): the message has nowhere to go.
  }
}
