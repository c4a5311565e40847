// Structural checks (checks.c "Structural check functions"): duplicate names, name characters and
// format, the `name` property. dtc compares siblings pairwise; here maps give the same messages in
// the same order in linear time (plus the size of the output, which the diagnostic limit bounds:
// pairs past it are counted, not visited).
import type { DtNode, GhostChild } from "../tree/model.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";
import { baseNameLength, charSet, cString, DIGITS, isOneString, LOWERCASE, spanOf, unitName, UPPERCASE } from "./values.ts";

const NODE_CHARS = charSet(LOWERCASE + UPPERCASE + DIGITS + ",._+-@");
const PROP_CHARS = charSet(LOWERCASE + UPPERCASE + DIGITS + ",._+*#?-");
const STRICT_CHARS = charSet(LOWERCASE + UPPERCASE + DIGITS + ",-");

/** Groups indices of `items` by key, in first-seen order (only groups with more than one item matter). */
function groupIndices<T>(items: readonly T[], key: (item: T) => string): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (let i = 0; i < items.length; i++) {
    const k = key(items[i]!);
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  }
  return groups;
}

type Sibling = { readonly live: DtNode } | { readonly ghost: GhostChild };

/** dtc's raw sibling list: live children with the deleted ones it still holds, in list order. */
function rawSiblings(node: DtNode): Sibling[] {
  const ghosts = node.ghosts ?? [];
  if (ghosts.length === 0) return node.children.map((live) => ({ live }));
  const out: Sibling[] = [];
  let g = 0;
  node.children.forEach((live, k) => {
    while (g < ghosts.length && ghosts[g]!.index <= k) out.push({ ghost: ghosts[g++]! });
    out.push({ live });
  });
  while (g < ghosts.length) out.push({ ghost: ghosts[g++]! });
  return out;
}

const siblingName = (s: Sibling): string => ("live" in s ? s.live.name : s.ghost.name);

/**
 * dtc: for each (live) child, for each later sibling with the same name, FAIL on the later one.
 * The later sibling may be a deleted node dtc still lists (`/ { n {}; /delete-node/ n; };` reports
 * "(null): Duplicate node name"). Messages follow dtc's loop order: (c1,c2), (c1,c3), (c2,c3).
 */
function duplicateNodeNames(ctx: CheckContext, node: DtNode): void {
  if (node.children.length === 0) return;
  const raw = rawSiblings(node);
  if (raw.length < 2) return;
  const distinct = new Set<string>();
  for (const r of raw) distinct.add(siblingName(r));
  if (distinct.size === raw.length) return;
  const groups = groupIndices(raw, siblingName);
  const positionInGroup = new Map<number, { group: number[]; at: number }>();
  for (const g of groups.values()) if (g.length > 1) g.forEach((idx, at) => positionInGroup.set(idx, { group: g, at }));
  if (positionInGroup.size === 0) return;
  for (let i = 0; i < raw.length; i++) {
    const p = positionInGroup.get(i);
    if (!p || !("live" in raw[i]!)) continue;
    for (let j = p.at + 1; j < p.group.length; j++) {
      // Past what is shown, the rest of this node's pairs are counted in one step.
      if (!ctx.showsMore()) {
        ctx.countFailures(p.group.length - j);
        break;
      }
      const later = raw[p.group[j]!]!;
      if ("live" in later) ctx.fail(later.live, undefined, "Duplicate node name");
      else ctx.failDeleted(later.ghost.path, later.ghost.span, "Duplicate node name");
    }
  }
}

/** dtc: for each property, one FAIL on it per later property of the same name. */
function duplicatePropertyNames(ctx: CheckContext, node: DtNode): void {
  const props = node.properties;
  if (props.length < 2) return;
  if (props.length <= 16) {
    // dtc's own pairwise loop: cheaper than maps for the usual handful of properties.
    for (let i = 0; i < props.length; i++)
      for (let j = i + 1; j < props.length; j++) if (props[i]!.name === props[j]!.name) ctx.fail(node, props[i], "Duplicate property name");
    return;
  }
  const total = new Map<string, number>();
  for (const p of props) total.set(p.name, (total.get(p.name) ?? 0) + 1);
  const seen = new Map<string, number>();
  for (const p of props) {
    const before = seen.get(p.name) ?? 0;
    seen.set(p.name, before + 1);
    ctx.failTimes(node, p, "Duplicate property name", total.get(p.name)! - before - 1);
  }
}

