// /chosen and /aliases checks.
import type { DtNode } from "../tree/model.ts";
import { checkIsString } from "./property-types.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";
import { charSet, cString, DIGITS, LOWERCASE, printedString, spanOf } from "./values.ts";

function obsoleteChosenInterruptController(ctx: CheckContext, node: DtNode): void {
  if (node !== ctx.tree.root) return;
  const chosen = ctx.nodeByPath("/chosen");
  const prop = chosen?.property("interrupt-controller");
  // Reported against the root with the /chosen property's position, as dtc does.
  if (prop) ctx.fail(node, prop, '/chosen has obsolete "interrupt-controller" property');
}

function chosenNodeIsRoot(ctx: CheckContext, node: DtNode): void {
  if (node.name === "chosen" && node.parent !== ctx.tree.root) ctx.fail(node, undefined, "chosen node must be at root node");
}

function chosenNodeBootargs(ctx: CheckContext, node: DtNode): void {
  if (node.name === "chosen") checkIsString(ctx, node, "bootargs");
}

function chosenNodeStdoutPath(ctx: CheckContext, node: DtNode): void {
  if (node.name !== "chosen") return;
  let prop = node.property("stdout-path");
  if (!prop) {
    prop = node.property("linux,stdout-path");
    if (!prop) return;
    ctx.fail(node, prop, "Use 'stdout-path' instead");
  }
  checkIsString(ctx, node, prop.name);
}

const ALIAS_NAME_CHARS = charSet(LOWERCASE + DIGITS + "-");

function aliasPaths(ctx: CheckContext, node: DtNode): void {
  if (node.name !== "aliases") return;
  for (const prop of node.properties) {
    if (prop.name === "phandle" || prop.name === "linux,phandle") continue;
    const bytes = prop.value.bytes;
    if (bytes.length === 0 || !ctx.nodeByPath(cString(bytes))) {
      ctx.fail(node, prop, `aliases property is not a valid node (${printedString(bytes)})`);
      continue;
    }
    if (spanOf(prop.name, ALIAS_NAME_CHARS) !== prop.name.length) ctx.fail(node, undefined, "aliases property name must include only lowercase and '-'");
  }
}

export const chosenChecks: readonly CheckDefinition[] = [
  { name: "obsolete_chosen_interrupt_controller", defaultLevel: "warning", prerequisites: [], node: obsoleteChosenInterruptController },
  { name: "chosen_node_is_root", defaultLevel: "warning", prerequisites: [], onlyNamed: "chosen", node: chosenNodeIsRoot },
  { name: "chosen_node_bootargs", defaultLevel: "warning", prerequisites: [], onlyNamed: "chosen", node: chosenNodeBootargs },
  { name: "chosen_node_stdout_path", defaultLevel: "warning", prerequisites: [], onlyNamed: "chosen", node: chosenNodeStdoutPath },
];

export const aliasChecks: readonly CheckDefinition[] = [{ name: "alias_paths", defaultLevel: "warning", prerequisites: [], onlyNamed: "aliases", node: aliasPaths }];
