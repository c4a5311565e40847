// dtc's overlay fixups (generate_fixups_tree / generate_local_fixups_tree), made for `/plugin/`
// input or with `-L`: /__fixups__ lists where each unresolved `<&label>` cell is
// (`"/path:prop:offset"`), /__local_fixups__ mirrors the paths of properties holding resolved
// phandle references with their byte offsets. Existing hand-written entries are kept (dtc 1.8.1).
import type { DiagnosticSink } from "../source/index.ts";
import { childOrNew } from "./label-tree.ts";
import { nodeByRef, treeIndex } from "./lookup.ts";
import { DtProperty, PropertyValue, type DeviceTree, type DtNode, type Marker } from "./model.ts";

type Ref = Extract<Marker, { kind: "phandleRef" }>;

/** Every phandle reference of the live tree in pre-order, with whether it resolves now. */
function* phandleRefs(tree: DeviceTree): IterableIterator<{ node: DtNode; prop: DtProperty; marker: Ref; target: DtNode | undefined }> {
  const index = treeIndex(tree);
  for (const node of tree.root.walk()) {
    for (const prop of node.properties) {
      for (const m of prop.value.markers) {
        if (m.kind === "phandleRef") yield { node, prop, marker: m, target: nodeByRef(tree.root, index, m.ref) };
      }
    }
  }
}

function appendMarked(prop: DtProperty, marker: Marker, data: Uint8Array): void {
  const old = prop.value.bytes;
  const bytes = new Uint8Array(old.length + data.length);
  bytes.set(old, 0);
  bytes.set(data, old.length);
  // A new value, not an edit of this one: values without references may be shared between
  // properties, and simple values share frozen marker lists (see simple-values.ts).
  prop.value = new PropertyValue(bytes, [...prop.value.markers, marker]);
}

/** dtc's append_unique_str_to_property; false when existing content is not a string list. */
function appendUniqueString(node: DtNode, name: string, text: string): boolean {
  const data = Uint8Array.from(Array.from(text + "\0", (c) => c.charCodeAt(0) & 0xff));
  let prop = node.property(name);
  if (prop) {
    const v = prop.value.bytes;
    if (v.length > 0 && v[v.length - 1] !== 0) return false;
    const existing = Buffer.from(v.buffer, v.byteOffset, v.length).toString("latin1").split("\0");
    existing.pop();
    if (existing.includes(text)) return true;
  } else {
    prop = new DtProperty(name, PropertyValue.empty(), [], undefined);
    node.appendProperty(prop);
  }
  appendMarked(prop, { kind: "type", offset: prop.value.length, type: "string" }, data);
  return true;
}

/** dtc's append_unique_u32_to_property; false when existing content is not a u32 list. */
function appendUniqueU32(node: DtNode, name: string, value: number): boolean {
  let prop = node.property(name);
  const data = new Uint8Array([(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]);
  if (prop) {
    const v = prop.value.bytes;
    if (v.length % 4 !== 0) return false;
    for (let i = 0; i < v.length; i += 4) {
      if (v[i] === data[0] && v[i + 1] === data[1] && v[i + 2] === data[2] && v[i + 3] === data[3]) return true;
    }
  } else {
    prop = new DtProperty(name, PropertyValue.empty(), [], undefined);
    node.appendProperty(prop);
  }
  appendMarked(prop, { kind: "type", offset: prop.value.length, type: "u32" }, data);
  return true;
}

function malformed(sink: DiagnosticSink, name: string): void {
  sink.warning("fixups", `Preexisting data in ${name} malformed, some content could not be added.`);
}

function generateFixupsNode(tree: DeviceTree, sink: DiagnosticSink): boolean {
  let any = false;
  for (const r of phandleRefs(tree)) if (!r.target) { any = true; break; }
  if (!any) return true;
  const fn = childOrNew(tree.root, "__fixups__");
  let ok = true;
  for (const { node, prop, marker, target } of phandleRefs(tree)) {
    if (target) continue;
    if (marker.ref.includes("/")) {
      sink.error("fixups", `Can't generate fixup for reference to path &{${marker.ref}}`, marker.span);
      return false;
    }
    const path = node.path;
    if (path.includes(":") || prop.name.includes(":")) {
      sink.error("fixups", "arguments should not contain ':'", prop.span ?? node.spans[0]);
      return false;
    }
    if (!appendUniqueString(fn, marker.ref, `${path}:${prop.name}:${marker.offset}`)) ok = false;
  }
  if (!ok) malformed(sink, "__fixups__");
  return true;
}

function generateLocalFixupsNode(tree: DeviceTree, sink: DiagnosticSink): void {
  let any = false;
  for (const r of phandleRefs(tree)) if (r.target) { any = true; break; }
  if (!any) return;
  const lfn = childOrNew(tree.root, "__local_fixups__");
  let ok = true;
  for (const { node, prop, marker, target } of phandleRefs(tree)) {
    if (!target) continue;
    const names: string[] = [];
    for (let n: DtNode | null = node; n && n.parent; n = n.parent) names.push(n.name);
    let wn = lfn;
    for (let i = names.length - 1; i >= 0; i--) wn = childOrNew(wn, names[i]!);
    if (!appendUniqueU32(wn, prop.name, marker.offset)) ok = false;
  }
  if (!ok) malformed(sink, "__local_fixups__");
}

/**
 * `__fixups__` then `__local_fixups__`, as dtc.c does for plugins (and `-L`). A reference to an
 * unresolved path cannot be a fixup: error (dtc 1.8.1 dies), and nothing more is generated.
 */
export function generateFixups(tree: DeviceTree, sink: DiagnosticSink): void {
  if (!generateFixupsNode(tree, sink)) return;
  generateLocalFixupsNode(tree, sink);
}
