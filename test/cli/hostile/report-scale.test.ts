// Work in the model grows linearly with the input: many IOMMU instances at 6.15 (every
// registration walks the bus), and one master on many instances (one note per instance, not
// per pair; the JSON is streamed). Growth is a ratio of CPU time against a small input, never a
// wall-clock limit; the event counts are exact.
import { describe, expect, it } from "vitest";
import { buildDeviceGraph } from "../../../src/graph/index.ts";
import { parseKernelVersion, runProbe } from "../../../src/probe/index.ts";
import { buildReport, jsonChunks } from "../../../src/report/index.ts";
import type { DeviceTree } from "../../../src/tree/model.ts";
import { instancesBoard, oneDeviceManyInstances, treeOf } from "./boards.ts";


/** CPU time (user + system, µs) of one emulated boot. */
function probeCpu(tree: DeviceTree, kernel: string): number {
  const graph = buildDeviceGraph(tree);
  const start = process.cpuUsage();
  runProbe(graph, { kernel: parseKernelVersion(kernel)!, driverTables: { assume: true } });
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

/** The least CPU time of each case over a few interleaved rounds (JIT warm-up and GC even out). */
function leastOf(cases: readonly (() => number)[], rounds = 4): number[] {
  const best = cases.map(() => Infinity);
  for (let r = 0; r < rounds; r++) cases.forEach((c, i) => (best[i] = Math.min(best[i]!, c())));
  return best;
}

describe("bounded work in the model", () => {
  it("IOMMU instances at 6.15: 4x the instances cost about 4x the time, and about what 6.1 costs (each registration used to walk every device)", () => {
    const small = treeOf(instancesBoard({ iommus: 2000 }));
    const large = treeOf(instancesBoard({ iommus: 8000 }));
    const [s615, l615, l61] = leastOf([() => probeCpu(small, "6.15"), () => probeCpu(large, "6.15"), () => probeCpu(large, "6.1")]);
    // Linear is 4; the quadratic walk gave 10.6 for 1,000 -> 4,000 and 6.15 cost 10x 6.1 at 4,000.
    expect(l615! / s615!, `size ratio ${(l615! / s615!).toFixed(1)}`).toBeLessThan(8);
    expect(l615! / l61!, `6.15 / 6.1 ${(l615! / l61!).toFixed(1)}`).toBeLessThan(3);
    // Every master still ends in its instance's group.
    const r = buildReport(runProbe(buildDeviceGraph(large), { kernel: parseKernelVersion("6.15")!, driverTables: { assume: true } }));
    expect(r.devices.filter((d) => d.name.endsWith(".dev") && d.group !== null).length).toBe(8000);
  }, 300_000);

  it("one master on N SMMUv3 instances: events grow with N, not N²; its JSON report is streamed whole", () => {
    const events = (n: number, kernel: string) => {
      const result = runProbe(buildDeviceGraph(treeOf(oneDeviceManyInstances(n))), { kernel: parseKernelVersion(kernel)!, driverTables: { assume: true } });
      const report = buildReport(result);
      const master = report.devices.find((d) => d.name === "40000000.dev")!;
      return { count: report.events.length, notes: master.notes.length, report };
    };
    for (const kernel of ["6.1", "6.15"]) {
      const small = events(250, kernel);
      const large = events(2000, kernel);
      // One "programmed into the first IOMMU" note per further instance.
      expect([small.notes, large.notes], kernel).toEqual([249, 1999]);
      expect(large.count / small.count, kernel).toBeLessThan(8 * 1.1);
      const text = [...jsonChunks(large.report, 2)].join("");
      expect(JSON.parse(text).devices.length, kernel).toBe(large.report.devices.length);
    }
  }, 300_000);
});
