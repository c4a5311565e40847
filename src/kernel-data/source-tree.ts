// A kernel source tree as the extractor sees it: the files it needs (Makefiles, Kbuild, Kconfig,
// C sources and local headers, a few global headers), from a directory or streamed out of a
// tarball (.tar, .tar.gz, .tar.xz, .tar.bz2) without unpacking it.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { decompressedChunks, InputError } from "./decompress.ts";
import { TarFormatError, TarStreamParser } from "./tar-reader.ts";

export type Arch = "arm64" | "arm";

export interface KernelTree {
  /** Relative paths of the files kept, sorted. */
  readonly paths: readonly string[];
  /** The file as latin1 text, or undefined when the tree has no such (kept) file. */
  read(path: string): string | undefined;
  has(path: string): boolean;
}

/** Top-level directories that hold no driver the kernel links. */
const SKIP_TOP = new Set(["Documentation", "tools", "scripts", "LICENSES", "debian", "usr", ".git"]);

/**
 * Headers from include/ whose macros build match tables (PCI_DEVICE, PCI IDs, IRQCHIP_*,
 * *_OF_DECLARE), seen by every file; other headers under include/ count when a file includes them.
 */
export const GLOBAL_HEADERS: readonly string[] = [
  "include/linux/pci_ids.h",
  "include/linux/pci.h",
  "include/linux/mod_devicetable.h",
  "include/linux/irqchip.h",
  "include/linux/of.h",
  "include/linux/clk-provider.h",
  "include/linux/clocksource.h",
  "include/linux/amba/bus.h",
  "include/linux/mfd/core.h",
];

/** Headers larger than this are register dumps (amdgpu's asic_reg), not macro sources. */
const MAX_HEADER_BYTES = 512 * 1024;

function baseName(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/** Whether the extractor reads this file (path relative to the tree root). */
export function wantedFile(path: string, arches: readonly Arch[]): boolean {
  const slash = path.indexOf("/");
  const top = slash < 0 ? "" : path.slice(0, slash);
  if (slash < 0) return path === "Makefile" || path === "Kbuild" || path.startsWith("Kconfig");
  if (SKIP_TOP.has(top)) return false;
  if (top === "arch") {
    const end = path.indexOf("/", 5);
    if (end >= 0 && !(arches as readonly string[]).includes(path.slice(5, end))) return false;
  }
  const name = baseName(path);
  if (name === "Makefile" || name === "Kbuild" || name.startsWith("Kconfig")) return top !== "include";
  if (name.endsWith(".c")) return top !== "include";
  if (name.endsWith(".h")) return true;
  return false;
}

class MapTree implements KernelTree {
  readonly paths: readonly string[];
  constructor(private readonly files: Map<string, Buffer>) {
    this.paths = [...files.keys()].sort();
  }
  read(path: string): string | undefined {
    return this.files.get(path)?.toString("latin1");
  }
  has(path: string): boolean {
    return this.files.has(path);
  }
}

class DirectoryTree implements KernelTree {
  readonly paths: readonly string[];
  readonly #set: Set<string>;
  constructor(private readonly root: string, arches: readonly Arch[]) {
    const out: string[] = [];
    const walk = (rel: string) => {
      let entries;
      try {
        entries = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) {
          if (!rel && (SKIP_TOP.has(e.name) || e.name.startsWith("."))) continue;
          if (rel === "arch" && !(arches as readonly string[]).includes(e.name)) continue;
          walk(p);
        } else if (e.isFile() && wantedFile(p, arches)) {
          if (p.endsWith(".h") && statSync(join(root, p)).size > MAX_HEADER_BYTES) continue;
          out.push(p);
        }
      }
    };
    walk("");
    this.paths = out.sort();
    this.#set = new Set(out);
  }
  read(path: string): string | undefined {
    if (!this.#set.has(path)) return undefined;
    return readFileSync(join(this.root, path)).toString("latin1");
  }
  has(path: string): boolean {
    return this.#set.has(path);
  }
}

/** Files given as a map (tests, library users). */
export function memoryKernelTree(files: Record<string, string>): KernelTree {
  return new MapTree(new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v, "latin1")])));
}

async function readTarball(path: string, arches: readonly Arch[]): Promise<KernelTree> {
  const files = new Map<string, Buffer>();
  let root: string | undefined;
  const strip = (p: string): string => {
    if (root === undefined) {
      const slash = p.indexOf("/");
      root = slash < 0 ? "" : p.slice(0, slash + 1);
    }
    return root && p.startsWith(root) ? p.slice(root.length) : p;
  };
  const parser = new TarStreamParser(
    (p) => wantedFile(strip(p), arches),
    ({ path: p, bytes }) => {
      const rel = strip(p);
      if (rel.endsWith(".h") && bytes.length > MAX_HEADER_BYTES) return;
      files.set(rel, bytes);
    },
  );
  try {
    for await (const chunk of decompressedChunks(path)) {
      parser.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      if (parser.ended) break;
    }
    parser.finish();
  } catch (e) {
    if (e instanceof TarFormatError) throw new InputError(`${path}: ${e.message}`);
    throw e;
  }
  return new MapTree(files);
}

/** Opens a kernel tree: a directory, or a tarball streamed through its decompressor. */
export async function openKernelTree(input: string, arches: readonly Arch[]): Promise<KernelTree> {
  let isDir: boolean;
  try {
    isDir = statSync(input).isDirectory();
  } catch (e) {
    throw new InputError(`cannot open ${input}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const tree = isDir ? new DirectoryTree(input, arches) : await readTarball(input, arches);
  if (!tree.has("Makefile")) throw new InputError(`${input}: not a kernel source tree (no top-level Makefile)`);
  return tree;
}
