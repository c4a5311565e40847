// A PCI function removed and found again (`remove` then `pci-add` of the same name): the kernel
// frees the first struct device (pci_stop_and_remove_bus_device -> pci_destroy_dev: device_del,
// put_device) and the rescan makes a new one with the same name (pci_scan_single_device ->
// pci_device_add -> device_add). The report describes the state after the scenario: one entry
// per name in devices[] and in every view, the re-added instance with its new group; a device
// removed and not added again stays as a removed entry. The timeline keeps the history.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderReportDot, renderReportText, runScenarioFile, type ScenarioRunResult } from "../../src/report/index.ts";
import { renderTable, renderSysfsTree, sysfsGroups, tableRows } from "../../src/report/views/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { projectDir } from "../helpers/shared.ts";

const dir = join(projectDir, "fixtures/scenarios");

function run(name: string): ScenarioRunResult {
  const sink = new DiagnosticSink();
  const r = runScenarioFile(join(dir, name), sink);
  expect(sink.items.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([]);
  return r!;
}

const names = (r: ScenarioRunResult) => r.report.devices.map((d) => d.name);
const count = (text: string, word: string) => text.split(word).length - 1;

describe("a PCI subtree removed and added again", () => {
  const r = run("pci-readd.scenario.yaml");

  it("devices[] holds one entry per name: the new instances, and the removed function that did not come back", () => {
    expect(r.failedExpectations).toBe(0);
    expect(names(r)).toEqual(["9050000.iommu", "4010000000.pcie", "0000:00:00.0", "0000:02:09.0", "0000:00:02.0", "0000:00:01.0", "0000:01:00.0", "0000:02:08.0"]);
    const by = new Map(r.report.devices.map((d) => [d.name, d]));
    // The ID the root port's group gave back went to 00:02.0 (ida_alloc: the lowest free); the
    // rescanned root port and the function behind it are in a new group, on a new default domain.
    expect(by.get("0000:00:02.0")).toMatchObject({ state: "bound", group: 0 });
    expect(by.get("0000:00:01.0")).toMatchObject({ state: "bound", driver: "pcieport", group: 1, domain: 2, dmaOps: "iommu", reason: null });
    expect(by.get("0000:02:08.0")).toMatchObject({ state: "bound", driver: "e1000", group: 1, domain: 2, dmaOps: "iommu", ids: [0x240, 0x200] });
    expect(by.get("0000:01:00.0")).toMatchObject({ state: "no-driver", group: null });
    // Removed and not added again: as a removed device has always been shown.
    expect(by.get("0000:02:09.0")).toMatchObject({ state: "removed", group: null, domain: null, dmaOps: "direct", driver: "e1000" });
    expect(by.get("0000:02:09.0")!.errors.map((e) => e.errno)).toEqual(["-EINVAL"]);
    expect(r.report.groups.map((g) => [g.id, g.devices])).toEqual([
      [0, ["0000:00:02.0"]],
      [1, ["0000:00:01.0", "0000:02:08.0"]],
    ]);
  });

  it("the summary counts devices that exist or were removed, once each", () => {
    expect(r.report.summary).toMatchObject({ devices: 8, removed: 1, noDriver: 2, withIommu: 3, groups: 2 });
  });

  it("the text, table, sysfs and dot views name each device once", () => {
    const text = renderReportText(r.report);
    expect(text).toContain("8 devices, 3 behind an IOMMU, 2 groups");
    expect(text).toMatch(/Removed \(1\):\n {2}0000:02:09\.0: /);
    expect(count(text.slice(0, text.indexOf("Scenario ")), "0000:02:08.0")).toBe(1);
    expect(tableRows(r.report).filter((row) => row.device === "0000:02:08.0")).toHaveLength(1);
    expect(count(renderTable(r.report), "0000:00:01.0")).toBe(1);
    expect(count(renderSysfsTree(sysfsGroups(r.report)), "0000:02:08.0")).toBe(1);
    // dot: one node per device (its label starts with the name in bold).
    const dot = renderReportDot(r.report);
    for (const name of ["0000:00:01.0", "0000:01:00.0", "0000:02:08.0", "0000:02:09.0"]) expect(count(dot, `<b>${name}</b>`), name).toBe(1);
  });

  it("the timeline keeps the history: the removal, then the new device added", () => {
    const remove = r.steps.find((s) => s.op === "remove")!;
    expect(remove.changes).toContainEqual({ subject: "0000:02:08.0", field: "state", from: "bound", to: "removed" });
    expect(remove.changes).toContainEqual({ subject: "0000:02:08.0", field: "group", from: 0, to: null });
    const readd = r.steps.filter((s) => s.op === "pci-add").at(-1)!;
    expect(readd.changes).toContainEqual({ subject: "0000:02:08.0", field: "added", from: null, to: true });
    expect(readd.changes).toContainEqual({ subject: "0000:02:08.0", field: "group", from: null, to: 1 });
  });

  it("the earlier hotplug scenario shows 0000:02:08.0 once, bound on dma-direct after coming back", () => {
    const h = run("pci-bridge-hotplug.scenario.yaml");
    expect(names(h).filter((n) => n === "0000:02:08.0")).toHaveLength(1);
    expect(h.report.devices.find((d) => d.name === "0000:02:08.0")).toMatchObject({ state: "bound", dmaOps: "direct", group: null });
    expect(h.report.summary.removed).toBe(0);
  });
});
