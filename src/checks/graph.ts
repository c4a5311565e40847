// OF graph checks (ports, endpoints, remote-endpoint links). dtc 1.8 dropped graph_child_address.
import type { DtNode } from "../tree/model.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";
import { baseNameIs, hex32, isValidPhandle, propCell, unitName } from "./values.ts";

/** A node with an `endpoint` child (or a child with remote-endpoint) is a port. */
function graphNodes(ctx: CheckContext, node: DtNode): void {
  for (const child of node.children) {
    if (!baseNameIs(child.name, "endpoint") && !child.property("remote-endpoint")) continue;
    if (!node.parent) {
      ctx.fail(node, undefined, `root node contains endpoint node '${child.name}', potentially misplaced remote-endpoint property`);
      continue;
    }
    ctx.state.setBus(node, "graph-port");
    // The parent of ports is either a `ports` node or the device itself.
    if (!ctx.state.bus(node.parent) && (node.parent.name === "ports" || node.property("reg"))) ctx.state.setBus(node.parent, "graph-ports");
    break;
  }
}

function graphReg(ctx: CheckContext, node: DtNode): void {
  const prop = node.property("reg");
  if (!prop) return;
  if (prop.value.length !== 4) {
    ctx.fail(node, undefined, "graph node malformed 'reg' property");
    return;
  }
  const expected = hex32(propCell(prop));
  if (unitName(node.name) !== expected) ctx.fail(node, undefined, `graph node unit address error, expected "${expected}"`);
  // node.parent exists: ports and endpoints are never the root.
  const parent = node.parent!;
  const a = ctx.state.addressCells(parent);
  const s = ctx.state.sizeCells(parent);
  if (a !== 1) ctx.fail(node, node.property("#address-cells"), `graph node '#address-cells' is ${a}, must be 1`);
  if (s !== 0) ctx.fail(node, node.property("#size-cells"), `graph node '#size-cells' is ${s}, must be 0`);
}

function graphPort(ctx: CheckContext, node: DtNode): void {
  if (ctx.state.bus(node) !== "graph-port") return;
  graphReg(ctx, node);
  // Overlays may name ports after what they extend.
  if (ctx.tree.plugin) return;
  if (!baseNameIs(node.name, "port")) ctx.fail(node, undefined, "graph port node name should be 'port'");
}

function remoteEndpoint(ctx: CheckContext, endpoint: DtNode): DtNode | undefined {
  const prop = endpoint.property("remote-endpoint");
  if (!prop) return undefined;
  const phandle = propCell(prop);
  // An unresolved overlay reference.
  if (!isValidPhandle(phandle)) return undefined;
  const node = ctx.nodeByPhandle(phandle);
  if (!node) ctx.fail(endpoint, prop, "graph phandle is not valid");
  return node;
}

function graphEndpoint(ctx: CheckContext, node: DtNode): void {
  if (!node.parent || ctx.state.bus(node.parent) !== "graph-port") return;
  graphReg(ctx, node);
  if (ctx.tree.plugin) return;
  if (!baseNameIs(node.name, "endpoint")) ctx.fail(node, undefined, "graph endpoint node name should be 'endpoint'");
  const remote = remoteEndpoint(ctx, node);
  if (!remote) return;
  if (remoteEndpoint(ctx, remote) !== node) ctx.fail(node, undefined, `graph connection to node '${ctx.pathOf(remote)}' is not bidirectional`);
}

export const graphChecks: readonly CheckDefinition[] = [
  { name: "graph_nodes", defaultLevel: "warning", prerequisites: [], node: graphNodes },
  { name: "graph_port", defaultLevel: "warning", prerequisites: ["graph_nodes"], node: graphPort },
  { name: "graph_endpoint", defaultLevel: "warning", prerequisites: ["graph_nodes"], node: graphEndpoint },
];
