// File access for the layers that pull in other files (`/include/`, `/incbin/`, `#include`).
// Injected so that library users and tests can compile from memory.
import { readFileSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";

export interface FileHost {
  /** The file as latin1 text, or undefined when it cannot be opened as a regular file. */
  readText(path: string): string | undefined;
  /** The file's bytes, or undefined when it cannot be opened as a regular file. */
  readBytes(path: string): Uint8Array | undefined;
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

/**
 * dtc's search order for `/include/` and `/incbin/`: an absolute name as is; otherwise the
 * directory of the including file, then each `-i` directory in order. Returns the path as dtc
 * would print it (`dir/name`, relative when the including file's name was relative) with the
 * file's bytes, read once; undefined when no candidate can be opened.
 */
export function openIncludeFile(name: string, includingFile: string | undefined, includeDirs: readonly string[], host: FileHost): { path: string; bytes: Uint8Array } | undefined {
  const candidates: string[] = [];
  if (isAbsolute(name)) candidates.push(name);
  else {
    const dir = includingFile === undefined ? "" : dirname(includingFile);
    candidates.push(dir === "." || dir === "" ? name : join(dir, name));
    for (const d of includeDirs) candidates.push(join(d, name));
  }
  for (const path of candidates) {
    const bytes = host.readBytes(path);
    if (bytes !== undefined) return { path, bytes };
  }
  return undefined;
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
  };
}
