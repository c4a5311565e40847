// Which macros a C file sees: its own #defines (the one in effect at a position), those of the
// headers it includes with "quotes" (relative to its directory, a few levels deep), a few global
// headers (<linux/pci.h>, <linux/pci_ids.h>, <linux/irqchip.h>, ...), and KBUILD_MODNAME.
import { scanC, type CFile, type MacroDef } from "./c-file.ts";
import type { MacroLookup } from "./c-macros.ts";
import { T } from "./c-tokens.ts";
import { normalizePath } from "./kbuild-dir.ts";
import { GLOBAL_HEADERS, type KernelTree } from "./source-tree.ts";

const INCLUDE_DEPTH = 3;

export class MacroEnvironment {
  readonly #files = new Map<string, CFile | null>();
  #global: Map<string, MacroDef> | undefined;

  constructor(
    private readonly tree: KernelTree,
    /** `-I` directories of a directory's Makefile (ccflags-y), for includes. */
    private readonly includeDirsOf: (dir: string) => readonly string[] = () => [],
  ) {}

  /** A file of the tree, scanned once (a header keeps only its macros and includes). */
  file(path: string): CFile | undefined {
    let f = this.#files.get(path);
    if (f === undefined) {
      const text = this.tree.read(path);
      f = text === undefined ? null : scanC(text);
      if (f && path.endsWith(".h")) f = { ...f, tokens: [] };
      this.#files.set(path, f);
    }
    return f ?? undefined;
  }

  /** Drops a scanned .c file (headers stay cached: many files include them). */
  forget(path: string): void {
    if (path.endsWith(".c")) this.#files.delete(path);
  }

  #globalDefines(): Map<string, MacroDef> {
    if (!this.#global) {
      this.#global = new Map();
      for (const h of GLOBAL_HEADERS) {
        const f = this.file(h);
        if (!f) continue;
        for (const [name, defs] of f.defines) this.#global.set(name, defs[defs.length - 1]!);
      }
    }
    return this.#global;
  }

  /**
   * Headers a file sees, nearest first: quoted includes (its directory, then include/), followed
   * a few levels deep; <angle> includes of the file itself (include/, arch/<arch>/include/), not
   * followed further (the kernel's own headers would pull in everything).
   */
  #headers(path: string, file: CFile): CFile[] {
    const out: CFile[] = [];
    const seen = new Set<string>([path]);
    const archInclude = /^arch\/(arm64|arm)\//.exec(path)?.[1];
    const flagDirs = this.includeDirsOf(path.slice(0, path.lastIndexOf("/")));
    const visit = (p: string, f: CFile, depth: number) => {
      if (depth > INCLUDE_DEPTH) return;
      const dir = p.slice(0, p.lastIndexOf("/"));
      for (const inc of f.includes) {
        if (!inc.quoted && depth > 0) continue;
        const viaFlags = flagDirs.map((d) => normalizePath(`${d}/${inc.name}`));
        const candidates = inc.quoted
          ? [normalizePath(`${dir}/${inc.name}`), ...viaFlags, `include/${inc.name}`]
          : [`include/${inc.name}`, ...(archInclude ? [`arch/${archInclude}/include/${inc.name}`] : []), ...viaFlags];
        for (const c of candidates) {
          if (seen.has(c)) break;
          const h = this.file(c);
          if (!h) continue;
          seen.add(c);
          out.push(h);
          if (inc.quoted) visit(c, h, depth + 1);
          break;
        }
      }
    };
    visit(path, file, 0);
    return out;
  }

  /** Macros in effect at token `position` of `path` (Infinity: at the end of the file). */
  lookupFor(path: string, file: CFile, modname: string | undefined, position = Infinity): MacroLookup {
    const headers = this.#headers(path, file);
    const global = this.#globalDefines();
    const stringMacro = (name: string, value: string): MacroDef => ({ name, params: null, variadic: false, body: [{ k: T.String, v: JSON.stringify(value), g: 0 }], at: -1 });
    // kbuild passes both on the compiler command line (scripts/Makefile.lib: modname_flags, basename_flags).
    const modnameDef = modname === undefined ? undefined : stringMacro("KBUILD_MODNAME", modname);
    const basenameDef = stringMacro("KBUILD_BASENAME", path.slice(path.lastIndexOf("/") + 1).replace(/\.c$/, "").replace(/-/g, "_"));
    return (name) => {
      const own = file.defines.get(name);
      if (own) {
        let best: MacroDef | undefined;
        for (const d of own) if (d.at <= position) best = d;
        return best ?? own[own.length - 1];
      }
      for (const h of headers) {
        const d = h.defines.get(name);
        if (d) return d[d.length - 1];
      }
      if (name === "KBUILD_MODNAME") return modnameDef;
      if (name === "KBUILD_BASENAME") return basenameDef;
      return global.get(name);
    };
  }
}
