// The tree edits dtc's parser actions perform (livetree.c merge_nodes, add_child, delete_node,
// delete_property_by_name, delete_node_by_name), with dtc's deleted-flag semantics: deleted items
// stay in their lists, and a later definition with the same name revives them in place. All walks
// use explicit stacks. Lookups by name here include deleted items, as dtc's do.
import { addLabels, deleteLabels } from "./labels.ts";
import type { TreeIndex } from "./lookup.ts";
import type { DtNode, DtProperty } from "./model.ts";

export class TreeEditor {
  constructor(private readonly index: TreeIndex) {}

  /** dtc's add_child: appends a fresh subtree, which becomes findable by its labels. */
  addChild(parent: DtNode, child: DtNode): void {
    parent.appendChild(child);
    this.index.registerSubtree(child);
  }

  /** dtc's add_label on a node of the tree, for each label in turn. */
  addNodeLabels(node: DtNode, labels: readonly string[]): void {
    if (labels.length === 0) return;
    addLabels(node, labels);
    for (const label of labels) this.index.registerLabel(label, node);
  }

  /** dtc's merge_nodes: `fresh` (a newly parsed block) is merged into `old`, which is in the tree. */
  mergeNodes(old: DtNode, fresh: DtNode): void {
    const stack: { old: DtNode; fresh: DtNode; next: number }[] = [];
    const enter = (o: DtNode, f: DtNode) => {
      this.mergeOwnContents(o, f);
      stack.push({ old: o, fresh: f, next: 0 });
    };
    enter(old, fresh);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.next < frame.fresh.children.length) {
        const child = frame.fresh.children[frame.next++]!;
        if (child.deleted) {
          deleteNodeByName(frame.old, child.name);
          continue;
        }
        const existing = frame.old.child(child.name);
        if (existing) enter(existing, child);
        else this.addChild(frame.old, child);
        continue;
      }
      stack.pop();
      // srcpos_extend: the new block's positions follow the old ones.
      for (const s of frame.fresh.spans) frame.old.spans.push(s);
    }
  }

  /** Labels and properties of one merge step (children are handled by the caller's loop). */
  private mergeOwnContents(old: DtNode, fresh: DtNode): void {
    old.deleted = false;
    this.addNodeLabels(old, fresh.labels);
    for (const prop of fresh.properties) {
      if (prop.deleted) {
        deletePropertyByName(old, prop.name);
        continue;
      }
      const existing = old.property(prop.name);
      if (existing) {
        if (prop.labels.length > 0) addLabels(existing, prop.labels);
        existing.value = prop.value;
        existing.deleted = false;
        existing.span = prop.span;
      } else {
        old.appendProperty(prop);
      }
    }
  }
}

/** dtc's delete_property. */
export function deleteProperty(prop: DtProperty): void {
  prop.deleted = true;
  deleteLabels(prop);
}

/** dtc's delete_property_by_name: the first property of that name, deleted or not. */
export function deletePropertyByName(node: DtNode, name: string): void {
  const prop = node.property(name);
  if (!prop) return;
  node.mayHoldDeletedProperties = true;
  deleteProperty(prop);
}

/** dtc's delete_node: the node, its live descendants, their properties and labels. */
export function deleteNode(top: DtNode): void {
  const stack = [top];
  while (stack.length > 0) {
    const n = stack.pop()!;
    n.deleted = true;
    n.mayHoldDeletedProperties = true;
    for (const c of n.children) if (!c.deleted) stack.push(c);
    for (const p of n.properties) if (!p.deleted) deleteProperty(p);
    deleteLabels(n);
  }
}

/** dtc's delete_node_by_name: the first child of that name, deleted or not. */
export function deleteNodeByName(parent: DtNode, name: string): void {
  const child = parent.child(name);
  if (child) deleteNode(child);
}
