// Writes a command's output, streamed: bytes, or text chunks consumed as they are produced (a
// large report is never one string). Standard output, devices and FIFOs are written directly and
// never replaced. A regular file is written through symbolic links to its target, and only
// replaced once the whole output exists beside it:
// - the usual case: a temporary file beside the target, renamed over it, carrying the old file's
//   mode (and owner, where that can be kept); an error never leaves a partial file;
// - a file with other hard links, or one whose owner cannot be kept: rewritten in place from the
//   complete temporary file, so the links and the owner stay (the copy itself is not atomic);
// - a file that cannot be written (no permission), a directory, or a temporary file that cannot
//   be created beside the target: an error, and the file is left as it was.
// SIGINT, SIGTERM and SIGHUP while a temporary file exists remove it, then end the process by
// the same signal (exit status 128 + N).
import { closeSync, constants, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readlinkSync, readSync, renameSync, statSync, unlinkSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { OutputClosedError, writeFully, writeStdout, writeTextFully } from "./stdio.ts";

/** Bytes, or text chunks written one after another as UTF-8. */
export type OutputData = Uint8Array | Iterable<string>;

/** Symbolic links followed before giving up (Linux's MAXSYMLINKS). */
const MAX_LINKS = 40;
/** Bytes per write when the output is one byte array, and per block of the in-place copy. */
const BLOCK = 1 << 20;

/** An output problem the user can act on (the message names the file). */
export class OutputError extends Error {
  override name = "OutputError";
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? "";
}

/** An error of a system call (ENOSPC, EBADF...), as opposed to one of the code making the output. */
function isSystemError(e: unknown): boolean {
  return typeof (e as NodeJS.ErrnoException)?.syscall === "string" || e instanceof OutputClosedError;
}

function describe(e: unknown): string {
  const code = errno(e);
  const text: Record<string, string> = {
    ENOENT: "No such file or directory",
    EACCES: "Permission denied",
    EPERM: "Operation not permitted",
    EISDIR: "Is a directory",
    ENOTDIR: "Not a directory",
    ENOSPC: "No space left on device",
    EROFS: "Read-only file system",
    ELOOP: "Too many levels of symbolic links",
    EBADF: "Bad file descriptor",
    EPIPE: "Broken pipe",
  };
  return text[code] ?? (e as Error).message;
}

/** The file a path names after following symbolic links (which may not exist yet). */
function resolveTarget(path: string): string {
  let p = resolve(path);
  for (let n = 0; n <= MAX_LINKS; n++) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (e) {
      if (errno(e) === "ENOENT") return p; // a new file (or the target of a dangling link)
      throw e;
    }
    if (!st.isSymbolicLink()) return p;
    p = resolve(dirname(p), readlinkSync(p));
  }
  throw Object.assign(new Error("Too many levels of symbolic links"), { code: "ELOOP" });
}

// ------------------------------------------------------------------ signals and temporary files

const liveTemps = new Set<string>();
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

function onSignal(signal: NodeJS.Signals): void {
  for (const t of liveTemps) {
    try {
      unlinkSync(t);
    } catch {
      // already gone
    }
  }
  liveTemps.clear();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  // With no listener left the default action applies: the process ends by this signal.
  process.kill(process.pid, signal);
}

