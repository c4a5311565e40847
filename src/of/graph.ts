// The OF graph helpers (drivers/of/property.c: for_each_endpoint_of_node, of_graph_get_remote_port_parent)
// and of_find_matching_node (drivers/of/base.c): how display drivers find the devices at the other
// end of their ports, and a driver finds a node anywhere in the tree.
import type { DtNode } from "../tree/model.ts";
import { compatibleList } from "./base.ts";
import { toOfNode, type OfNode } from "./handle.ts";
import type { PhandleIndex } from "./phandle.ts";
import { propertyU32 } from "./property.ts";

const dt = (np: OfNode): DtNode => np as unknown as DtNode;
const baseName = (n: DtNode) => n.name.split("@")[0]!;

/** for_each_endpoint_of_node: the `endpoint` children of every `port` (in `ports`, or directly below). */
function endpoints(np: DtNode): DtNode[] {
  const ports = np.children.find((c) => baseName(c) === "ports") ?? np;
  const out: DtNode[] = [];
  for (const port of ports.children) {
    if (baseName(port) !== "port") continue;
    for (const ep of port.children) if (baseName(ep) === "endpoint") out.push(ep);
  }
  return out;
}

/**
 * of_graph_get_remote_port_parent for each endpoint of `np`, in endpoint order: the node that holds
 * the port of the endpoint `remote-endpoint` names (above `ports` when there is one). Endpoints
 * without a remote are skipped, as the kernel's callers do.
 */
export function ofGraphRemotePortParents(phandles: PhandleIndex, np: OfNode): OfNode[] {
  const out: OfNode[] = [];
  for (const ep of endpoints(dt(np))) {
    const ph = propertyU32(ep, "remote-endpoint");
    const remote = ph === undefined ? undefined : phandles.get(ph);
    let parent = remote?.parent?.parent;
    if (parent && baseName(parent) === "ports") parent = parent.parent;
    if (parent) out.push(toOfNode(parent));
  }
  return out;
}

/** of_find_matching_node(NULL, matches): the first node of the tree (pre-order) with one of the compatibles. */
export function ofFindMatchingNode(anyNode: OfNode, compatibles: ReadonlySet<string>): OfNode | undefined {
  let root = dt(anyNode);
  while (root.parent) root = root.parent;
  const stack: DtNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (compatibleList(n).some((c) => compatibles.has(c))) return toOfNode(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return undefined;
}
