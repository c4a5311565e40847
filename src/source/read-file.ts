// Reading a file the way the tools dtprobe stands in for read it, with the input limit applied
// before or while reading, and a message that says what is wrong when it cannot be read.
//
// - A regular file is refused by its size before it is read (a 2 GB file used to fail inside
//   readFileSync and be reported as "No such file").
// - A device or a pipe has no size: it is read in blocks until the limit (`compile - < /dev/zero`
//   used to grow without bound). A range (`/incbin/("/dev/zero", 0, 16)`) reads only the bytes
//   asked for, as dtc's fseek + fread does.
// - A directory, a FIFO or a socket gets its own message; a FIFO is not opened unless the caller
//   allows it (the main input may be a pipe: `dtprobe compile <(cpp ...)`), since opening one
//   without a writer waits forever.
import { closeSync, fstatSync, openSync, readSync, statSync } from "node:fs";

/**
 * The part of `fs.Stats` the reader looks at. Spelled out so that the library's declarations do
 * not name node's types: a user's project type-checks without @types/node.
 */
export interface FileStat {
  isFile(): boolean;
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  readonly size: number;
}

export type FileProblemKind = "missing" | "unreadable" | "directory" | "special" | "too-large";

export interface FileProblem {
  readonly kind: FileProblemKind;
  /** As the C library would put it ("No such file or directory", "Is a directory"), or the limit. */
  readonly message: string;
  /** For "too-large": the file's size, when it has one (a regular file). */
  readonly size?: number;
}

export type FileRead = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly problem: FileProblem };

export interface ReadOptions {
  /** Most bytes read (the input limit). */
  readonly limit: number;
  /** Only these bytes: from `offset`, `length` of them (undefined: to the end), clipped to the file. */
  readonly range?: { readonly offset: number; readonly length: number | undefined };
  /** Read a FIFO or socket (the main input); otherwise they are refused without being opened. */
  readonly allowPipes?: boolean;
}

const STRERROR: Record<string, string> = {
  ENOENT: "No such file or directory",
  ENOTDIR: "Not a directory",
  EACCES: "Permission denied",
  EPERM: "Operation not permitted",
  ELOOP: "Too many levels of symbolic links",
  ENAMETOOLONG: "File name too long",
  EISDIR: "Is a directory",
  ENXIO: "No such device or address",
  EIO: "Input/output error",
};

/** A file system error as the C library's strerror would put it. */
export function strerror(e: unknown): string {
  return STRERROR[(e as NodeJS.ErrnoException)?.code ?? ""] ?? (e as Error).message;
}

function problemOf(e: unknown): FileProblem {
  const code = (e as NodeJS.ErrnoException)?.code ?? "";
  const missing = code === "ENOENT" || code === "ENOTDIR";
  return { kind: missing ? "missing" : code === "EISDIR" ? "directory" : "unreadable", message: strerror(e) };
}

/** "X is N bytes, larger than the 128 MiB input limit" (without the name). */
export function tooLarge(size: number | undefined, limit: number): FileProblem {
  const mib = `${limit / (1024 * 1024)} MiB`;
  return { kind: "too-large", message: size === undefined ? `is larger than the ${mib} input limit` : `is ${size} bytes, larger than the ${mib} input limit`, size };
}

function specialProblem(st: FileStat): FileProblem | undefined {
  if (st.isDirectory()) return { kind: "directory", message: "Is a directory" };
  if (st.isFIFO()) return { kind: "special", message: "is a FIFO (named pipe), not a regular file" };
  if (st.isSocket()) return { kind: "special", message: "is a socket, not a regular file" };
  return undefined;
}

const BLOCK = 1 << 16;

/**
 * Reads from `fd` (at `position`, or from where it is when null) until EOF or `max` bytes. With
 * `probe`, one byte more is asked for: `more` then says the input goes on past `max` (and the
 * bytes are not gathered: the caller only reports the limit).
 */
function readBlocks(fd: number, max: number, position: number | null, probe: boolean): { bytes: Uint8Array; more: boolean } {
  const chunks: Buffer[] = [];
  let total = 0;
  let pos = position;
  const stop = probe ? max + 1 : max;
  for (;;) {
    const want = Math.min(BLOCK, stop - total);
    if (want <= 0) {
      if (probe) return { bytes: new Uint8Array(0), more: true };
      break;
    }
    const buf = Buffer.allocUnsafe(want);
    let n: number;
    try {
      n = readSync(fd, buf, 0, want, pos);
    } catch (e) {
      // A terminal or pipe set non-blocking by someone else: wait for data as a blocking read would.
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      throw e;
    }
    if (n === 0) break;
    chunks.push(n === want ? buf : buf.subarray(0, n));
    total += n;
    if (pos !== null) pos += n;
  }
  return { bytes: Buffer.concat(chunks, total), more: false };
}

/** Reads an open descriptor with the options' limit and range. */
export function readDescriptor(fd: number, st: FileStat, options: ReadOptions): FileRead {
  const { limit, range } = options;
  if (st.isFile()) {
    const size = st.size;
    const start = range ? Math.min(range.offset, size) : 0;
    const end = range?.length === undefined ? size : Math.min(size, start + range.length);
    if (end - start > limit) return { ok: false, problem: tooLarge(size, limit) };
    const bytes = Buffer.allocUnsafe(end - start);
    let got = 0;
    while (got < bytes.length) {
      const n = readSync(fd, bytes, got, bytes.length - got, start + got);
      if (n === 0) break;
      got += n;
    }
    return { ok: true, bytes: bytes.subarray(0, got) };
  }
  // A device or a pipe: no size to check first.
  if (range?.length !== undefined && range.length > limit) return { ok: false, problem: tooLarge(undefined, limit) };
  let position: number | null = null;
  if (range && range.offset > 0) {
    if (st.isCharacterDevice() || st.isBlockDevice()) {
      // Devices such as /dev/zero take a position (dtc's fseek).
      position = range.offset;
    } else {
      // A pipe is skipped through by reading.
      if (range.offset > limit) return { ok: false, problem: tooLarge(undefined, limit) };
      const scratch = Buffer.allocUnsafe(BLOCK);
      for (let skip = range.offset; skip > 0; ) {
        const n = readSync(fd, scratch, 0, Math.min(skip, BLOCK), null);
        if (n === 0) break;
        skip -= n;
      }
    }
  }
  // Exactly the length asked for (dtc's fread), or up to the end, which must come within the limit.
  const r = range?.length !== undefined ? readBlocks(fd, range.length, position, false) : readBlocks(fd, limit, position, true);
  if (r.more) return { ok: false, problem: tooLarge(undefined, limit) };
  return { ok: true, bytes: r.bytes };
}

/** Reads `path` from the file system with the options' limit, range and pipe policy. */
export function readFileWithLimit(path: string, options: ReadOptions): FileRead {
  let st: FileStat;
  try {
    st = statSync(path);
  } catch (e) {
    return { ok: false, problem: problemOf(e) };
  }
  const special = specialProblem(st);
  if (special && (special.kind === "directory" || !options.allowPipes)) return { ok: false, problem: special };
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    return { ok: false, problem: problemOf(e) };
  }
  try {
    return readDescriptor(fd, fstatSync(fd), options);
  } catch (e) {
    return { ok: false, problem: problemOf(e) };
  } finally {
    closeSync(fd);
  }
}

/** Standard input, read by descriptor (it cannot be reopened when it is a socket). */
export function readStandardInput(options: ReadOptions): FileRead {
  try {
    return readDescriptor(0, fstatSync(0), options);
  } catch (e) {
    return { ok: false, problem: problemOf(e) };
  }
}
