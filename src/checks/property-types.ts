// Type checks on well-known properties: single cells, strings, string lists (checks.c
// check_is_cell / check_is_string / check_is_string_list and their users).
import type { DtNode } from "../tree/model.ts";
import type { CheckContext, CheckDefinition, CheckLevel } from "./types.ts";
import { isOneString, isStringList } from "./values.ts";

export function isCellCheck(name: string, propName: string, level: CheckLevel = "warning"): CheckDefinition {
  return {
    name,
    defaultLevel: level,
    prerequisites: [],
    onlyWithProperty: propName,
    node: (ctx, node) => {
      const p = node.property(propName);
      if (p && p.value.length !== 4) ctx.fail(node, p, "property is not a single cell");
    },
  };
}

/** check_is_string on one named property of `node` (also used by the chosen checks). */
export function checkIsString(ctx: CheckContext, node: DtNode, propName: string): void {
  const p = node.property(propName);
  if (p && !isOneString(p.value.bytes)) ctx.fail(node, p, "property is not a string");
}

function isStringCheck(name: string, propName: string): CheckDefinition {
  return { name, defaultLevel: "warning", prerequisites: [], onlyWithProperty: propName, node: (ctx, node) => checkIsString(ctx, node, propName) };
}

function checkIsStringList(ctx: CheckContext, node: DtNode, propName: string): void {
  const p = node.property(propName);
  if (p && !isStringList(p.value.bytes)) ctx.fail(node, p, "property is not a string list");
}

/** Every `*-names` property; dtc looks each up by name again, so a duplicate name checks the first. */
function namesIsStringList(ctx: CheckContext, node: DtNode): void {
  for (const p of node.properties) if (p.name.endsWith("-names")) checkIsStringList(ctx, node, p.name);
}

export const cellsAndStringsChecks: readonly CheckDefinition[] = [
  isCellCheck("address_cells_is_cell", "#address-cells"),
  isCellCheck("size_cells_is_cell", "#size-cells"),
  isStringCheck("device_type_is_string", "device_type"),
  isStringCheck("model_is_string", "model"),
  isStringCheck("status_is_string", "status"),
  isStringCheck("label_is_string", "label"),
  {
    name: "compatible_is_string_list",
    defaultLevel: "warning",
    prerequisites: [],
    onlyWithProperty: "compatible",
    node: (ctx, node) => checkIsStringList(ctx, node, "compatible"),
  },
  { name: "names_is_string_list", defaultLevel: "warning", prerequisites: [], node: namesIsStringList },
];
