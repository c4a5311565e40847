// dtc's -s (sort_tree): memory reservations by (address, size), then every node's properties and
// children by name (strcmp order: byte values, which latin1 code units compare as).
import type { DeviceTree } from "./model.ts";

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

export function sortTree(tree: DeviceTree): void {
  tree.memreserves.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : a.size < b.size ? -1 : a.size > b.size ? 1 : 0));
  for (const node of tree.root.walk()) {
    node.properties.sort(byName);
    node.children.sort(byName);
    // Sibling order changed: ghost positions no longer mean anything.
    node.ghosts = undefined;
    node.resetIndexes();
  }
}
