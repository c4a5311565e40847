// `-O yaml`: the tree as dtc's yamltree.c encodes it (the form the dt-schema tools read), through
// libyaml's emitter (./yaml-emitter.ts): a one-document stream holding a sequence with the root
// node; each node a mapping of its properties, then its children by name; each property a flow
// sequence of its typed chunks (strings double-quoted, integers as `[0x..]` tagged `!u8`, `!u16`
// or `!u64` unless 32-bit, phandle cells tagged `!phandle`), an empty property `true`.
import type { DeviceTree, DtNode, DtProperty, Marker } from "../tree/model.ts";
import { YamlEmitter, type Event } from "./yaml-emitter.ts";

const STR_TAG = "tag:yaml.org,2002:str";
const INT_TAG = "tag:yaml.org,2002:int";
const BOOL_TAG = "tag:yaml.org,2002:bool";
const SEQ_TAG = "tag:yaml.org,2002:seq";
const MAP_TAG = "tag:yaml.org,2002:map";

/** What dtc refuses (it dies or asserts) while writing YAML. */
export class YamlWriteError extends Error {
  override name = "YamlWriteError";
}

type TypeMarker = Extract<Marker, { kind: "type" }>;

const WIDTH: Record<string, number> = { u8: 1, bytes: 1, u16: 2, u32: 4, u64: 8 };
const TAG: Record<number, string> = { 1: "!u8", 2: "!u16", 4: "!u32", 8: "!u64" };

function hexOf(bytes: Uint8Array, at: number, width: number): string {
  let v = 0n;
  for (let i = 0; i < width; i++) v = (v << 8n) | BigInt(bytes[at + i]!);
  return "0x" + v.toString(16);
}

function propertyEvents(prop: DtProperty, out: (e: Event) => void): void {
  out({ type: "scalar", tag: STR_TAG, value: prop.name, plainImplicit: true, quotedImplicit: true, style: "plain" });
  const bytes = prop.value.bytes;
  let len = bytes.length;
  if (len === 0) {
    out({ type: "scalar", tag: BOOL_TAG, value: "true", plainImplicit: true, quotedImplicit: false, style: "plain" });
    return;
  }
  // /incbin/ data has only dtc's TYPE_NONE marker (not kept here): no typed chunk, `[]`.
  const markers = [...prop.value.markers].sort((a, b) => a.offset - b.offset);
  const phandleAt = new Set<number>();
  for (const m of markers) if (m.kind === "phandleRef") phandleAt.add(m.offset);
  const types = markers.filter((m): m is TypeMarker => m.kind === "type");
  out({ type: "sequence-start", tag: SEQ_TAG, implicit: true, flow: true });
  for (let k = 0; k < types.length; k++) {
    const m = types[k]!;
    // dtc's type_marker_length: up to the next type marker, else what is left.
    const next = types[k + 1];
    const chunk = next ? next.offset - m.offset : len;
    // dtc's length bookkeeping assumes typed data from the first byte on; after untyped /incbin/
    // bytes it would read past the value.
    if (chunk <= 0 || m.offset + chunk > bytes.length) throw new YamlWriteError(`property '${prop.name}' mixes /incbin/ data with typed values, which dtc cannot write as YAML`);
    len -= chunk;
    if (m.type === "string") {
      let text = "";
      for (let i = m.offset; i < m.offset + chunk - 1; i++) {
        const b = bytes[i]!;
        // dtc asserts that strings are 7-bit ASCII (and aborts otherwise).
        if (b > 0x7f) throw new YamlWriteError(`property '${prop.name}' holds a string with a byte 0x${b.toString(16)} outside 7-bit ASCII, which dtc cannot write as YAML`);
        text += String.fromCharCode(b);
      }
      out({ type: "scalar", tag: STR_TAG, value: text, plainImplicit: false, quotedImplicit: true, style: "double" });
      continue;
    }
    const width = WIDTH[m.type]!;
    if (chunk % width !== 0) throw new YamlWriteError(`property '${prop.name}' has a ${chunk}-byte chunk of ${width}-byte elements`);
    out({ type: "sequence-start", tag: TAG[width], implicit: width === 4, flow: true });
    for (let off = 0; off < chunk; off += width) {
      const value = hexOf(bytes, m.offset + off, width);
      if (width === 4 && phandleAt.has(m.offset + off)) out({ type: "scalar", tag: "!phandle", value, plainImplicit: false, quotedImplicit: false, style: "plain" });
      else out({ type: "scalar", tag: INT_TAG, value, plainImplicit: true, quotedImplicit: true, style: "plain" });
    }
    out({ type: "sequence-end" });
  }
  out({ type: "sequence-end" });
}

/** dtc's dt_to_yaml, as text. */
export function writeYaml(tree: DeviceTree, write: (text: string) => void): void {
  const emitter = new YamlEmitter(write);
  const out = (e: Event) => emitter.emit(e);
  out({ type: "stream-start" });
  out({ type: "document-start", implicit: false });
  out({ type: "sequence-start", tag: SEQ_TAG, implicit: true, flow: false });
  // yaml_tree, without recursion: a frame per open node.
  const stack: { node: DtNode; next: number }[] = [];
  const open = (node: DtNode) => {
    out({ type: "mapping-start", tag: MAP_TAG, implicit: true, flow: false });
    for (const p of node.properties) propertyEvents(p, out);
    stack.push({ node, next: 0 });
  };
  open(tree.root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const kids = top.node.children;
    if (top.next < kids.length) {
      const child = kids[top.next++]!;
      out({ type: "scalar", tag: STR_TAG, value: child.name, plainImplicit: true, quotedImplicit: false, style: "plain" });
      open(child);
    } else {
      out({ type: "mapping-end" });
      stack.pop();
    }
  }
  out({ type: "sequence-end" });
  out({ type: "document-end", implicit: false });
  out({ type: "stream-end" });
}
