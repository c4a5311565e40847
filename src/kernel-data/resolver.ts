// Which shipped data file a `--kernel` version uses: the exact major.minor when shipped, else the
// nearest shipped release, with a note saying so. Files are read once per process.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "./decompress.ts";
import { KERNEL_DATA_FORMAT, KERNEL_DATA_FORMAT_VERSION, type KernelData } from "./types.ts";

export interface KernelDataChoice {
  readonly data: KernelData;
  /** The release of the table used (`6.12`). */
  readonly release: string;
  /** The table is for the version asked for. */
  readonly exact: boolean;
  /** Set when the table is not for the version asked for. */
  readonly note?: string;
}

/** data/kernel/ of the package: searched upwards from this module (src/kernel-data or dist/...). */
export function shippedDataDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, "data", "kernel");
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

function parseRelease(v: string): [number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Releases shipped in `dir` (file names `MAJOR.MINOR.json`), oldest first. */
export function shippedReleases(dir = shippedDataDir()): string[] {
  if (dir === undefined || !existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => /^(\d+\.\d+)\.json$/.exec(f)?.[1])
    .filter((r): r is string => r !== undefined)
    .sort((a, b) => {
      const [x, y] = [parseRelease(a)!, parseRelease(b)!];
      return x[0] - y[0] || x[1] - y[1];
    });
}

const cache = new Map<string, KernelData>();

/** Drops a file from the in-process cache (after it was rewritten). */
export function forgetKernelData(path: string): void {
  cache.delete(path);
}

/** Reads and checks a data file (format and version). */
export function loadKernelData(path: string): KernelData {
  const hit = cache.get(path);
  if (hit) return hit;
  let data: KernelData;
  try {
    data = JSON.parse(readFileSync(path, "utf8")) as KernelData;
  } catch (e) {
    throw new InputError(`cannot read kernel data ${path}: ${(e as Error).message}`);
  }
  if (data?.format !== KERNEL_DATA_FORMAT || data.formatVersion !== KERNEL_DATA_FORMAT_VERSION) {
    throw new InputError(`${path}: not a ${KERNEL_DATA_FORMAT} file of format version ${KERNEL_DATA_FORMAT_VERSION}`);
  }
  cache.set(path, data);
  return data;
}

/**
 * The shipped table for a kernel version (`6.1`, `v6.12.3`, `6.8-rc1`): the same major.minor when
 * shipped, else the nearest shipped release (by minor-version distance, the older on a tie), with
 * a note for the report. Undefined when nothing is shipped or the version cannot be read.
 */
export function kernelDataFor(version: string, options: { dir?: string } = {}): KernelDataChoice | undefined {
  const want = parseRelease(version);
  const dir = options.dir ?? shippedDataDir();
  if (!want || dir === undefined) return undefined;
  const releases = shippedReleases(dir);
  if (releases.length === 0) return undefined;
  // Distance in minor versions, a major version counting as 100 (6.0 follows 5.19).
  const ordinal = ([a, b]: [number, number]) => a * 100 + b;
  let best = releases[0]!;
  for (const r of releases) {
    if (Math.abs(ordinal(parseRelease(r)!) - ordinal(want)) < Math.abs(ordinal(parseRelease(best)!) - ordinal(want))) best = r;
  }
  const data = loadKernelData(join(dir, `${best}.json`));
  const asked = `${want[0]}.${want[1]}`;
  const exact = best === asked;
  return exact
    ? { data, release: best, exact }
    : { data, release: best, exact, note: `no driver table for ${asked}; using ${best} (${data.kernel.version}), the nearest shipped: drivers added or renamed in between are not known` };
}
