// File access for the layers that pull in other files (`/include/`, `/incbin/`, `#include`).
// Injected so that library users and tests can compile from memory.
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { MAX_INPUT_BYTES } from "./limits.ts";
import { readFileWithLimit, tooLarge, type FileProblem, type FileRead, type ReadOptions } from "./read-file.ts";

export interface FileHost {
  /** The file as latin1 text, or undefined when it cannot be opened as a regular file. */
  readText(path: string): string | undefined;
  /** The file's bytes, or undefined when it cannot be opened as a regular file. */
  readBytes(path: string): Uint8Array | undefined;
  /**
   * Optional, richer reading: the bytes (a range of them, within a limit), or why they cannot be
   * read. Hosts without it are read through readBytes (see readThroughHost).
   */
  read?(path: string, options: ReadOptions): FileRead;
  /** Optional: whether `path` is a directory (dtc reads a directory as `-I fs`). */
  isDirectory?(path: string): boolean;
}

/** Reads through `host.read` when it has one, else through readBytes with the same limit and range. */
export function readThroughHost(host: FileHost, path: string, options: ReadOptions): FileRead {
  if (host.read) return host.read(path, options);
  const bytes = host.readBytes(path);
  if (bytes === undefined) return { ok: false, problem: { kind: "missing", message: "No such file or directory" } };
  const start = options.range ? Math.min(options.range.offset, bytes.length) : 0;
  const end = options.range?.length === undefined ? bytes.length : Math.min(bytes.length, start + options.range.length);
  if (end - start > options.limit) return { ok: false, problem: tooLarge(bytes.length, options.limit) };
  return { ok: true, bytes: bytes.subarray(start, end) };
}

export const nodeFileHost: FileHost = {
  readText(path) {
    const b = nodeFileHost.readBytes(path);
    return b === undefined ? undefined : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
  },
  readBytes(path) {
    try {
      if (!statSync(path).isFile()) return undefined;
      return readFileSync(path);
    } catch {
      return undefined;
    }
  },
  read: readFileWithLimit,
  isDirectory(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },
};

/** An in-memory host (tests, library users compiling generated text). */
export function memoryFileHost(files: Record<string, string | Uint8Array>, fallback?: FileHost): FileHost {
  const get = (p: string) => files[p] ?? files[p.replace(/^\.\//, "")];
  return {
    readText(path) {
      const f = get(path);
      if (f === undefined) return fallback?.readText(path);
      return typeof f === "string" ? f : Buffer.from(f).toString("latin1");
    },
    readBytes(path) {
      const f = get(path);
      if (f === undefined) return fallback?.readBytes(path);
      return typeof f === "string" ? Buffer.from(f, "latin1") : f;
    },
  };
}

/** dtc's join_path: `dir/name`, with no slash added after one that is there (no normalisation). */
export function dtcJoinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

/** dtc's get_dirname: up to the last slash, or undefined when there is none. */
export function dtcDirname(path: string): string | undefined {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? undefined : path.slice(0, slash);
}

export type IncludeOpen = { readonly ok: true; readonly path: string; readonly bytes: Uint8Array } | { readonly ok: false; readonly path: string | undefined; readonly problem: FileProblem };

/**
 * dtc's search order for `/include/` and `/incbin/` (srcpos.c fopen_any_on_path): an absolute name
 * as is; otherwise the directory of the including file, then each `-i` directory in order, the
 * paths joined as dtc joins them (so messages and dependency files name them as dtc does). A
 * candidate that does not exist (or cannot be opened) moves the search on, as dtc's fopen failing
 * does; one that exists but cannot be read as a file (a directory, a FIFO, too large) ends it.
 */
export function openIncludeFile(
  name: string,
  includingFile: string | undefined,
  includeDirs: readonly string[],
  host: FileHost,
  options: ReadOptions = { limit: MAX_INPUT_BYTES },
): IncludeOpen {
  const candidates: string[] = [];
  if (name.startsWith("/")) candidates.push(name);
  else {
    const dir = includingFile === undefined ? undefined : dtcDirname(includingFile);
    candidates.push(dir === undefined ? name : dtcJoinPath(dir, name));
    for (const d of includeDirs) candidates.push(dtcJoinPath(d, name));
  }
  let last: FileProblem = { kind: "missing", message: "No such file or directory" };
  for (const path of candidates) {
    const r = readThroughHost(host, path, options);
    if (r.ok) return { ok: true, path, bytes: r.bytes };
    if (r.problem.kind !== "missing" && r.problem.kind !== "unreadable") return { ok: false, path, problem: r.problem };
    last = r.problem;
  }
  return { ok: false, path: undefined, problem: last };
}

/**
 * Resolves relative paths against `baseDir` (as if the process had changed into it), so that a
 * caller can compile "inputs/foo.dts" while messages and include lookups see "foo.dts".
 */
export function rootedFileHost(baseDir: string, host: FileHost = nodeFileHost): FileHost {
  const resolve = (p: string) => (isAbsolute(p) ? p : join(baseDir, p));
  return {
    readText: (p) => host.readText(resolve(p)),
    readBytes: (p) => host.readBytes(resolve(p)),
    read: (p, options) => readThroughHost(host, resolve(p), options),
    isDirectory: (p) => host.isDirectory?.(resolve(p)) ?? false,
  };
}
