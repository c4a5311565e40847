// duplicate_label: one global namespace over node labels, property labels and value labels.
// dtc looks each label up with three whole-tree searches (node labels first, then property labels,
// then value labels, each returning the first in pre-order); one indexing pass gives the same
// answers.
import { HAS_LABEL } from "../tree/index.ts";
import type { DtNode, DtProperty, Marker } from "../tree/model.ts";
import { fullPath, preorder } from "./tree-access.ts";
import type { CheckContext, CheckDefinition } from "./types.ts";

type LabelMarker = Extract<Marker, { kind: "label" }>;

interface LabelSite {
  readonly node: DtNode;
  readonly prop: DtProperty | undefined;
  readonly mark: LabelMarker | undefined;
}

function describe(site: LabelSite): string {
  const path = fullPath(site.node);
  if (!site.prop) return path;
  return `${site.mark ? "value of " : ""}'${site.prop.name}' in ${path}`;
}

/**
 * True when some label name is defined more than once anywhere. A label defined once can only
 * find itself, so on the usual tree this one allocation-free pass is all the check costs.
 */
function anyLabelRepeats(nodes: readonly DtNode[]): boolean {
  const seen = new Set<string>();
  const add = (l: string): boolean => seen.size === seen.add(l).size;
  for (const node of nodes) {
    for (const l of node.labels) if (add(l)) return true;
    const props = node.properties;
    for (let i = 0; i < props.length; i++) {
      const prop = props[i]!;
      for (const l of prop.labels) if (add(l)) return true;
      if ((prop.value.markerKinds & HAS_LABEL) === 0) continue;
      const markers = prop.value.markers;
      for (let k = 0; k < markers.length; k++) {
        const m = markers[k]!;
        if (m.kind === "label" && add(m.name)) return true;
      }
    }
  }
  return false;
}

function checkDuplicateLabels(ctx: CheckContext): void {
  const nodes = preorder(ctx.tree.root);
  if (!anyLabelRepeats(nodes)) return;
  const byNode = new Map<string, LabelSite>();
  const byProp = new Map<string, LabelSite>();
  const byMark = new Map<string, LabelSite>();
  for (const node of nodes) {
    for (const l of node.labels) if (!byNode.has(l)) byNode.set(l, { node, prop: undefined, mark: undefined });
    for (const prop of node.properties) {
      for (const l of prop.labels) if (!byProp.has(l)) byProp.set(l, { node, prop, mark: undefined });
      for (const m of prop.value.markers) if (m.kind === "label" && !byMark.has(m.name)) byMark.set(m.name, { node, prop, mark: m });
    }
  }
  const check = (label: string, site: LabelSite): void => {
    const other = byNode.get(label) ?? byProp.get(label) ?? byMark.get(label);
    if (!other) return;
    if (other.node !== site.node || other.prop !== site.prop || other.mark !== site.mark)
      ctx.fail(site.node, undefined, `Duplicate label '${label}' on ${describe(site)} and ${describe(other)}`);
  };
  for (const node of nodes) {
    for (const l of node.labels) check(l, { node, prop: undefined, mark: undefined });
    for (const prop of node.properties) {
      for (const l of prop.labels) check(l, { node, prop, mark: undefined });
      for (const m of prop.value.markers) if (m.kind === "label") check(m.name, { node, prop, mark: m });
    }
  }
}

export const labelChecks: readonly CheckDefinition[] = [{ name: "duplicate_label", defaultLevel: "error", prerequisites: [], tree: checkDuplicateLabels }];