function trackTemp(path: string): void {
  if (liveTemps.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  liveTemps.add(path);
}

async function untrackTemp(path: string): Promise<void> {
  liveTemps.delete(path);
  if (liveTemps.size > 0) return;
  // A signal caught while the last steps ran synchronously is dispatched here, with the
  // listener still in place (removing it first would drop the signal).
  await yieldToLoop();
  if (liveTemps.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/**
 * Lets the event loop deliver a pending signal (between chunks written to a temporary file).
 * Signals arrive in the poll phase; an immediate set from the poll phase runs in the same loop
 * iteration, before the next poll, so it takes two: the second runs after a poll phase.
 */
const yieldToLoop = () => new Promise<void>((r) => setImmediate(() => setImmediate(r)));

// ------------------------------------------------------------------ writers

function* bytePieces(data: Uint8Array): Generator<Uint8Array> {
  for (let off = 0; off < data.length; off += BLOCK) yield data.subarray(off, Math.min(data.length, off + BLOCK));
}

function writeChunk(fd: number, chunk: string | Uint8Array): void {
  if (typeof chunk === "string") writeTextFully(fd, chunk);
  else writeFully(fd, chunk);
}

function pieces(data: OutputData): Iterable<string | Uint8Array> {
  return data instanceof Uint8Array ? bytePieces(data) : data;
}

/** Writes to standard output; returns quietly once its reader has gone (EPIPE). */
function writeToStdout(data: OutputData): void {
  for (const chunk of pieces(data)) if (!writeStdout(chunk)) return;
}

async function writeToTemp(fd: number, data: OutputData): Promise<void> {
  // Test hook (docs/robustness.md): a signal arrives once the first chunk is in the temporary file.
  const failpoint = /^signal-during-write:(SIG[A-Z]+)$/.exec(process.env.DTPROBE_FAILPOINT ?? "")?.[1] as NodeJS.Signals | undefined;
  for (const chunk of pieces(data)) {
    writeChunk(fd, chunk);
    if (failpoint) process.kill(process.pid, failpoint);
    await yieldToLoop();
  }
  fsyncSync(fd);
}

/** Copies the finished temporary file into the target in place (keeps links, owner, mode). */
function copyInPlace(tmp: string, target: string): void {
  const src = openSync(tmp, "r");
  try {
    const dst = openSync(target, constants.O_WRONLY | constants.O_TRUNC);
    try {
      const buf = Buffer.allocUnsafe(BLOCK);
      for (;;) {
        const n = readSync(src, buf, 0, BLOCK, null);
        if (n === 0) break;
        writeFully(dst, buf.subarray(0, n));
      }
      fsyncSync(dst);
    } finally {
      closeSync(dst);
    }
  } finally {
    closeSync(src);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

async function writeRegular(shown: string, target: string, old: Stats | undefined, data: OutputData): Promise<void> {
  if (old) {
    try {
      // dtc opens its output for writing: a file the user may not write is not replaced either.
      closeSync(openSync(target, constants.O_WRONLY));
    } catch (e) {
      throw new OutputError(`couldn't write ${shown}: ${describe(e)}`);
    }
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, "wx", 0o666);
  } catch (e) {
    if (!old) throw new OutputError(`couldn't write ${shown}: ${describe(e)}`);
    throw new OutputError(`can't replace ${shown} safely: can't create a temporary file in ${dirname(target)} (${describe(e)})`);
  }
  trackTemp(tmp);
  let inPlace = false;
  try {
    try {
      if (old) {
        fchmodSync(fd, old.mode & 0o7777);
        inPlace = old.nlink > 1;
        if (!inPlace && (old.uid !== process.geteuid?.() || old.gid !== process.getegid?.())) {
          try {
            fchownSync(fd, old.uid, old.gid);
          } catch {
            inPlace = true; // renaming would hand the file to us: rewrite it where it is
          }
        }
      }
      await writeToTemp(fd, data);
    } finally {
      closeSync(fd);
    }
    if (inPlace) copyInPlace(tmp, target);
    else renameSync(tmp, target);
  } catch (e) {
    removeQuietly(tmp);
    await untrackTemp(tmp);
    // A bug while making the output stays a bug (exit 70), with the temporary file gone.
    if (e instanceof OutputError || !isSystemError(e)) throw e;
    throw new OutputError(`couldn't write ${shown}: ${describe(e)}`);
  }
  if (inPlace) removeQuietly(tmp);
  await untrackTemp(tmp);
}

/**
 * Writes `data` to `path` ("-": standard output). Throws OutputError with a message naming the
 * file; a closed standard output (EPIPE) is not an error.
 */
export async function writeOutput(path: string, data: OutputData): Promise<void> {
  if (path === "-") {
    try {
      writeToStdout(data);
    } catch (e) {
      if (!isSystemError(e)) throw e;
      throw new OutputError(`couldn't write standard output: ${describe(e)}`);
    }
    return;
  }
  let st: Stats | undefined;
  try {
    // Following links: /dev/stdout, /proc/self/fd/N and links to devices are written as they are.
    st = statSync(path, { throwIfNoEntry: false });
  } catch (e) {
    throw new OutputError(`couldn't write ${path}: ${describe(e)}`);
  }
  if (st?.isDirectory()) throw new OutputError(`couldn't write ${path}: Is a directory`);
  if (st && !st.isFile()) {
    // A device, FIFO or socket: written as it is, never replaced.
    let fd: number;
    try {
      fd = openSync(path, constants.O_WRONLY);
    } catch (e) {
      throw new OutputError(`couldn't write ${path}: ${describe(e)}`);
    }
    try {
      for (const chunk of pieces(data)) writeChunk(fd, chunk);
    } catch (e) {
      if (!isSystemError(e)) throw e;
      throw new OutputError(`couldn't write ${path}: ${describe(e)}`);
    } finally {
      closeSync(fd);
    }
    return;
  }
  let target: string;
  try {
    target = resolveTarget(path);
  } catch (e) {
    throw new OutputError(`couldn't write ${path}: ${describe(e)}`);
  }
  await writeRegular(path, target, st, data);
}
