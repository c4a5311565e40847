// The kernel's link order and every C file's build facts, from the kbuild files: the root Kbuild
// (init/ usr/ arch/$(SRCARCH)/ $(ARCH_CORE) kernel/ ... drivers/ sound/ ... net/ virt/), then each
// directory's obj- lines in order, depth first, composite objects in the order of their parts.
// Built-in initcalls of one level run in this order (the linker places .initcallN.init sections
// in link order), so it is the registration order of built-in drivers within a level.
import { MakeExpander, type CondWord } from "./make-expand.ts";
import { constantsFor, evaluateStatements, normalizePath, readKbuildDir, type KbuildDir } from "./kbuild-dir.ts";
import { readMakefile } from "./makefile-reader.ts";
import type { Arch, KernelTree } from "./source-tree.ts";
import type { BuildCondition } from "./types.ts";

export interface FileBuild {
  /** Position in link order (0-based; only relative order matters). */
  readonly link: number;
  readonly module: string;
  readonly symbol: string | null;
  readonly build: BuildCondition;
}

export interface LinkOrder {
  /** Build facts of every C file kbuild compiles into an object, by path. */
  readonly files: ReadonlyMap<string, FileBuild>;
  /** `-I` directories of each directory's ccflags-y (and inherited subdir-ccflags-y), by directory. */
  readonly includeDirs: ReadonlyMap<string, readonly string[]>;
  /** Top-level directories in link order (arch entries of every arch merged in). */
  readonly top: readonly string[];
  /** Kernel version from the top Makefile. */
  readonly version: string;
}

const ARCH_SYMBOL: Record<Arch, string> = { arm64: "CONFIG_ARM64", arm: "CONFIG_ARM" };

/** Top-level directory entries for one arch, each with its conditions. */
function topLevel(tree: KernelTree, arch: Arch): CondWord[] {
  const vars = new Map<string, CondWord[]>();
  const expander = new MakeExpander({ vars, constants: constantsFor("", arch) });
  const include = (path: string) => {
    const text = tree.read(path);
    return text === undefined ? undefined : readMakefile(text);
  };
  // The top Makefile sets core-y/drivers-y/libs-y, then includes arch/$(SRCARCH)/Makefile which
  // adds to them (arm: the mach-* directories of machine-$(CONFIG_ARCH_*)).
  evaluateStatements(readMakefile(tree.read("Makefile")!), expander, vars, include);
  const dirs = (name: string) => (vars.get(name) ?? []).filter((w) => w.w.endsWith("/"));
  vars.set("ARCH_CORE", dirs("core-y"));
  vars.set("ARCH_LIB", dirs("libs-y"));
  vars.set("ARCH_DRIVERS", dirs("drivers-y"));
  const kbuild = tree.read("Kbuild");
  let order: CondWord[] = [];
  if (kbuild !== undefined) {
    const kvars = new Map<string, CondWord[]>([...vars].filter(([k]) => k.startsWith("ARCH_")));
    evaluateStatements(readMakefile(kbuild), new MakeExpander({ vars: kvars, constants: constantsFor("", arch) }), kvars, include);
    order = (kvars.get("obj-y") ?? []).filter((w) => w.w.endsWith("/"));
  }
  if (!order.some((w) => normalizePath(w.w) === "drivers")) {
    // Before the root Kbuild listed them (v6.1 moved them there), the top Makefile's vmlinux-dirs:
    // init-y core-y drivers-y net-y libs-y virt-y.
    order = ["init-y", "core-y", "drivers-y", "net-y", "libs-y", "virt-y"].flatMap(dirs);
    const archDir = `arch/${arch}/`;
    if (!order.some((w) => w.w === archDir)) order.splice(1, 0, { w: archDir, conds: [] });
  }
  return order.map((w) => {
    const path = normalizePath(w.w);
    return { w: path, conds: path.startsWith("arch/") ? [ARCH_SYMBOL[arch], ...w.conds] : w.conds };
  });
}

/** Merges per-arch top-level lists: each entry missing so far goes after its predecessor. */
function mergeTop(lists: readonly CondWord[][]): CondWord[] {
  const merged: CondWord[] = [...(lists[0] ?? [])];
  for (const list of lists.slice(1)) {
    let after = -1;
    for (const w of list) {
      const at = merged.findIndex((m) => m.w === w.w);
      if (at >= 0) after = at;
      else merged.splice(++after, 0, w);
    }
  }
  return merged;
}

interface Mentions {
  /** Each mention's conditions (a conjunction); the last one is the obj-$(CONFIG_X) symbol. */
  readonly alternatives: (readonly string[])[];
}

/** Conditions of an object or directory listed one or more times, as CNF clauses. */
function clausesOf(m: Mentions): string[][] {
  if (m.alternatives.length === 1) return m.alternatives[0]!.map((c) => [c]);
  if (m.alternatives.some((a) => a.length === 0)) return [];
  const keys = [...new Set(m.alternatives.map((a) => a[a.length - 1]!))];
  return [keys];
}

