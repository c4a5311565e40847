// One directory's kbuild file evaluated: the objects and subdirectories of its obj- lines in order,
// and the lists of composite objects (foo-y, foo-objs, foo-$(CONFIG_X)), each word with the
// configuration conditions it is listed under.
import { MakeExpander, normalizeListName, type CondWord } from "./make-expand.ts";
import { readMakefile, type MakeStatement } from "./makefile-reader.ts";
import type { KernelTree } from "./source-tree.ts";

export interface KbuildDir {
  /** The kbuild file read (`dir/Kbuild` before `dir/Makefile`, as kbuild does). */
  readonly file: string;
  /** obj-y / obj-m / obj-$(CONFIG_X) words in order (objects `a.o`, subdirectories `d/`). */
  readonly objects: readonly CondWord[];
  /** Every list variable by name (normalized: `foo-objs` and `foo-m` read as `foo-y`). */
  readonly lists: ReadonlyMap<string, readonly CondWord[]>;
}

export function kbuildFileOf(tree: KernelTree, dir: string): string | undefined {
  const prefix = dir === "" ? "" : `${dir}/`;
  for (const name of ["Kbuild", "Makefile"]) if (tree.has(prefix + name)) return prefix + name;
  return undefined;
}

/** Fixed make variables of a directory: $(src), $(obj), $(srctree), $(SRCARCH), ... */
export function constantsFor(dir: string, arch: string): Map<string, string> {
  return new Map([
    ["src", dir],
    ["obj", dir],
    ["srctree", "."],
    ["objtree", "."],
    ["SRCARCH", arch],
    ["ARCH", arch],
    ["BITS", arch === "arm64" ? "64" : "32"],
  ]);
}

/** Normalizes `./a/../b/` style paths to `b` (no leading ./, no trailing /). */
export function normalizePath(p: string): string {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/**
 * Evaluates statements into lists. `vars` is shared with the caller so that a top-level Makefile's
 * variables (core-y, libs-y, machine-y) can be read after evaluation.
 */
export function evaluateStatements(statements: readonly MakeStatement[], expander: MakeExpander, vars: Map<string, CondWord[]>, include: (path: string) => readonly MakeStatement[] | undefined, depth = 0): void {
  for (const st of statements) {
    if (st.kind === "include") {
      if (depth > 4) continue;
      const path = normalizePath(expander.text(st.path));
      const inc = include(path);
      if (inc) evaluateStatements(inc, expander, vars, include, depth + 1);
      continue;
    }
    const lhs = expander.words(st.lhs, st.conds);
    if (lhs.length !== 1) continue;
    const name = normalizeListName(lhs[0]!.w);
    const words = expander.words(st.rhs, lhs[0]!.conds);
    if (st.op === "+=") {
      const cur = vars.get(name);
      if (cur) cur.push(...words);
      else vars.set(name, words);
    } else if (st.op === "?=") {
      if (!vars.has(name)) vars.set(name, words);
    } else if (lhs[0]!.conds.length > 0 && vars.has(name)) {
      // `x := ...` inside an `ifdef` or as `obj-$(CONFIG_X) := a.o`: another condition may have
      // set x; kbuild lists read as the union over configurations.
      vars.get(name)!.push(...words);
    } else vars.set(name, words);
  }
}

export function readKbuildDir(tree: KernelTree, dir: string, arch: string): KbuildDir | undefined {
  const file = kbuildFileOf(tree, dir);
  if (file === undefined) return undefined;
  const vars = new Map<string, CondWord[]>();
  const expander = new MakeExpander({ vars, constants: constantsFor(dir, arch) });
  const include = (path: string) => {
    const text = tree.read(path);
    return text === undefined ? undefined : readMakefile(text);
  };
  evaluateStatements(readMakefile(tree.read(file)!), expander, vars, include);
  return { file, objects: vars.get("obj-y") ?? [], lists: vars };
}
