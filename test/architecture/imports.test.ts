// The layer rules over the import graph of every source file (type-only imports included):
// folders import only downward, no import cycle joins files of different folders, the kernel
// model's own folders have no cycle at all, and nothing above the OF layer reads the tree's nodes.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(new URL("../../", import.meta.url).pathname);

/**
 * The layers, lowest first (docs/kernel-model.md). Folders of one rank may not import each other
 * in both directions (the cycle rule catches that); `index` is src/index.ts, the library's root.
 */
const RANK: Readonly<Record<string, number>> = {
  source: 0,
  preprocess: 1,
  grammar: 2,
  tree: 3,
  checks: 4,
  fdt: 4,
  compile: 5,
  kernel: 6,
  // The driver tables read from kernel sources (data/kernel, --kernel-src): beside the versions.
  "kernel-data": 6,
  of: 7,
  graph: 8,
  iommu: 9,
  probe: 10,
  report: 11,
  // dtprobe batch: the pipeline over many boards on worker threads, a front door beside the CLI
  // (which imports it).
  batch: 12,
  cli: 12,
  // A tool over the library (the generator of synthetic boards): it may import anything.
  gen: 13,
  index: 14,
};

/** The folders of the kernel model: no import cycle at all inside them. */
const ACYCLIC = new Set(["kernel", "of", "graph", "iommu", "probe", "report"]);

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (name.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The layer a file belongs to: its folder under src/ (grammar/ sits beside src/). */
function folderOf(file: string): string {
  const rel = relative(root, file).split("/");
  if (rel[0] === "grammar") return "grammar";
  return rel.length === 2 ? "index" : rel[1]!;
}

const IMPORT = /^\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|^\s*import\s+"([^"]+)"/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith(".")) {
      const target = resolve(dirname(file), spec);
      if (target.endsWith(".ts")) out.push(target);
    }
  }
  return out;
}

const files = [...sourceFiles(join(root, "src")), ...sourceFiles(join(root, "grammar"))];
const edges = new Map(files.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(root, f);

/** Tarjan's strongly connected components (iterative). */
function components(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  let next = 0;
  for (const start of files) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const succ = (edges.get(top.v) ?? []).filter((w) => edges.has(w));
      if (top.i < succ.length) {
        const w = succ[top.i++]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const scc: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.v);
        out.push(scc);
      }
    }
  }
  return out;
}

describe("the layers (imports over every source file)", () => {
  it("reads every file and knows its folder", () => {
    expect(files.length).toBeGreaterThan(150);
    for (const f of files) expect(RANK[folderOf(f)], rel(f)).toBeDefined();
  });

  it("folders import only downward: source → preprocess → grammar → tree → checks/fdt → compile → kernel → of → graph → iommu → probe → report → cli", () => {
    const upward: string[] = [];
    for (const [f, targets] of edges) {
      for (const t of targets) {
        if (RANK[folderOf(t)]! > RANK[folderOf(f)]!) upward.push(`${rel(f)} imports ${rel(t)}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it("no import cycle joins files of different folders, and the kernel model's folders have none", () => {
    const bad = components()
      .filter((c) => c.length > 1)
      .filter((c) => new Set(c.map(folderOf)).size > 1 || c.some((f) => ACYCLIC.has(folderOf(f))))
      .map((c) => c.map(rel).sort().join(" <-> "));
    expect(bad).toEqual([]);
  });

  it("the layers above the OF helpers never import the tree (they hold OfNode handles and facts)", () => {
    const bad: string[] = [];
    for (const [f, targets] of edges) {
      if (!["iommu", "probe", "report"].includes(folderOf(f))) continue;
      for (const t of targets) if (folderOf(t) === "tree") bad.push(`${rel(f)} imports ${rel(t)}`);
    }
    expect(bad).toEqual([]);
  });
});
