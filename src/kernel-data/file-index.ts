// The scanned C files of a tree, with lookups the way the C linker and kbuild would resolve names:
// a table, driver or function named in file F is looked for in F, then in the other files of F's
// module (kbuild composite object), then in F's directory, then anywhere when the name is unique.
import { scanC } from "./c-file.ts";
import { scanFileFacts, type FileFacts, type FunctionFacts } from "./c-scan.ts";
import { normalizePath } from "./kbuild-dir.ts";
import type { FileBuild, LinkOrder } from "./link-order.ts";
import { MacroEnvironment } from "./macro-env.ts";
import type { KernelTree } from "./source-tree.ts";

/** A file worth a full scan mentions one of these. */
const CANDIDATE = /of_device_id|pci_device_id|amba_id|_driver\b|_initcall|module_init|_DECLARE\b|IRQCHIP/;

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/"));
}

export class FileIndex {
  readonly env: MacroEnvironment;
  readonly #facts = new Map<string, FileFacts | null>();
  readonly #moduleFiles = new Map<string, string[]>();
  readonly #dirFiles = new Map<string, string[]>();
  /** A .c file that another .c file #includes (ehci-hcd.c's glue drivers) → the including file. */
  readonly #includedBy = new Map<string, string>();
  /** Candidate files in path order. */
  readonly candidates: string[] = [];

  constructor(
    private readonly tree: KernelTree,
    readonly linkOrder: LinkOrder,
  ) {
    this.env = new MacroEnvironment(tree, (dir) => linkOrder.includeDirs.get(dir) ?? []);
    // Same-directory .c files first, then headers (tables and drivers are rarely in headers).
    for (const p of [...tree.paths.filter((x) => x.endsWith(".c")), ...tree.paths.filter((x) => x.endsWith(".h") && !x.startsWith("include/"))]) {
      const d = dirOf(p);
      const list = this.#dirFiles.get(d);
      if (list) list.push(p);
      else this.#dirFiles.set(d, [p]);
    }
    for (const [path, b] of linkOrder.files) {
      const key = moduleKey(b);
      const list = this.#moduleFiles.get(key);
      if (list) list.push(path);
      else this.#moduleFiles.set(key, [path]);
    }
  }

  /** Reads every .c file once and keeps the facts of those that declare drivers or tables. */
  scanCandidates(): void {
    for (const p of this.tree.paths) {
      if (!p.endsWith(".c")) continue;
      const text = this.tree.read(p)!;
      for (const m of text.matchAll(/^\s*#\s*include\s+"([^"]+\.c)"/gm)) this.#includedBy.set(normalizePath(`${dirOf(p)}/${m[1]}`), p);
      if (!CANDIDATE.test(text)) continue;
      this.candidates.push(p);
      this.facts(p);
    }
  }

  /** Build facts of a file; a .c file included by another takes the including file's. */
  build(path: string): FileBuild | undefined {
    const b = this.linkOrder.files.get(path);
    if (b) return b;
    const by = this.#includedBy.get(path);
    return by === undefined ? undefined : this.linkOrder.files.get(by);
  }

  /** The facts of a file (scanned on first use). */
  facts(path: string): FileFacts | undefined {
    let f = this.#facts.get(path);
    if (f === undefined) {
      // A header's facts come from a fresh scan (the macro cache keeps headers without tokens).
      const text = path.endsWith(".h") ? this.tree.read(path) : undefined;
      const file = text !== undefined ? scanC(text) : this.env.file(path);
      const modname = this.build(path)?.module;
      f = file ? scanFileFacts(path, file, (pos) => this.env.lookupFor(path, file, modname, pos)) : null;
      this.env.forget(path);
      this.#facts.set(path, f);
    }
    return f ?? undefined;
  }

  /** Files to look in for a name used in `path`, nearest first (the file itself excluded). */
  neighbours(path: string): string[] {
    const out: string[] = [];
    const b = this.build(path);
    if (b) for (const p of this.#moduleFiles.get(moduleKey(b)) ?? []) if (p !== path) out.push(p);
    for (const p of this.#dirFiles.get(dirOf(path)) ?? []) if (p !== path && !out.includes(p)) out.push(p);
    return out;
  }

  /**
   * Finds a definition by name: `get(facts)` says whether a file defines it. Looks in the file,
   * its module and directory (scanning them as needed), then among the candidates when exactly
   * one defines it.
   */
  find<R>(path: string, get: (f: FileFacts) => R | undefined): { file: string; value: R } | undefined {
    const own = this.facts(path);
    const v = own ? get(own) : undefined;
    if (v !== undefined) return { file: path, value: v };
    for (const n of this.neighbours(path)) {
      const f = this.facts(n);
      const nv = f ? get(f) : undefined;
      if (nv !== undefined) return { file: n, value: nv };
    }
    let found: { file: string; value: R } | undefined;
    for (const c of this.candidates) {
      const f = this.#facts.get(c);
      const cv = f ? get(f) : undefined;
      if (cv === undefined) continue;
      if (found) return undefined;
      found = { file: c, value: cv };
    }
    return found;
  }

  /** A function as the linker would resolve a call from `fromFile` (static ones stay in their file). */
  resolveFunction = (fromFile: string, name: string): { file: string; fn: FunctionFacts } | undefined => {
    const own = this.facts(fromFile)?.functions.get(name);
    if (own) return { file: fromFile, fn: own };
    const b = this.build(fromFile);
    if (!b) return undefined;
    for (const p of this.#moduleFiles.get(moduleKey(b)) ?? []) {
      if (p === fromFile) continue;
      const fn = this.facts(p)?.functions.get(name);
      if (fn && !fn.isStatic) return { file: p, fn };
    }
    return undefined;
  };
}

export function moduleKey(b: FileBuild): string {
  return `${b.module}|${b.symbol ?? ""}`;
}
