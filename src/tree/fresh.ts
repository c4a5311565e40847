// A newly parsed block (`{ ... };`) as dtc's build_node makes it, before it is merged into the
// tree: properties in source order (a `/delete-property/` becomes a deleted placeholder), children
// in source order (a `/delete-node/ name;` becomes a deleted placeholder). Iterative over depth.
import type { DeleteNode, DeleteProperty, Label, NodeBody, NodeDef, PropertyDef } from "../../grammar/ast.ts";
import type { Span } from "../source/index.ts";
import { addSourceLabels } from "./labels.ts";
import { DtNode, DtProperty, NO_LABELS, PropertyValue } from "./model.ts";
import { encodeSimpleValue } from "./simple-values.ts";
import { buildPropertyValue, type ValueContext } from "./values.ts";

/** dtc's property position: from the name (labels excluded) to the `;`. */
function propertySpan(def: PropertyDef): Span {
  if (def.labels.length === 0) return def.span;
  const s = def.nameSpan;
  return s.file === def.span.file ? { file: s.file, start: s.start, end: def.span.end } : s;
}

/** A `/delete-property/` in a block: a deleted placeholder (see buildProperties). */
export function deletedPropertyPlaceholder(p: DeleteProperty): DtProperty {
  // dtc keeps labels written before `/delete-property/` on the placeholder; they only matter
  // if a later merge revives it (the placeholder stays in a block that defines its node).
  const prop = new DtProperty(p.name, PropertyValue.empty(), [], undefined);
  prop.deleted = true;
  if (p.labels) addSourceLabels(prop, p.labels);
  return prop;
}

/** One `name = value;` of a block. */
export function buildProperty(p: PropertyDef, ctx: ValueContext): DtProperty {
  // Most properties have no labels: they share one frozen empty list (addLabel replaces an
  // empty list rather than growing it).
  const prop = new DtProperty(p.name, encodeSimpleValue(p, ctx.sharedValues) ?? buildPropertyValue(p.value, ctx), p.labels.length === 0 ? NO_LABELS : [], propertySpan(p));
  addSourceLabels(prop, p.labels);
  return prop;
}

function buildProperties(node: DtNode, body: NodeBody, ctx: ValueContext): void {
  for (const p of body.properties) node.appendProperty(p.kind === "deleteProperty" ? deletedPropertyPlaceholder(p) : buildProperty(p, ctx));
}

/** `/delete-node/ name;` in a block: a deleted node, with any labels and omit mark written before it. */
export function deletedPlaceholder(def: DeleteNode): DtNode {
  const n = new DtNode(def.name, def.span);
  n.deleted = true;
  n.omitIfNoRef = def.omitIfNoRef ?? false;
  if (def.labels) addSourceLabels(n, def.labels);
  return n;
}

/**
 * Builds the node for one block. `name` is "" for the root and for `&ref { ... }` blocks (dtc
 * names them only when they become an overlay fragment's `__overlay__`).
 */
export function buildFreshNode(name: string, body: NodeBody, labels: readonly Label[], omitIfNoRef: boolean, ctx: ValueContext): DtNode {
  const top = new DtNode(name, body.span);
  top.omitIfNoRef = omitIfNoRef;
  buildProperties(top, body, ctx);
  const stack: { node: DtNode; body: NodeBody; next: number }[] = [{ node: top, body, next: 0 }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.body.children.length) {
      stack.pop();
      continue;
    }
    const def: NodeDef | DeleteNode = frame.body.children[frame.next++]!;
    if (def.kind === "deleteNode") {
      frame.node.appendChild(deletedPlaceholder(def));
      continue;
    }
    const child = new DtNode(def.name, def.body.span);
    child.omitIfNoRef = def.omitIfNoRef;
    addSourceLabels(child, def.labels);
    frame.node.appendChild(child);
    buildProperties(child, def.body, ctx);
    stack.push({ node: child, body: def.body, next: 0 });
  }
  addSourceLabels(top, labels);
  return top;
}
