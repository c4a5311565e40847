// Tree helpers for the checks, all without recursion (trees may be 10,000+ levels deep) and with
// dtc's lookup semantics (first match in pre-order).
import type { DtNode } from "../tree/model.ts";
import type { BusKind, CheckState } from "./types.ts";

/** All nodes in pre-order (parent before children, children in order). */
export function preorder(root: DtNode): DtNode[] {
  const out: DtNode[] = [];
  const stack: DtNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return out;
}

/**
 * dtc's `!node->children`: its raw child list also holds deleted children (kept as ghosts in the
 * finished tree), so a node whose children were all deleted still "has children".
 */
export function hasChildList(node: DtNode): boolean {
  return node.children.length > 0 || (node.ghosts?.length ?? 0) > 0;
}

/** dtc's fullpath: "/" for the root, "/a/b" below it. */
export function fullPath(node: DtNode): string {
  if (!node.parent) return "/";
  const names: string[] = [];
  for (let n: DtNode | null = node; n && n.parent; n = n.parent) names.push(n.name);
  names.reverse();
  return "/" + names.join("/");
}

/**
 * dtc's get_node_by_path: leading slashes of each step are skipped, each component must equal a
 * child's full name (a prefix up to the next `/`), and an empty path is the node itself.
 */
export function nodeByPath(root: DtNode, path: string): DtNode | undefined {
  let node = root;
  let p = path;
  for (;;) {
    if (p.length === 0) return node;
    let i = 0;
    while (i < p.length && p[i] === "/") i++;
    p = p.slice(i);
    const slash = p.indexOf("/");
    const component = slash < 0 ? p : p.slice(0, slash);
    const child = node.child(component);
    if (!child) return undefined;
    if (slash < 0) return child;
    node = child;
    p = p.slice(slash + 1);
  }
}

/** Index of nodes by phandle: the first node in pre-order wins, as dtc's get_node_by_phandle. */
export function phandleIndex(root: DtNode): Map<number, DtNode> {
  const index = new Map<number, DtNode>();
  for (const n of preorder(root)) if (n.phandle !== 0 && !index.has(n.phandle)) index.set(n.phandle, n);
  return index;
}

/** Per-run node facts (dtc keeps them in struct node, zeroed when the node is built). */
export class NodeFacts implements CheckState {
  private readonly cells = new Map<DtNode, { address: number; size: number }>();
  private readonly buses = new Map<DtNode, BusKind>();

  addressCells(node: DtNode): number {
    return this.cells.get(node)?.address ?? 0;
  }

  sizeCells(node: DtNode): number {
    return this.cells.get(node)?.size ?? 0;
  }

  setCells(node: DtNode, address: number, size: number): void {
    this.cells.set(node, { address, size });
  }

  bus(node: DtNode): BusKind | undefined {
    return this.buses.get(node);
  }

  setBus(node: DtNode, bus: BusKind): void {
    this.buses.set(node, bus);
  }
}

/** node_addr_cells(): an absent #address-cells (-1) defaults to 2. */
export function effectiveAddressCells(state: CheckState, node: DtNode): number {
  const v = state.addressCells(node);
  return v === -1 ? 2 : v;
}

/** node_size_cells(): an absent #size-cells (-1) defaults to 1. */
export function effectiveSizeCells(state: CheckState, node: DtNode): number {
  const v = state.sizeCells(node);
  return v === -1 ? 1 : v;
}