/** Drops repeated clauses (`obj-$(CONFIG_X) += x/` whose Makefile says `obj-$(CONFIG_X) += a.o`). */
function dedupeClauses(clauses: readonly string[][]): string[][] {
  const seen = new Set<string>();
  return clauses.filter((c) => {
    const key = c.join("|");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function symbolOf(m: Mentions): string | undefined {
  const first = m.alternatives[0]!;
  const last = first[first.length - 1];
  return last !== undefined && !last.startsWith("!") ? last : undefined;
}

function moduleName(objectWord: string): string {
  const base = objectWord.slice(objectWord.lastIndexOf("/") + 1).replace(/\.o$/, "");
  return base.replace(/-/g, "_");
}

export function computeLinkOrder(tree: KernelTree, arches: readonly Arch[]): LinkOrder {
  const top = mergeTop(arches.map((a) => topLevel(tree, a)));
  const archOf = (dir: string): Arch => (dir.startsWith("arch/arm64") ? "arm64" : dir.startsWith("arch/arm/") || dir === "arch/arm" ? "arm" : arches[0]!);
  const dirCache = new Map<string, KbuildDir | null>();
  const readDir = (dir: string) => {
    if (!dirCache.has(dir)) dirCache.set(dir, readKbuildDir(tree, dir, archOf(dir)) ?? null);
    return dirCache.get(dir) ?? undefined;
  };

  // Pass 1: every mention of every directory and object, so that a directory or object listed
  // under several symbols gets all of them.
  const dirMentions = new Map<string, Mentions>();
  const objMentions = new Map<string, Mentions>();
  const mention = (map: Map<string, Mentions>, key: string, conds: readonly string[]) => {
    const m = map.get(key);
    if (m) m.alternatives.push(conds);
    else map.set(key, { alternatives: [conds] });
    return !m;
  };
  const visit = (dir: string) => {
    const kb = readDir(dir);
    if (!kb) return;
    for (const o of kb.objects) {
      if (o.w.endsWith("/")) {
        const sub = normalizePath(`${dir}/${o.w}`);
        if (mention(dirMentions, sub, o.conds)) visit(sub);
      } else if (o.w.endsWith(".o")) {
        mention(objMentions, normalizePath(`${dir}/${o.w}`), o.conds);
        const parts = kb.lists.get(`${o.w.slice(0, -2)}-y`);
        for (const p of parts ?? []) if (p.w.endsWith(".o")) mention(objMentions, `${normalizePath(`${dir}/${o.w}`)}#${normalizePath(`${dir}/${p.w}`)}`, p.conds);
      }
    }
  };
  for (const t of top) if (mention(dirMentions, t.w, t.conds)) visit(t.w);

  // Pass 2: link order, depth first, with each file's conditions.
  const files = new Map<string, FileBuild>();
  const includeDirs = new Map<string, string[]>();
  let counter = 0;
  const seenDirs = new Set<string>();
  const addFile = (path: string, module: string, symbol: string | null, build: string[][]) => {
    if (files.has(path) || !tree.has(path)) return;
    files.set(path, { link: counter++, module, symbol, build: dedupeClauses(build) });
  };
  const walk = (dir: string, clauses: string[][], symbol: string | null, inherited: readonly string[]) => {
    if (seenDirs.has(dir)) return;
    seenDirs.add(dir);
    const kb = readDir(dir);
    if (!kb) return;
    const flags = (name: string) => (kb.lists.get(name) ?? []).filter((w) => w.w.startsWith("-I")).map((w) => normalizePath(w.w.slice(2)));
    const subdirFlags = [...inherited, ...flags("subdir-ccflags-y")];
    const own = [...flags("ccflags-y"), ...flags("EXTRA_CFLAGS"), ...subdirFlags];
    if (own.length > 0) includeDirs.set(dir, own);
    for (const o of kb.objects) {
      if (o.w.endsWith("/")) {
        const sub = normalizePath(`${dir}/${o.w}`);
        const m = dirMentions.get(sub)!;
        walk(sub, [...clauses, ...clausesOf(m)], symbolOf(m) ?? symbol, subdirFlags);
        continue;
      }
      if (!o.w.endsWith(".o")) continue;
      const obj = normalizePath(`${dir}/${o.w}`);
      const m = objMentions.get(obj)!;
      const objClauses = [...clauses, ...clausesOf(m)];
      const objSymbol = symbolOf(m) ?? symbol;
      const module = moduleName(o.w);
      const parts = kb.lists.get(`${o.w.slice(0, -2)}-y`);
      if (parts && parts.length > 0) {
        for (const p of parts) {
          if (!p.w.endsWith(".o")) continue;
          const part = normalizePath(`${dir}/${p.w}`);
          const pm = objMentions.get(`${obj}#${part}`)!;
          addFile(`${part.slice(0, -2)}.c`, module, objSymbol, [...objClauses, ...clausesOf(pm)]);
        }
      } else addFile(`${obj.slice(0, -2)}.c`, module, objSymbol, objClauses);
    }
  };
  for (const t of top) {
    const m = dirMentions.get(t.w)!;
    walk(t.w, clausesOf(m), symbolOf(m) ?? null, []);
  }
  return { files, includeDirs, top: top.map((t) => t.w), version: kernelVersion(tree) };
}

function kernelVersion(tree: KernelTree): string {
  const text = tree.read("Makefile") ?? "";
  const get = (k: string) => new RegExp(`^${k}\\s*=\\s*(\\S*)`, "m").exec(text)?.[1] ?? "";
  const v = [get("VERSION"), get("PATCHLEVEL"), get("SUBLEVEL")].filter((x) => x !== "");
  return v.join(".");
}