function nodeNameChars(ctx: CheckContext, node: DtNode): void {
  const n = spanOf(node.name, NODE_CHARS);
  if (n < node.name.length) ctx.fail(node, undefined, `Bad character '${node.name[n]}' in node name`);
}

function nodeNameCharsStrict(ctx: CheckContext, node: DtNode): void {
  const n = spanOf(node.name, STRICT_CHARS);
  if (n < baseNameLength(node.name)) ctx.fail(node, undefined, `Character '${node.name[n]}' not recommended in node name`);
}

function nodeNameFormat(ctx: CheckContext, node: DtNode): void {
  if (unitName(node.name).includes("@")) ctx.fail(node, undefined, "multiple '@' characters in node name");
}

/** dtc 1.8: a node name must have a base name (`@1` alone is rejected); the root is exempt. */
function nodeNameNotEmpty(ctx: CheckContext, node: DtNode): void {
  if (node.parent && baseNameLength(node.name) === 0) ctx.fail(node, undefined, "Empty node name");
}

function nodeNameVsPropertyName(ctx: CheckContext, node: DtNode): void {
  if (node.parent && node.parent.property(node.name)) ctx.fail(node, undefined, "node name and property name conflict");
}

function propertyNameChars(ctx: CheckContext, node: DtNode): void {
  for (const p of node.properties) {
    const n = spanOf(p.name, PROP_CHARS);
    if (n < p.name.length) ctx.fail(node, p, `Bad character '${p.name[n]}' in property name`);
  }
}

function propertyNameCharsStrict(ctx: CheckContext, node: DtNode): void {
  for (const p of node.properties) {
    let name = p.name;
    let n = spanOf(name, STRICT_CHARS);
    if (n === name.length) continue;
    if (name === "device_type") continue;
    // `#` is allowed at the start of the name, or right after a vendor prefix's comma.
    if (name[n] === "#" && (n === 0 || name[n - 1] === ",")) {
      name = name.slice(n + 1);
      n = spanOf(name, STRICT_CHARS);
    }
    if (n < name.length) ctx.fail(node, p, `Character '${name[n]}' not recommended in property name`);
  }
}

function nameIsString(ctx: CheckContext, node: DtNode): void {
  const p = node.property("name");
  if (p && !isOneString(p.value.bytes)) ctx.fail(node, p, "property is not a string");
}

/**
 * A wrong `name` property is an error; a correct one is redundant and dtc deletes it (so it is
 * not in the output).
 */
function nameProperties(ctx: CheckContext, node: DtNode): void {
  const p = node.property("name");
  if (!p) return;
  const baseLen = baseNameLength(node.name);
  const bytes = p.value.bytes;
  let same = bytes.length === baseLen + 1;
  for (let i = 0; same && i < baseLen; i++) same = bytes[i] === node.name.charCodeAt(i);
  if (!same) ctx.fail(node, undefined, `"name" property is incorrect ("${cString(bytes)}" instead of base node name)`);
  else node.removeProperty(p);
}

export const structureChecks: readonly CheckDefinition[] = [
  { name: "duplicate_node_names", defaultLevel: "error", prerequisites: [], node: duplicateNodeNames },
  { name: "duplicate_property_names", defaultLevel: "error", prerequisites: [], node: duplicatePropertyNames },
  { name: "node_name_chars", defaultLevel: "error", prerequisites: [], node: nodeNameChars },
  { name: "node_name_chars_strict", defaultLevel: "off", prerequisites: [], node: nodeNameCharsStrict },
  { name: "node_name_format", defaultLevel: "error", prerequisites: ["node_name_chars"], node: nodeNameFormat },
  { name: "node_name_not_empty", defaultLevel: "error", prerequisites: [], node: nodeNameNotEmpty },
  { name: "node_name_vs_property_name", defaultLevel: "warning", prerequisites: ["node_name_chars"], node: nodeNameVsPropertyName },
  { name: "property_name_chars", defaultLevel: "error", prerequisites: [], node: propertyNameChars },
  { name: "property_name_chars_strict", defaultLevel: "off", prerequisites: [], node: propertyNameCharsStrict },
  { name: "name_is_string", defaultLevel: "error", prerequisites: [], onlyWithProperty: "name", node: nameIsString },
  { name: "name_properties", defaultLevel: "error", prerequisites: ["name_is_string"], onlyWithProperty: "name", node: nameProperties },
];
