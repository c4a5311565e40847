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

/**
 * Values dtc appends one by one to a property of a generated node (append_unique_str_to_property
 * / append_unique_u32_to_property): each is added once, with a type marker, unless the existing
 * content does not look like a list of that kind. dtc rescans and regrows the value at every
 * append; here a set answers "already there" and the value is written once at the end, so 30,000
 * references cost linear time.
 */
class UniqueAppender {
  private readonly seen = new Set<string | number>();
  private readonly chunks: Uint8Array[] = [];
  private readonly markers: Marker[];
  private length: number;
  /** The existing content is not a list of this kind: nothing can be added. */
  private readonly malformed: boolean;

  constructor(
    private readonly prop: DtProperty,
    private readonly kind: "string" | "u32",
  ) {
    const v = prop.value.bytes;
    this.length = v.length;
    this.markers = [...prop.value.markers];
    this.chunks.push(v);
    if (kind === "string") {
      this.malformed = v.length > 0 && v[v.length - 1] !== 0;
      if (!this.malformed) {
        const existing = Buffer.from(v.buffer, v.byteOffset, v.length).toString("latin1").split("\0");
        existing.pop();
        for (const e of existing) this.seen.add(e);
      }
    } else {
      this.malformed = v.length % 4 !== 0;
      if (!this.malformed) for (let i = 0; i < v.length; i += 4) this.seen.add(prop.value.u32At(i));
    }
  }

  /** Appends unless present; false when the existing content is malformed. */
  add(item: string | number): boolean {
    if (this.malformed) return false;
    if (this.seen.has(item)) return true;
    this.seen.add(item);
    let data: Uint8Array;
    if (typeof item === "string") data = Uint8Array.from(Array.from(item + "\0", (c) => c.charCodeAt(0) & 0xff));
    else data = new Uint8Array([(item >>> 24) & 0xff, (item >>> 16) & 0xff, (item >>> 8) & 0xff, item & 0xff]);
    this.markers.push({ kind: "type", offset: this.length, type: this.kind });
    this.chunks.push(data);
    this.length += data.length;
    return true;
  }

  /** Writes the grown value (a new PropertyValue: values may be shared, see model.ts). */
  finish(): void {
    if (this.chunks.length === 1) return;
    const bytes = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    this.prop.value = new PropertyValue(bytes, this.markers);
  }
}

/** The appenders of one generated tree, by node and property name, finished together. */
class Appenders {
  private readonly byNode = new Map<DtNode, Map<string, UniqueAppender>>();
  private readonly all: UniqueAppender[] = [];

  /** The property's appender; the property is made (empty, appended last) when it is missing. */
  of(node: DtNode, name: string, kind: "string" | "u32"): UniqueAppender {
    let names = this.byNode.get(node);
    if (names === undefined) this.byNode.set(node, (names = new Map()));
    let a = names.get(name);
    if (a === undefined) {
      let prop = node.property(name);
      if (!prop) {
        prop = new DtProperty(name, PropertyValue.empty(), [], undefined);
        node.appendProperty(prop);
      }
      a = new UniqueAppender(prop, kind);
      names.set(name, a);
      this.all.push(a);
    }
    return a;
  }

  finish(): void {
    for (const a of this.all) a.finish();
  }
}

function malformed(sink: DiagnosticSink, name: string): void {
  sink.warning("fixups", `Preexisting data in ${name} malformed, some content could not be added.`);
}

function generateFixupsNode(tree: DeviceTree, sink: DiagnosticSink): boolean {
  let any = false;
  for (const r of phandleRefs(tree)) if (!r.target) { any = true; break; }
  if (!any) return true;
  const fn = childOrNew(tree.root, "__fixups__");
  const appenders = new Appenders();
  let ok = true;
  let pathOf: DtNode | undefined;
  let path = "";
  for (const { node, prop, marker, target } of phandleRefs(tree)) {
    if (target) continue;
    if (marker.ref.includes("/")) {
      sink.error("fixups", `Can't generate fixup for reference to path &{${marker.ref}}`, marker.span);
      appenders.finish();
      return false;
    }
    if (pathOf !== node) {
      pathOf = node;
      path = node.path;
    }
    if (path.includes(":") || prop.name.includes(":")) {
      sink.error("fixups", "arguments should not contain ':'", prop.span ?? node.spans[0]);
      appenders.finish();
      return false;
    }
    if (!appenders.of(fn, marker.ref, "string").add(`${path}:${prop.name}:${marker.offset}`)) ok = false;
  }
  appenders.finish();
  if (!ok) malformed(sink, "__fixups__");
  return true;
}

function generateLocalFixupsNode(tree: DeviceTree, sink: DiagnosticSink): void {
  let any = false;
  for (const r of phandleRefs(tree)) if (r.target) { any = true; break; }
  if (!any) return;
  const lfn = childOrNew(tree.root, "__local_fixups__");
  const appenders = new Appenders();
  let ok = true;
  let mirrorOf: DtNode | undefined;
  let mirror = lfn;
  for (const { node, prop, marker, target } of phandleRefs(tree)) {
    if (!target) continue;
    if (mirrorOf !== node) {
      const names: string[] = [];
      for (let n: DtNode | null = node; n && n.parent; n = n.parent) names.push(n.name);
      let wn = lfn;
      for (let i = names.length - 1; i >= 0; i--) wn = childOrNew(wn, names[i]!);
      mirrorOf = node;
      mirror = wn;
    }
    if (!appenders.of(mirror, prop.name, "u32").add(marker.offset)) ok = false;
  }
  appenders.finish();
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
