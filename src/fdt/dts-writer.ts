// DeviceTree -> DTS text as `dtc -O dts` writes it (treesource.c dt_to_source): tab indentation,
// labels before names, a blank line before each subnode, memreserves in full 64-bit hex.
import type { DeviceTree, DtNode, DtProperty, MemReserveEntry } from "../tree/model.ts";
import { formatPropertyValue } from "./dts-value.ts";
import type { DtsDialect } from "./dts-value.ts";

export type { DtsDialect } from "./dts-value.ts";

export interface DtsWriteOptions {
  /** As `dtc -s`: memreserves by (address, size), properties and subnodes by name. */
  readonly sortedLike?: boolean;
  /**
   * Which dtc's output to reproduce: "1.8.1" (default; the current language) or "1.6.1" (the
   * Debian dtc installed as the oracle, whose output does not round-trip types and references).
   */
  readonly dialect?: DtsDialect;
}

/** strcmp order: latin1 strings compare by char code, which is unsigned byte order. */
const byName = <T extends { name: string }>(a: T, b: T): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function byReserve(a: MemReserveEntry, b: MemReserveEntry): number {
  if (a.address !== b.address) return a.address < b.address ? -1 : 1;
  if (a.size !== b.size) return a.size < b.size ? -1 : 1;
  return 0;
}

function live<T extends { deleted: boolean }>(items: readonly T[]): T[] {
  return items.filter((x) => !x.deleted);
}

function labelsText(labels: readonly string[]): string {
  let s = "";
  for (const l of labels) s += `${l}: `;
  return s;
}

function hex64(v: bigint): string {
  return "0x" + BigInt.asUintN(64, v).toString(16).padStart(16, "0");
}

/** dtc's `-O dts` output for the tree. */
export function writeDts(tree: DeviceTree, options: DtsWriteOptions = {}): string {
  const dialect = options.dialect ?? "1.8.1";
  const sorted = options.sortedLike === true;
  const out: string[] = ["/dts-v1/;\n"];
  if (dialect === "1.8.1" && tree.plugin) out.push("/plugin/;\n");
  out.push("\n");

  const reserves = sorted ? [...tree.memreserves].sort(byReserve) : tree.memreserves;
  for (const re of reserves) out.push(`${labelsText(re.labels)}/memreserve/\t${hex64(re.address)} ${hex64(re.size)};\n`);

  const properties = (n: DtNode): DtProperty[] => (sorted ? live(n.properties).sort(byName) : live(n.properties));
  const children = (n: DtNode): DtNode[] => (sorted ? live(n.children).sort(byName) : live(n.children));

  // Explicit stack: each frame is a node whose head is written and whose children are pending.
  interface Frame {
    readonly node: DtNode;
    readonly level: number;
    readonly kids: DtNode[];
    next: number;
  }
  const stack: Frame[] = [];
  const open = (node: DtNode, level: number): void => {
    const indent = "\t".repeat(level);
    out.push(`${indent}${labelsText(node.labels)}${node.name === "" ? "/" : node.name} {\n`);
    for (const prop of properties(node)) out.push(`${indent}\t${labelsText(prop.labels)}${prop.name}${formatPropertyValue(prop.value, dialect)}\n`);
    stack.push({ node, level, kids: children(node), next: 0 });
  };
  open(tree.root, 0);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.kids.length) {
      out.push("\n");
      open(top.kids[top.next++]!, top.level + 1);
    } else {
      out.push(`${"\t".repeat(top.level)}};\n`);
      stack.pop();
    }
  }
  return out.join("");
}
