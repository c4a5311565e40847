// dtc's path_references fixup: splices the NUL-terminated full path of each `= &ref;` target into
// the value at the marker, shifting the markers that follow (data.c data_insert_at_marker).
import { nodeByRef, treeIndex } from "./lookup.ts";
import { HAS_PATH_REF, type DeviceTree, type PropertyValue, type TreeProblemReporter } from "./model.ts";

function insertAt(value: PropertyValue, markerIndex: number, insert: Uint8Array): void {
  const at = value.markers[markerIndex]!.offset;
  const old = value.bytes;
  const bytes = new Uint8Array(old.length + insert.length);
  bytes.set(old.subarray(0, at), 0);
  bytes.set(insert, at);
  bytes.set(old.subarray(at), at + insert.length);
  value.bytes = bytes;
  for (let i = markerIndex + 1; i < value.markers.length; i++) value.markers[i]!.offset += insert.length;
}

function pathBytes(path: string): Uint8Array {
  const b = new Uint8Array(path.length + 1);
  for (let i = 0; i < path.length; i++) b[i] = path.charCodeAt(i) & 0xff;
  return b;
}

export function fixupPathReferences(tree: DeviceTree, report: TreeProblemReporter): void {
  const index = treeIndex(tree);
  for (const node of tree.root.preorder()) {
    for (const prop of node.properties) {
      if ((prop.value.markerKinds & HAS_PATH_REF) === 0) continue;
      const markers = prop.value.markers;
      for (let i = 0; i < markers.length; i++) {
        const m = markers[i]!;
        if (m.kind !== "pathRef") continue;
        const target = nodeByRef(tree.root, index, m.ref);
        if (!target) {
          report(node, undefined, `Reference to non-existent node or label "${m.ref}"\n`);
          continue;
        }
        insertAt(prop.value, i, pathBytes(target.path));
        target.referenced = true;
      }
    }
  }
}
