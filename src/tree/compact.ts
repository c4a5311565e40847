// The end of building: dtc keeps deleted nodes, properties and labels in its lists and skips them
// in every later lookup (for_each_child / for_each_property / for_each_label). The finished tree
// drops them instead, keeping the few traces dtc's later steps can still observe (GhostChild,
// hasDeletedLabels).
import { liveLabels } from "./labels.ts";
import type { DtNode, GhostChild } from "./model.ts";

export function compactTree(root: DtNode): void {
  root.deleted = false;
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.deletedLabels) {
      if (n.deletedLabels.size > 0) n.hasDeletedLabels = true;
      n.labels = liveLabels(n);
      n.deletedLabels = undefined;
    }
    let keep = 0;
    const props = n.properties;
    let propsChanged = false;
    // Only nodes that may hold deleted properties (most do not: reading every property of a
    // large board here was a cache miss each).
    if (n.mayHoldDeletedProperties) {
      for (let i = 0; i < props.length; i++) {
        const p = props[i]!;
        if (p.deleted) continue;
        if (p.deletedLabels) {
          p.labels = liveLabels(p);
          p.deletedLabels = undefined;
        }
        props[keep++] = p;
      }
      propsChanged = keep !== props.length;
      props.length = keep;
      n.mayHoldDeletedProperties = false;
    }
    keep = 0;
    const kids = n.children;
    let ghosts: GhostChild[] | undefined;
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i]!;
      if (c.deleted) {
        (ghosts ??= []).push({ name: c.name, span: c.spans[0], index: keep, path: undefined, omitted: false });
        c.parent = null;
        continue;
      }
      kids[keep++] = c;
      stack.push(c);
    }
    const kidsChanged = keep !== kids.length;
    kids.length = keep;
    if (ghosts) n.ghosts = ghosts;
    if (propsChanged || kidsChanged) n.resetIndexes();
    n.trimLists();
  }
}
