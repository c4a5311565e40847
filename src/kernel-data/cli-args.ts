// The kernel-data command's arguments, and a config's name from Debian's file naming.
import { basename } from "node:path";
import type { Arch } from "./source-tree.ts";

export const KERNEL_DATA_USAGE = `usage: npm run kernel-data -- SOURCE [--config [NAME=]CONFIG]... [--arch arm64|arm]... [-o OUT.json]
  SOURCE   a kernel source directory or tarball (.tar, .tar.gz, .tar.xz, .tar.bz2)
  --config a .config (plain or compressed), or NAME=PACKAGE.deb for flavour NAME's config in a
           Debian linux-config .deb; NAME defaults from Debian's file names
           (config.arm64_none_arm64.xz -> arm64, config.armhf_none_armmp.xz -> armmp)
  --arch   architectures whose arch/ directories are read (default: those of the configs,
           else arm64 and arm)
  -o       output file (default: standard output)`;

export interface KernelDataArgs {
  readonly source: string;
  readonly configs: readonly { name: string | undefined; path: string }[];
  readonly arches: readonly Arch[];
  readonly output: string | undefined;
}

export function parseKernelDataArgs(argv: readonly string[]): KernelDataArgs | { error: string } | { help: true } {
  let source: string | undefined;
  const configs: { name: string | undefined; path: string }[] = [];
  const arches: Arch[] = [];
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    try {
      if (a === "-h" || a === "--help") return { help: true };
      if (a === "--config") {
        const v = value();
        const eq = v.indexOf("=");
        configs.push(eq > 0 && !v.slice(0, eq).includes("/") ? { name: v.slice(0, eq), path: v.slice(eq + 1) } : { name: undefined, path: v });
      } else if (a === "--arch") {
        const v = value();
        if (v !== "arm64" && v !== "arm") return { error: `--arch must be arm64 or arm, not ${v}` };
        arches.push(v);
      } else if (a === "-o" || a === "--output") output = value();
      else if (a.startsWith("-")) return { error: `unknown option ${a}` };
      else if (source === undefined) source = a;
      else return { error: `more than one SOURCE (${source}, ${a})` };
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
  if (source === undefined) return { error: "SOURCE is required" };
  return { source, configs, arches, output };
}

/** Debian's config file names: config.<arch>_<featureset>_<flavour>[.xz] → the flavour. */
export function configNameFromFile(path: string): string {
  const base = basename(path).replace(/\.(xz|gz|bz2)$/, "");
  const m = /^config\.[^_]+_[^_]+_(.+)$/.exec(base);
  return m ? m[1]! : base.replace(/^config\.?/, "") || base;
}
