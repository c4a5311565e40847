// A node's full path built bottom-up without recursion (DtNode.path recurses once per level,
// and blobs can nest far deeper than the JS stack).
import type { DtNode } from "../tree/model.ts";

export function nodePath(node: DtNode): string {
  const names: string[] = [];
  for (let n: DtNode | null = node; n && n.parent; n = n.parent) names.push(n.name);
  return names.length === 0 ? "/" : "/" + names.reverse().join("/");
}
