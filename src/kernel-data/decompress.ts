// Byte streams of (compressed) files: gzip through node's zlib; xz and bzip2 through the `xz` and
// `bzip2` programs (node has no decoder for them), spawned as a pipe.
import { spawn } from "node:child_process";
import { createReadStream, openSync, readSync, closeSync } from "node:fs";
import { createGunzip } from "node:zlib";

export class InputError extends Error {}

export type Compression = "xz" | "bzip2" | "gzip" | "none";

/** By magic bytes, so that a misnamed file is still read right. */
export function detectCompression(path: string): Compression {
  const head = Buffer.alloc(6);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new InputError(`cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    readSync(fd, head, 0, 6, 0);
  } finally {
    closeSync(fd);
  }
  if (head[0] === 0xfd && head.toString("latin1", 1, 6) === "7zXZ\0") return "xz";
  if (head.toString("latin1", 0, 3) === "BZh") return "bzip2";
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  return "none";
}

const PROGRAM: Record<"xz" | "bzip2", { args: string[]; pkg: string }> = {
  xz: { args: ["-dc"], pkg: "xz-utils" },
  bzip2: { args: ["-dc"], pkg: "bzip2" },
};

/** The decompressed bytes of `path`, chunk by chunk. */
export async function* decompressedChunks(path: string): AsyncGenerator<Uint8Array> {
  const kind = detectCompression(path);
  if (kind === "none") {
    yield* createReadStream(path) as AsyncIterable<Buffer>;
    return;
  }
  if (kind === "gzip") {
    yield* createReadStream(path).pipe(createGunzip()) as AsyncIterable<Buffer>;
    return;
  }
  const { args, pkg } = PROGRAM[kind];
  const child = spawn(kind, [...args, path], { stdio: ["ignore", "pipe", "pipe"] });
  let spawnError: Error | undefined;
  const settled = new Promise<number | null>((resolve) => {
    child.on("error", (e: NodeJS.ErrnoException) => {
      spawnError = new InputError(
        e.code === "ENOENT" ? `${path} is ${kind}-compressed but the \`${kind}\` program is not installed (Debian: apt-get install ${pkg})` : `cannot run ${kind}: ${e.message}`,
      );
      resolve(null);
    });
    child.on("close", (code) => resolve(code));
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  let done = false;
  try {
    // A spawn failure surfaces as an 'error' event and an empty stdout.
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk;
    done = true;
  } finally {
    if (!done) child.kill();
  }
  const code = await settled;
  if (spawnError) throw spawnError;
  if (code !== 0) throw new InputError(`${kind} failed on ${path}${stderr ? `: ${stderr.trim()}` : ` (exit ${code})`}`);
}

/** A whole (possibly compressed) text file, e.g. a Debian config.*.xz. */
export async function readMaybeCompressedText(path: string): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const c of decompressedChunks(path)) parts.push(c);
  return Buffer.concat(parts).toString("latin1");
}
