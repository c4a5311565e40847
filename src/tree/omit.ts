// dtc's omit_unused_nodes fixup: a node marked /omit-if-no-ref/ that no phandle or path reference
// reached is deleted (with -@, nodes with labels are kept). The finished tree drops the subtree and
// keeps a GhostChild trace, since dtc's later checks still see the deleted node in the sibling list.
import { treeIndex } from "./lookup.ts";
import type { DeviceTree, DtNode, GhostChild } from "./model.ts";

function isOmitted(node: DtNode, symbols: boolean): boolean {
  if (symbols && (node.labels.length > 0 || node.hasDeletedLabels)) return false;
  return node.omitIfNoRef && !node.referenced;
}

export function omitUnusedNodes(tree: DeviceTree, opts: { symbols: boolean }): void {
  const index = treeIndex(tree);
  const root = tree.root;
  if (isOmitted(root, opts.symbols)) {
    // delete_node(root): everything goes; the (empty) root itself is still written.
    for (const c of root.children) index.unregisterSubtree(c);
    root.ghosts = undefined;
    root.children.length = 0;
    root.properties.length = 0;
    root.resetIndexes();
    return;
  }
  // A node's fate depends only on itself, so each parent filters its children in one pass (dtc
  // deletes a child when its pre-order walk reaches it, then skips its subtree).
  const stack: DtNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const kids = node.children;
    const oldLength = kids.length;
    let keep = 0;
    let removed: Map<number, GhostChild> | undefined;
    for (let i = 0; i < oldLength; i++) {
      const c = kids[i]!;
      if (isOmitted(c, opts.symbols)) {
        (removed ??= new Map()).set(i, { name: c.name, span: c.spans[0], index: keep, path: c.path, omitted: true });
        index.unregisterSubtree(c);
        c.parent = null;
        continue;
      }
      kids[keep++] = c;
    }
    if (removed) {
      node.ghosts = mergeGhosts(node.ghosts ?? [], removed, oldLength);
      kids.length = keep;
      node.resetIndexes();
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
}

/**
 * The parent's ghosts in dtc's raw sibling order after some children were dropped: an old ghost
 * with index k sits just before old child k. Every `index` is recounted over the children left.
 */
function mergeGhosts(old: readonly GhostChild[], removed: Map<number, GhostChild>, oldLength: number): GhostChild[] {
  const merged: GhostChild[] = [];
  let g = 0;
  let remaining = 0;
  for (let k = 0; k <= oldLength; k++) {
    while (g < old.length && old[g]!.index === k) merged.push({ ...old[g++]!, index: remaining });
    if (k === oldLength) break;
    const gone = removed.get(k);
    if (gone) merged.push(gone);
    else remaining++;
  }
  while (g < old.length) merged.push({ ...old[g++]!, index: remaining });
  return merged;
}
