// Public lookups over a finished tree (dtc's get_node_by_* semantics, answered from maps).
import { nodeByLabel, nodeByPath, nodeByRef, treeIndex } from "./lookup.ts";
import type { DeviceTree, DtNode } from "./model.ts";
import { nodeByPhandle } from "./phandles.ts";

export { invalidateTreeIndex } from "./lookup.ts";

/** A reference as written after `&`: `label`, `/abs/path`, `label/rel/path`, or `/`. */
export function findNodeByRef(tree: DeviceTree, ref: string): DtNode | undefined {
  return nodeByRef(tree.root, treeIndex(tree), ref);
}

/**
 * An absolute path such as `/soc/serial@1000` (components match full names, unit address
 * included). `/` is the root (dtc's get_node_by_path itself finds nothing for "/").
 */
export function findNodeByPath(tree: DeviceTree, path: string): DtNode | undefined {
  return path === "/" ? tree.root : nodeByPath(tree.root, path);
}

export function findNodeByLabel(tree: DeviceTree, label: string): DtNode | undefined {
  return nodeByLabel(treeIndex(tree), label);
}

/** The node with that phandle (assigned by explicit_phandles or allocation); never for 0 or 0xffffffff. */
export function findNodeByPhandle(tree: DeviceTree, phandle: number): DtNode | undefined {
  return nodeByPhandle(tree, phandle);
}
