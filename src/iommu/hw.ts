// `--hw FILE`: per-instance hardware limits (JSON, schemas/hw.schema.json).
import type { DiagnosticSink } from "../source/index.ts";
import { parseJsonInput } from "../graph/index.ts";
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
