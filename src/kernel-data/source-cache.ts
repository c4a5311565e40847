// A user's own kernel tree (`--kernel-src DIR`, `--kconfig FILE`): extracted once, then read from
// a cache keyed by the tree's identity and the configuration's contents.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { parseDotConfig } from "./dotconfig.ts";
import { extractKernelData } from "./extract.ts";
import { forgetKernelData, loadKernelData } from "./resolver.ts";
import { openKernelTree, type Arch } from "./source-tree.ts";
import { KERNEL_DATA_FORMAT_VERSION, type KernelData } from "./types.ts";
import { writeKernelData } from "./writer.ts";

export interface SourceCacheOptions {
  /** A .config (plain text); its values become the data's one configuration, named `kconfig`. */
  readonly kconfig?: string;
  /** Where cached tables live (default: $XDG_CACHE_HOME/dtprobe/kernel-data or ~/.cache/...). */
  readonly cacheDir?: string;
  /** Extract again even when a cached table exists. */
  readonly refresh?: boolean;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "dtprobe", "kernel-data");
}

/**
 * What identifies a tree's drivers cheaply: its real path, the top Makefile (version) and the
 * modification times of the top directories drivers live in (a file added or removed there
 * changes them); plus the config's contents and the data format. Editing a driver file in place
 * does not change the key: pass `refresh`.
 */
function cacheKey(dir: string, kconfigText: string | undefined): string {
  const h = createHash("sha256");
  const real = realpathSync(dir);
  h.update(`format ${KERNEL_DATA_FORMAT_VERSION}\n${real}\n`);
  for (const p of ["Makefile", "Kbuild", "drivers", "sound", "arch/arm64", "arch/arm"]) {
    const full = join(real, p);
    if (existsSync(full)) h.update(`${p} ${statSync(full).mtimeMs}\n`);
  }
  h.update(kconfigText ?? "(no config)");
  return h.digest("hex").slice(0, 24);
}

/** The table of a user's kernel source directory (or tarball), extracted on first use. */
export async function kernelDataForSource(source: string, options: SourceCacheOptions = {}): Promise<KernelData> {
  return loadKernelData(await kernelDataFileForSource(source, options));
}

/**
 * The cached table's file for a user's kernel source directory (or tarball), extracted first when
 * there is none: what worker threads read (loadKernelData) after the calling thread made it.
 */
export async function kernelDataFileForSource(source: string, options: SourceCacheOptions = {}): Promise<string> {
  const kconfigText = options.kconfig === undefined ? undefined : readFileSync(options.kconfig, "latin1");
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const path = join(cacheDir, `${cacheKey(source, kconfigText)}.json`);
  if (!options.refresh && existsSync(path)) return path;
  const configArch = kconfigText === undefined ? undefined : parseDotConfig(kconfigText).arch;
  const arches: Arch[] = configArch ? [configArch] : ["arm64", "arm"];
  const tree = await openKernelTree(source, arches);
  const data = extractKernelData(tree, {
    arches,
    configs: kconfigText === undefined ? [] : [{ name: "kconfig", file: basename(options.kconfig!), text: kconfigText }],
    input: source,
    command: `dtprobe --kernel-src ${source}${options.kconfig ? ` --kconfig ${options.kconfig}` : ""}`,
    pciOnlyConfigured: kconfigText !== undefined,
  });
  mkdirSync(cacheDir, { recursive: true });
  writeKernelData(path, data);
  forgetKernelData(path);
  return path;
}
