// A FileHost that keeps the text of what the preprocessor reads for the life of a batch worker:
// the boards of one tree include the same .dtsi files and dt-bindings headers again and again
// (the 3,241 arm and arm64 boards of a kernel tree open about 100,000 includes of a few thousand
// distinct files). Misses are remembered too (an include is looked for in every -i directory in
// turn). Board files and /include/ or /incbin/ files (read as bytes) are not kept. Files are
// assumed not to change during the run.
import { nodeFileHost, type FileHost } from "../source/index.ts";

/** Files larger than this are read each time. */
const MAX_CACHED_CHARS = 4 << 20;

export function cachingFileHost(host: FileHost = nodeFileHost): FileHost {
  const texts = new Map<string, string | null>();
  return {
    readBytes: (path) => host.readBytes(path),
    readText(path) {
      const hit = texts.get(path);
      if (hit !== undefined) return hit ?? undefined;
      const t = host.readText(path);
      if (t === undefined || t.length <= MAX_CACHED_CHARS) texts.set(path, t ?? null);
      return t;
    },
  };
}
