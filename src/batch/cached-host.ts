// A FileHost that keeps what the preprocessor reads for the life of a batch worker: the boards of
// one tree include the same .dtsi files and dt-bindings headers again and again (the 3,241 arm and
// arm64 boards of a kernel tree open about 100,000 includes of a few thousand distinct files).
// Whole-file reads are kept with their answer, misses and directories too (an include is looked
// for in every -i directory in turn); reads of a range or of a pipe, and readText/readBytes (the
// board files, /include/ and /incbin/), go to the underlying host every time. Files are assumed
// not to change during the run.
import { nodeFileHost, readThroughHost, type FileHost, type FileRead } from "../source/index.ts";

/** Files larger than this are read each time. */
const MAX_CACHED_BYTES = 4 << 20;

export function cachingFileHost(host: FileHost = nodeFileHost): FileHost {
  /** Per path: the answer, and the limit it was read with (a read under another limit goes through). */
  const reads = new Map<string, { readonly limit: number; readonly read: FileRead }>();
  return {
    readText: (path) => host.readText(path),
    readBytes: (path) => host.readBytes(path),
    isDirectory: host.isDirectory && ((path) => host.isDirectory!(path)),
    read(path, options) {
      if (options.range !== undefined || options.allowPipes) return readThroughHost(host, path, options);
      const hit = reads.get(path);
      if (hit !== undefined && hit.limit === options.limit) return hit.read;
      const read = readThroughHost(host, path, options);
      const keep = read.ok ? read.bytes.length <= MAX_CACHED_BYTES : read.problem.kind === "missing" || read.problem.kind === "directory";
      if (keep) reads.set(path, { limit: options.limit, read });
      return read;
    },
  };
}
