// Reference resolution runs as checks in dtc (explicit phandles, phandle and path references,
// /omit-if-no-ref/ pruning). The passes themselves live in src/tree; here they take their place
// in the table, so prerequisites, levels and message positions work as for any other check.
import { checkExplicitPhandles, fixupPathReferences, fixupPhandleReferences, omitUnusedNodes } from "../tree/index.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";

function reporter(ctx: CheckContext) {
  return ctx.fail.bind(ctx);
}

export const referenceChecks: readonly CheckDefinition[] = [
  { name: "explicit_phandles", defaultLevel: "error", prerequisites: [], tree: (ctx) => checkExplicitPhandles(ctx.tree, reporter(ctx)) },
  {
    name: "phandle_references",
    defaultLevel: "error",
    prerequisites: ["duplicate_node_names", "explicit_phandles"],
    tree: (ctx) => fixupPhandleReferences(ctx.tree, { phandleFormat: ctx.options.phandleFormat }, reporter(ctx)),
  },
  { name: "path_references", defaultLevel: "error", prerequisites: ["duplicate_node_names"], tree: (ctx) => fixupPathReferences(ctx.tree, reporter(ctx)) },
  {
    name: "omit_unused_nodes",
    defaultLevel: "error",
    prerequisites: ["phandle_references", "path_references"],
    tree: (ctx) => omitUnusedNodes(ctx.tree, { symbols: ctx.options.symbols }),
  },
];
