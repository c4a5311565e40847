// Shared helpers for the tree tests: build a hand-made AST, run dtc's reference passes in check
// order, and read values back.
import type { DtsDocument } from "../../grammar/ast.ts";
import { DiagnosticSink, memoryFileHost, type FileHost } from "../../src/source/index.ts";
import {
  buildTree,
  checkExplicitPhandles,
  fixupPathReferences,
  fixupPhandleReferences,
  omitUnusedNodes,
  type DeviceTree,
  type DtNode,
  type PhandleFormat,
} from "../../src/tree/index.ts";

export function build(d: DtsDocument, host: FileHost = memoryFileHost({})): { tree: DeviceTree | undefined; sink: DiagnosticSink } {
  const sink = new DiagnosticSink();
  const tree = buildTree(d, { host, includeDirs: [] }, sink);
  return { tree, sink };
}

export function mustBuild(d: DtsDocument, host?: FileHost): DeviceTree {
  const { tree, sink } = build(d, host);
  if (!tree) throw new Error("build failed: " + sink.items.map((i) => i.message).join("; "));
  return tree;
}

export interface Problem {
  readonly check: string;
  readonly path: string;
  readonly prop: string | undefined;
  readonly message: string;
}

/** explicit_phandles, phandle_references, path_references, omit_unused_nodes, as dtc runs them. */
export function resolve(tree: DeviceTree, opts: { phandleFormat?: PhandleFormat; symbols?: boolean } = {}): Problem[] {
  const problems: Problem[] = [];
  const rep = (check: string) => (node: DtNode, prop: { name: string } | undefined, message: string) => problems.push({ check, path: node.path, prop: prop?.name, message });
  checkExplicitPhandles(tree, rep("explicit_phandles"));
  fixupPhandleReferences(tree, { phandleFormat: opts.phandleFormat ?? "epapr" }, rep("phandle_references"));
  fixupPathReferences(tree, rep("path_references"));
  omitUnusedNodes(tree, { symbols: opts.symbols ?? false });
  return problems;
}

export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex");
}

export function at(tree: DeviceTree, path: string): DtNode {
  let n = tree.root;
  for (const c of path.split("/").filter(Boolean)) {
    const next = n.children.find((x) => x.name === c);
    if (!next) throw new Error(`no node ${path}`);
    n = next;
  }
  return n;
}

export function propHex(tree: DeviceTree, path: string, name: string): string | undefined {
  const p = at(tree, path).properties.find((x) => x.name === name);
  return p && hexOf(p.value.bytes);
}

export function propNames(n: DtNode): string[] {
  return n.properties.map((p) => p.name);
}

export function childNames(n: DtNode): string[] {
  return n.children.map((c) => c.name);
}

export function messages(sink: DiagnosticSink): string[] {
  return sink.items.map((i) => `${i.severity}:${i.message}`);
}
