// `--hw FILE`: per-instance hardware limits (JSON, schemas/hw.schema.json), and their check
// against the board.
import type { DiagnosticSink, Span } from "../source/index.ts";
import { jsonSpan, parseJsonInput } from "../graph/index.ts";
import { ofCompatible, ofPropertyPresent, type OfNode } from "../of/index.ts";
import { iommuMatchForCompatible } from "./table.ts";
import schema from "../../schemas/hw.schema.json" with { type: "json" };
import type { LimitValue } from "./types.ts";

export interface HwOverrides {
  readonly instances: readonly { readonly node: string; readonly limits: Readonly<Record<string, LimitValue>> }[];
}

export const hwSchema: object = schema;

export function parseHwOverrides(text: string, fileName: string, sink: DiagnosticSink): HwOverrides | undefined {
  return parseJsonInput<HwOverrides>(text, fileName, schema, "hw", sink);
}

/** Limits given for one node path (later entries win). */
export function overridesFor(hw: HwOverrides | undefined, path: string): Record<string, LimitValue> {
  const out: Record<string, LimitValue> = {};
  for (const i of hw?.instances ?? []) if (i.node === path) Object.assign(out, i.limits);
  return out;
}

const lineOf = (s: Span | undefined): string => (s ? `line ${s.file.positionAt(s.start).line}` : "an earlier entry");

/**
 * Checks `--hw` entries against the board, so that every entry is used or reported at its line:
 * a path the board does not have, or a node that is no IOMMU (error: the limits would go
 * nowhere); an IOMMU no modelled driver matches, or a limit its driver model does not have
 * (warning: not used); the same node twice (warning: its limits are merged, later ones win).
 */
export function checkHwOverrides(hw: HwOverrides, nodeAt: (path: string) => OfNode | undefined, sink: DiagnosticSink): void {
  const code = "hw";
  const seen = new Map<string, HwOverrides["instances"][number]>();
  for (const entry of hw.instances) {
    const at = jsonSpan(entry, "node");
    const earlier = seen.get(entry.node);
    if (earlier) sink.warning(code, `${entry.node} is listed twice (also at ${lineOf(jsonSpan(earlier, "node"))}): the limits are merged, the later entry's win`, at);
    else seen.set(entry.node, entry);
    const node = nodeAt(entry.node);
    if (!node) {
      sink.error(code, `${entry.node}: the board has no such node`, at);
      continue;
    }
    const row = iommuMatchForCompatible(ofCompatible(node));
    if (!row && !ofPropertyPresent(node, "#iommu-cells")) {
      sink.error(code, `${entry.node} is not an IOMMU (no #iommu-cells, and no modelled IOMMU driver matches its compatible)`, at);
      continue;
    }
    if (!row) {
      sink.warning(code, `${entry.node}: no modelled IOMMU driver matches its compatible, so its limits are not used`, at);
      continue;
    }
    for (const name of Object.keys(entry.limits)) {
      if (name in row.defaults) continue;
      const known = Object.keys(row.defaults).sort().join(", ");
      sink.warning(code, `${entry.node}: the ${row.driver.name} model (${row.model}) has no limit '${name}' (it has ${known}); not used`, jsonSpan(entry.limits, name) ?? at);
    }
  }
}
