// Phandles: dtc's explicit_phandles check, phandle allocation (get_node_phandle) and the
// phandle_references fixup, which fills every `<&ref>` cell.
import { nodeByRef, phandleIsValid, treeIndex } from "./lookup.ts";
import { allocValueBytes, U32_AT_START } from "./values.ts";
import { DtProperty, HAS_PHANDLE_REF, NO_LABELS, PropertyValue, type DeviceTree, type DtNode, type PhandleFormat, type TreeProblemReporter } from "./model.ts";

function readCell(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset]! << 24) | (bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!) >>> 0;
}

function writeCell(bytes: Uint8Array, offset: number, v: number): void {
  bytes[offset] = (v >>> 24) & 0xff;
  bytes[offset + 1] = (v >>> 16) & 0xff;
  bytes[offset + 2] = (v >>> 8) & 0xff;
  bytes[offset + 3] = v & 0xff;
}

/** Live nodes in dtc's check order (pre-order, children in list order). */
function preorder(tree: DeviceTree): DtNode[] {
  return tree.root.preorder();
}

/** check_phandle_prop: the explicit phandle a property gives, or 0. */
function phandleFromProperty(tree: DeviceTree, node: DtNode, name: string, report: TreeProblemReporter): number {
  const prop = node.property(name);
  if (!prop) return 0;
  if (prop.value.length !== 4) {
    report(node, prop, `bad length (${prop.value.length}) ${name} property`);
    return 0;
  }
  for (const m of prop.value.markers) {
    if (m.kind !== "phandleRef") continue;
    // `phandle = <&self>` asks for an allocated phandle; a reference to another node is nonsense.
    if (nodeByRef(tree.root, treeIndex(tree), m.ref) !== node) report(node, undefined, `${name} is a reference to another node`);
    return 0;
  }
  const phandle = readCell(prop.value.bytes, 0);
  if (!phandleIsValid(phandle)) {
    report(node, prop, `bad value (0x${phandle.toString(16)}) in ${name} property`);
    return 0;
  }
  return phandle;
}

/** dtc's explicit_phandles check: takes each node's `phandle` / `linux,phandle` value. */
export function checkExplicitPhandles(tree: DeviceTree, report: TreeProblemReporter): void {
  const index = treeIndex(tree);
  for (const node of preorder(tree)) {
    let phandle = phandleFromProperty(tree, node, "phandle", report);
    const linux = phandleFromProperty(tree, node, "linux,phandle", report);
    if (!phandle && !linux) continue;
    if (linux && phandle && phandle !== linux) report(node, undefined, "mismatching 'phandle' and 'linux,phandle' properties");
    if (linux && !phandle) phandle = linux;
    const other = index.phandles.get(phandle);
    if (other && other !== node) {
      report(node, undefined, `duplicated phandle 0x${phandle.toString(16)} (seen before at ${other.path})`);
      continue;
    }
    node.phandle = phandle;
    index.phandles.set(phandle, node);
  }
}

function addPhandleProperty(node: DtNode, name: string): void {
  if (node.property(name)) return;
  const bytes = allocValueBytes(4);
  writeCell(bytes, 0, node.phandle);
  // Every referenced node gets one: share the type marker (a lone marker at offset 0 never moves).
  node.appendProperty(new DtProperty(name, new PropertyValue(bytes, [U32_AT_START]), NO_LABELS, undefined));
}

/**
 * dtc's get_node_phandle: the node's phandle, allocating the next free value (one counter per tree,
 * from 1) and appending `linux,phandle` and/or `phandle` per `-H` when it has none.
 */
export function getNodePhandle(tree: DeviceTree, node: DtNode, format: PhandleFormat): number {
  if (phandleIsValid(node.phandle)) return node.phandle;
  const index = treeIndex(tree);
  while (index.phandles.has(index.nextPhandle)) index.nextPhandle++;
  node.phandle = index.nextPhandle;
  index.phandles.set(node.phandle, node);
  if (format !== "epapr") addPhandleProperty(node, "linux,phandle");
  if (format !== "legacy") addPhandleProperty(node, "phandle");
  return node.phandle;
}

/** dtc's phandle_references fixup: resolves every `<&ref>` cell in pre-order, allocating phandles. */
export function fixupPhandleReferences(tree: DeviceTree, opts: { phandleFormat: PhandleFormat }, report: TreeProblemReporter): void {
  const index = treeIndex(tree);
  for (const node of preorder(tree)) {
    const props = node.properties;
    // Indexed loop: allocation may append a phandle property to this very node.
    for (let i = 0; i < props.length; i++) {
      const prop = props[i]!;
      if ((prop.value.markerKinds & HAS_PHANDLE_REF) === 0) continue;
      const markers = prop.value.markers;
      for (let k = 0; k < markers.length; k++) {
        const m = markers[k]!;
        if (m.kind !== "phandleRef") continue;
        const target = nodeByRef(tree.root, index, m.ref);
        if (!target) {
          if (!tree.plugin) report(node, undefined, `Reference to non-existent node or label "${m.ref}"\n`);
          else writeCell(prop.value.bytes, m.offset, 0xffffffff);
          continue;
        }
        writeCell(prop.value.bytes, m.offset, getNodePhandle(tree, target, opts.phandleFormat));
        target.referenced = true;
      }
    }
  }
}

/** dtc's get_node_by_phandle. */
export function nodeByPhandle(tree: DeviceTree, phandle: number): DtNode | undefined {
  if (!phandleIsValid(phandle)) return undefined;
  return treeIndex(tree).phandles.get(phandle);
}
