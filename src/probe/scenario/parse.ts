// Reading a scenario file: JSON + schema (errors at the file's line), then checking that every
// device a step names exists in the device graph or is added by an earlier `pci-add` (unknown
// ones are named, with the line). Sizes and addresses are turned from their written forms
// ("64K", "0x80001000") into numbers here, for every reader of scenario files.
import type { DeviceGraph, PciHostBridge } from "../../graph/index.ts";
import { hotAddName, jsonValueOffsets, parseJsonInput } from "../../graph/index.ts";
import { SourceFile, span, type DiagnosticSink, type Span } from "../../source/index.ts";
import schema from "../../../schemas/scenario.schema.json" with { type: "json" };
import type { DmaBufferStep, Scenario, ScenarioStep } from "./types.ts";

export const scenarioSchema: object = schema;

/** "64K", "2MiB", "0x1000", 4096 -> bytes (K, M, G are powers of 1024, as the kernel's SZ_*). */
export function parseByteSize(v: number | string): number | undefined {
  if (typeof v === "number") return v;
  const m = /^(0x[0-9a-fA-F]+|[1-9][0-9]*)([KMG](?:iB)?)?$/.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]!);
  const unit = m[2] ? 1024 ** ("KMG".indexOf(m[2][0]!) + 1) : 1;
  const bytes = n * unit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** A step as the schema accepted it (sizes and addresses still as written). */
export interface RawStep {
  readonly op: string;
  readonly [field: string]: unknown;
}

/**
 * A validated step in its typed shape: dma-map / dma-alloc sizes in bytes, `count` defaulting to
 * 1, `phys` as a bigint. `tooLarge` is called when a size does not fit a safe integer.
 */
export function normaliseStep(step: RawStep, tooLarge: (size: unknown) => void): ScenarioStep {
  if (step.op !== "dma-map" && step.op !== "dma-alloc") return step as unknown as ScenarioStep;
  const size = parseByteSize(step["size"] as number | string);
  if (size === undefined) tooLarge(step["size"]);
  const phys = step["phys"] === undefined ? undefined : BigInt(step["phys"] as number | string);
  const out: DmaBufferStep = {
    op: step.op,
    device: step["device"] as string,
    name: step["name"] as string,
    size: size ?? 0,
    count: (step["count"] as number | undefined) ?? 1,
    ...(step["mask"] !== undefined ? { mask: step["mask"] as number } : {}),
    ...(phys !== undefined ? { phys } : {}),
    ...(step["comment"] !== undefined ? { comment: step["comment"] as string } : {}),
  };
  return out;
}

export function parseScenario(text: string, fileName: string, sink: DiagnosticSink): Scenario | undefined {
  const value = parseJsonInput<{ steps: RawStep[]; modules?: string[] }>(text, fileName, schema, "scenario", sink);
  if (!value) return undefined;
  const file = new SourceFile(fileName, text);
  const offsets = jsonValueOffsets(text);
  const at = (pointer: string): Span | undefined => {
    const o = offsets.get(pointer);
    return o ? span(file, o.start, o.end) : undefined;
  };
  const before = sink.errorCount;
  const steps = value.steps.map((s, i) => normaliseStep(s, (size) => sink.error("scenario", `size ${JSON.stringify(size)} is too large`, at(`/steps/${i}/size`))));
  if (sink.errorCount > before) return undefined;
  const spans = value.steps.map((_, i) => ({ step: at(`/steps/${i}`) ?? span(file, 0, 1), device: at(`/steps/${i}/device`) }));
  return { file: fileName, steps, spans, ...(value.modules ? { modules: value.modules } : {}) };
}

/** Finds a device by dev_name or DT path. */
export function findScenarioDevice(graph: DeviceGraph, key: string) {
  if (key.startsWith("/")) {
    for (const dev of graph.byNode.values()) if (dev.path === key) return dev;
    return undefined;
  }
  return graph.devices.find((d) => d.name === key);
}

/** The host bridge a `pci-add` step goes behind: the one it names, or the board's only one. */
function bridgeOf(graph: DeviceGraph, path: string | undefined): PciHostBridge | string {
  if (path === undefined) return graph.hostBridges.length === 1 ? graph.hostBridges[0]! : `the board has ${graph.hostBridges.length === 0 ? "no PCI host bridge" : `${graph.hostBridges.length} PCI host bridges: name one with hostBridge`}`;
  return graph.hostBridges.find((b) => graph.byNode.get(b.node)?.path === path) ?? `no PCI host bridge at ${path}`;
}

/**
 * Every device a step names must exist (or be added by an earlier `pci-add`); unknown names are
 * errors at their line. A `pci-add` must name a host bridge the board has.
 */
export function checkScenario(scenario: Scenario, graph: DeviceGraph, sink: DiagnosticSink): boolean {
  let good = true;
  const names = new Set(graph.devices.map((d) => d.name));
  const paths = new Set<string>();
  for (const dev of graph.byNode.values()) paths.add(dev.path!);
  const known = (key: string) => (key.startsWith("/") ? paths.has(key) : names.has(key));
  scenario.steps.forEach((step, i) => {
    const where = scenario.spans[i]?.device ?? scenario.spans[i]?.step;
    if (step.op === "pci-add") {
      const b = bridgeOf(graph, step.hostBridge);
      if (typeof b === "string") {
        good = false;
        sink.error("scenario", `step ${i + 1} (pci-add): ${b}`, scenario.spans[i]?.step);
      } else names.add(hotAddName(b, step.function));
      return;
    }
    const keys: string[] = [];
    if ("device" in step && step.device !== undefined) keys.push(step.device);
    if (step.op === "expect" && "sameGroupAs" in step && step.sameGroupAs !== undefined) keys.push(step.sameGroupAs);
    for (const key of keys) {
      if (known(key)) continue;
      good = false;
      const near = [...names].filter((n) => n.includes(key) || key.includes(n.split(".").pop() ?? "\u0000")).slice(0, 3);
      sink.error("scenario", `step ${i + 1} (${step.op}): no device named ${JSON.stringify(key)}${near.length > 0 ? `; did you mean ${near.join(", ")}?` : ""}`, where);
    }
  });
  return good;
}
