// Finding nodes the way dtc's livetree.c does (get_node_by_label / _by_path / _by_ref /
// _by_phandle), but through maps instead of whole-tree scans. The index lives beside the tree (one
// per DeviceTree, built on first use) and is kept current by src/tree's own edits.
import type { DeviceTree, DtNode } from "./model.ts";

export class TreeIndex {
  /**
   * Label -> the node, or the nodes, that carry (or carried) it; lookups keep those where it is
   * still live. Most labels name one node: no array for those (a board has tens of thousands).
   */
  readonly labels = new Map<string, DtNode | DtNode[]>();
  /** Phandle -> node (dtc's phandles are unique once assigned). */
  readonly phandles = new Map<number, DtNode>();
  /** dtc's `static cell_t phandle` in get_node_phandle: the next value to try. */
  nextPhandle = 1;

  registerLabel(label: string, node: DtNode): void {
    const known = this.labels.get(label);
    if (known === undefined) this.labels.set(label, node);
    else if (Array.isArray(known)) {
      // A repeat registration is harmless (lookups skip nodes that lost the label); comparing
      // with the last entry only keeps a label on 100,000 nodes linear to register.
      if (known[known.length - 1] !== node) known.push(node);
    } else if (known !== node) this.labels.set(label, [known, node]);
  }

  /** Records the labels (and any phandles) of a subtree that has just become part of the tree. */
  registerSubtree(top: DtNode): void {
    for (const n of top.preorder()) {
      for (const l of n.labels) this.registerLabel(l, n);
      if (n.phandle !== 0 && !this.phandles.has(n.phandle)) this.phandles.set(n.phandle, n);
    }
  }

  /** Forgets a subtree that has left the tree (dtc marks it deleted; lookups then skip it). */
  unregisterSubtree(top: DtNode): void {
    for (const n of top.walk()) {
      for (const l of n.labels) {
        const known = this.labels.get(l);
        if (known === undefined) continue;
        if (!Array.isArray(known)) {
          if (known === n) this.labels.delete(l);
          continue;
        }
        const i = known.indexOf(n);
        if (i >= 0) known.splice(i, 1);
        if (known.length === 0) this.labels.delete(l);
      }
      if (n.phandle !== 0 && this.phandles.get(n.phandle) === n) this.phandles.delete(n.phandle);
    }
  }
}

const indexes = new WeakMap<DeviceTree, TreeIndex>();

/** The tree's index, built by one walk if the tree has none yet. */
export function treeIndex(tree: DeviceTree): TreeIndex {
  let index = indexes.get(tree);
  if (!index) {
    index = new TreeIndex();
    index.registerSubtree(tree.root);
    indexes.set(tree, index);
  }
  return index;
}

export function setTreeIndex(tree: DeviceTree, index: TreeIndex): void {
  indexes.set(tree, index);
}

/**
 * Forgets the lookup index of a tree. Call it after editing nodes, labels or phandles of a tree
 * outside src/tree (src/tree keeps its own edits in step).
 */
export function invalidateTreeIndex(tree: DeviceTree): void {
  indexes.delete(tree);
}

/** Ancestor chain from the root down to `n`. */
function chain(n: DtNode): DtNode[] {
  const out: DtNode[] = [];
  for (let c: DtNode | null = n; c; c = c.parent) out.push(c);
  return out.reverse();
}

/** True when `a` comes before `b` in a pre-order walk (only needed to break ties between duplicate labels). */
export function comesBefore(a: DtNode, b: DtNode): boolean {
  const ca = chain(a);
  const cb = chain(b);
  let i = 0;
  while (i < ca.length && i < cb.length && ca[i] === cb[i]) i++;
  if (i === ca.length) return true; // a is an ancestor of b
  if (i === cb.length) return false;
  const parent = ca[i - 1]!;
  return parent.children.indexOf(ca[i]!) < parent.children.indexOf(cb[i]!);
}

/** dtc's get_node_by_label: the first live node, in pre-order, with that live label. */
export function nodeByLabel(index: TreeIndex, label: string): DtNode | undefined {
  const known = index.labels.get(label);
  if (known === undefined) return undefined;
  if (!Array.isArray(known)) return known.deleted || !known.hasLiveLabel(label) ? undefined : known;
  const list = known;
  let best: DtNode | undefined;
  for (const n of list) {
    if (n.deleted || !n.hasLiveLabel(label)) continue;
    if (!best || comesBefore(n, best)) best = n;
  }
  return best;
}

/** First live child with that exact name (dtc's for_each_child + streq). */
export function liveChild(node: DtNode, name: string): DtNode | undefined {
  const c = node.child(name);
  if (!c || !c.deleted) return c;
  for (const x of node.children) if (x.name === name && !x.deleted) return x;
  return undefined;
}

/** dtc's get_node_by_path from `start`: components match full names; empty rest means `start`. */
export function nodeByPath(start: DtNode, path: string): DtNode | undefined {
  let node = start;
  let at = 0;
  for (;;) {
    if (at >= path.length) return node.deleted ? undefined : node;
    while (path.charCodeAt(at) === 47) at++;
    const slash = path.indexOf("/", at);
    const child = liveChild(node, slash < 0 ? path.slice(at) : path.slice(at, slash));
    if (!child) return undefined;
    if (slash < 0) return child;
    node = child;
    at = slash + 1;
  }
}

/** dtc's get_node_by_ref: `/` is the root; `/a/b` a path; `label` or `label/a/b` relative to a label. */
export function nodeByRef(root: DtNode, index: TreeIndex, ref: string): DtNode | undefined {
  if (ref === "/") return root;
  if (ref.charCodeAt(0) === 47) return nodeByPath(root, ref);
  const slash = ref.indexOf("/");
  const target = nodeByLabel(index, slash < 0 ? ref : ref.slice(0, slash));
  if (!target || slash < 0) return target;
  return nodeByPath(target, ref.slice(slash + 1));
}

/** dtc's phandle_is_valid. */
export function phandleIsValid(phandle: number): boolean {
  return phandle !== 0 && phandle !== 0xffffffff;
}
