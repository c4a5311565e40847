// Reading a scenario file: JSON + schema (errors at the file's line), then checking that every
// device a step names exists in the device graph (unknown ones are named, with the line).
import type { DeviceGraph } from "../../graph/index.ts";
import { jsonValueOffsets, parseJsonInput } from "../../graph/index.ts";
import { SourceFile, span, type DiagnosticSink, type Span } from "../../source/index.ts";
import schema from "../../../schemas/scenario.schema.json" with { type: "json" };
import type { Scenario, ScenarioStep } from "./types.ts";

export const scenarioSchema: object = schema;

export function parseScenario(text: string, fileName: string, sink: DiagnosticSink): Scenario | undefined {
  const value = parseJsonInput<{ steps: ScenarioStep[] }>(text, fileName, schema, "scenario", sink);
  if (!value) return undefined;
  const file = new SourceFile(fileName, text);
  const offsets = jsonValueOffsets(text);
  const at = (pointer: string): Span | undefined => {
    const o = offsets.get(pointer);
    return o ? span(file, o.start, o.end) : undefined;
  };
  const spans = value.steps.map((_, i) => ({ step: at(`/steps/${i}`) ?? span(file, 0, 1), device: at(`/steps/${i}/device`) }));
  return { file: fileName, steps: value.steps, spans };
}

/** Finds a device by dev_name or DT path. */
export function findScenarioDevice(graph: DeviceGraph, key: string) {
  if (key.startsWith("/")) {
    for (const dev of graph.byNode.values()) if (dev.path === key) return dev;
    return undefined;
  }
  return graph.devices.find((d) => d.name === key);
}

/** Every `device` a step names must exist; unknown names are errors at their line. */
export function checkScenario(scenario: Scenario, graph: DeviceGraph, sink: DiagnosticSink): boolean {
  let good = true;
  const names = new Set(graph.devices.map((d) => d.name));
  const paths = new Set<string>();
  for (const dev of graph.byNode.values()) paths.add(dev.path!);
  scenario.steps.forEach((step, i) => {
    const key = step.device;
    if (key === undefined) return;
    if (key.startsWith("/") ? paths.has(key) : names.has(key)) return;
    good = false;
    const near = [...names].filter((n) => n.includes(key) || key.includes(n.split(".").pop() ?? "\u0000")).slice(0, 3);
    sink.error("scenario", `step ${i + 1} (${step.op}): no device named ${JSON.stringify(key)}${near.length > 0 ? `; did you mean ${near.join(", ")}?` : ""}`, scenario.spans[i]?.device ?? scenario.spans[i]?.step);
  });
  return good;
}
