// Writes a command's output. A regular file is replaced atomically (temp file beside it, then
// rename), so an error never leaves a partial file; standard output, devices and pipes are
// written directly and never replaced.
import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Bytes, or text chunks written one after another as UTF-8 (a large report is never one string). */
export type OutputData = Uint8Array | readonly string[];

function writeBytes(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

function writeAll(fd: number, data: OutputData): void {
  if (data instanceof Uint8Array) writeBytes(fd, data);
  else for (const chunk of data) writeBytes(fd, Buffer.from(chunk, "utf8"));
}

function isSpecialFile(path: string): boolean {
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

export function writeOutput(path: string, data: OutputData): void {
  if (path === "-") {
    writeAll(1, data);
    return;
  }
  if (isSpecialFile(path)) {
    const fd = openSync(path, "w");
    try {
      writeAll(fd, data);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, "wx", 0o644);
  try {
    writeAll(fd, data);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
}
