// Kconfig symbol types: `config X` / `menuconfig X` followed by `bool`, `tristate`, `def_bool` or
// `def_tristate` (scripts/kconfig/lexer.l's keywords). A symbol defined in several places keeps
// tristate if any definition says so.
import type { KernelTree } from "./source-tree.ts";
import type { SymbolType } from "./types.ts";

const CONFIG_LINE = /^\s*(?:menu)?config\s+(\w+)\s*$/;
const TYPE_LINE = /^\s*(bool|tristate|def_bool|def_tristate|string|int|hex)\b/;
const BLOCK_END = /^\s*(?:(?:menu)?config|choice|endchoice|menu|endmenu|if|endif|source|comment|mainmenu)\b/;

export function readKconfigTypes(text: string, into: Map<string, SymbolType>): void {
  let current: string | undefined;
  for (const line of text.split("\n")) {
    const c = CONFIG_LINE.exec(line);
    if (c) {
      current = c[1];
      continue;
    }
    if (current === undefined) continue;
    if (BLOCK_END.test(line)) {
      current = undefined;
      continue;
    }
    const t = TYPE_LINE.exec(line);
    if (!t) continue;
    const type: SymbolType | undefined = t[1] === "bool" || t[1] === "def_bool" ? "bool" : t[1] === "tristate" || t[1] === "def_tristate" ? "tristate" : undefined;
    const name = `CONFIG_${current}`;
    if (type && into.get(name) !== "tristate") into.set(name, type);
    current = undefined;
  }
}

/** Types of every symbol defined in the tree's Kconfig files. */
export function kconfigTypes(tree: KernelTree): Map<string, SymbolType> {
  const out = new Map<string, SymbolType>();
  for (const p of tree.paths) {
    const name = p.slice(p.lastIndexOf("/") + 1);
    if (name.startsWith("Kconfig")) readKconfigTypes(tree.read(p)!, out);
  }
  return out;
}
