// Ground truth: the groups and default-domain types a real 6.1 kernel created under QEMU.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadTree, runModel, sharedDir, sharedPresent } from "./support/run.ts";

const CONFIGS = ["a-smmuv3-default", "b-smmuv3-passthrough", "d-no-iommu", "e-smmuv3-lazy-dma-fq"];

function parseGroups(text: string): Map<string, { group: string; type: string }> {
  const out = new Map<string, { group: string; type: string }>();
  for (const line of text.split("\n")) {
    const [bdf, group, type] = line.trim().split(/\s+/);
    if (bdf && group && type) out.set(bdf, { group, type });
  }
  return out;
}

describe.skipIf(!sharedPresent)("QEMU virt + SMMUv3 ground truth (kernel 6.1)", () => {
  for (const c of CONFIGS) {
    it(`${c}: same group partition and domain types as groups.txt`, () => {
      const dir = `${sharedDir}qemu/${c}/`;
      const truth = parseGroups(readFileSync(dir + "groups.txt", "utf8"));
      const { report } = runModel(loadTree(dir + "virt.dtb"), { pciFile: dir + "pci.json", kernel: "6.1" });
      const pci = report.devices.filter((d) => d.bus === "pci");
      expect(pci.map((d) => d.name).sort()).toEqual([...truth.keys()].sort());
      const ours = new Map<string, string>();
      const theirs = new Map<string, string>();
      for (const d of pci) {
        const t = truth.get(d.name)!;
        if (t.group === "none") {
          expect(d.group, d.name).toBeNull();
          continue;
        }
        expect(d.group, d.name).not.toBeNull();
        const domain = report.domains.find((x) => x.id === report.groups.find((g) => g.id === d.group)!.defaultDomain)!;
        expect(domain.type, d.name).toBe(t.type);
        // The partition must match: a bijection between our group ids and theirs.
        const g = String(d.group);
        if (ours.has(g)) expect(ours.get(g), d.name).toBe(t.group);
        else ours.set(g, t.group);
        if (theirs.has(t.group)) expect(theirs.get(t.group), d.name).toBe(g);
        else theirs.set(t.group, g);
      }
    });
  }

  it("the SMMUv3 maps a function's requester ID to the same StreamID", () => {
    const dir = `${sharedDir}qemu/a-smmuv3-default/`;
    const { report } = runModel(loadTree(dir + "virt.dtb"), { pciFile: dir + "pci.json" });
    const nvme = report.devices.find((d) => d.name === "0000:01:00.0")!;
    expect(nvme.specifiers).toEqual([[0x100]]);
    expect(nvme.iommu).toBe("/smmuv3@9050000");
  });

  it("6.15+ creates groups at device add: the driverless host bridge function gets one too", () => {
    const dir = `${sharedDir}qemu/a-smmuv3-default/`;
    const { report } = runModel(loadTree(dir + "virt.dtb"), { pciFile: dir + "pci.json", kernel: "6.15" });
    expect(report.devices.find((d) => d.name === "0000:00:00.0")!.group).not.toBeNull();
  });
});
