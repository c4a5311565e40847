// One run of the emulated kernel: boot (every initcall level up to the deferred probe timeout),
// then, when given, the runtime scenario, then the result.
import type { DeviceGraph } from "../graph/index.ts";
import { bootKernel } from "./boot/initcalls.ts";
import type { ProbeOptions } from "./options.ts";
import { probeResult } from "./result.ts";
import { runScenario } from "./scenario/run.ts";
import type { Scenario } from "./scenario/types.ts";
import type { ProbeResult } from "./types.ts";

/** Boots the kernel on a graph, runs `scenario` after boot (when given), and collects the result. */
export function runProbe(graph: DeviceGraph, options: ProbeOptions, scenario: Scenario | undefined = options.scenario): ProbeResult {
  const k = bootKernel(graph, options);
  const outcome = scenario ? runScenario(k, scenario) : undefined;
  return probeResult(k, outcome);
}
