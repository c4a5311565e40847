// dtc's generate_label_tree: `-A` fills /aliases and `-@` fills /__symbols__ with one property per
// node label, `label = "/full/path"`; `-@` also gives every labelled node a phandle.
import type { DiagnosticSink } from "../source/index.ts";
import { decodeEscapes } from "./literals.ts";
import { liveChild } from "./lookup.ts";
import { DtNode, DtProperty, PropertyValue, type DeviceTree, type PhandleFormat } from "./model.ts";
import { getNodePhandle } from "./phandles.ts";

/** dtc's build_root_node: the live child of that name, or a new one appended last. */
export function childOrNew(parent: DtNode, name: string): DtNode {
  const existing = liveChild(parent, name);
  if (existing) return existing;
  const n = new DtNode(name);
  parent.appendChild(n);
  return n;
}

/** dtc's test `node->labels != NULL`: the list holds labels, live or deleted. */
function hasLabelList(n: DtNode): boolean {
  return n.labels.length > 0 || n.hasDeletedLabels;
}

/** data_copy_escape_string(path): the path with backslash escapes decoded, NUL-terminated. */
function pathValue(path: string): PropertyValue {
  const bytes = path.indexOf("\\") < 0 ? Array.from(path, (c) => c.charCodeAt(0) & 0xff) : decodeEscapes("\0" + path + "\0");
  bytes.push(0);
  return new PropertyValue(Uint8Array.from(bytes), [{ kind: "type", offset: 0, type: "string" }]);
}

function generateLabelTree(tree: DeviceTree, name: string, allocPhandles: PhandleFormat | undefined, sink: DiagnosticSink | undefined): void {
  let any = false;
  for (const n of tree.root.walk()) if (hasLabelList(n)) { any = true; break; }
  if (!any) return;
  const an = childOrNew(tree.root, name);
  for (const node of tree.root.walk()) {
    if (!hasLabelList(node)) continue;
    for (const label of node.labels) {
      if (an.property(label)) {
        // dtc prints this without a position (and without a newline).
        sink?.warning("label_tree", `label ${label} already exists in /${an.name}`);
        continue;
      }
      an.appendProperty(new DtProperty(label, pathValue(node.path), [], undefined));
    }
    if (allocPhandles) getNodePhandle(tree, node, allocPhandles);
  }
}

/** `-A`: /aliases entries from node labels (no phandles allocated). */
export function generateAliasesFromLabels(tree: DeviceTree, sink?: DiagnosticSink): void {
  generateLabelTree(tree, "aliases", undefined, sink);
}

/** `-@`: the /__symbols__ node, and a phandle for every labelled node. */
export function generateSymbols(tree: DeviceTree, opts: { phandleFormat: PhandleFormat }, sink?: DiagnosticSink): void {
  generateLabelTree(tree, "__symbols__", opts.phandleFormat, sink);
}
