// The shell line docs/answers.md gives for `verify --sysfs`, run as documented (only its `cd /sys`
// pointed at a scratch tree) on fake sysfs trees laid out as the kernel lays them out: devices
// under /sys/devices, /sys/bus/*/devices/* links to them, a device's `iommu_group` link into
// /sys/kernel/iommu_groups/N, each group's `type` file (absent before 5.11).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseGroupsFile } from "../../src/report/verify/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { hasShared, projectDir, sharedDir } from "../helpers/shared.ts";

const work = mkdtempSync(join(tmpdir(), "dtprobe-sysfs-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The documented command: the fenced sh block after the `dtprobe-groups` marker. */
function documentedCommand(): string {
  const doc = readFileSync(`${projectDir}docs/answers.md`, "utf8");
  const m = /<!-- dtprobe-groups:[^\n]*-->\n```sh\n(.+)\n```/.exec(doc);
  if (!m) throw new Error("docs/answers.md: no dtprobe-groups command");
  return m[1]!;
}

interface FakeDevice {
  readonly bus: string;
  readonly name: string;
  /** Group number, or null. */
  readonly group: number | null;
}

/** A sysfs tree under `root`/sys; `types` per group (undefined: no type file). */
function fakeSysfs(root: string, devices: readonly FakeDevice[], types: Record<number, string | undefined>): void {
  const sys = join(root, "sys");
  for (const [g, type] of Object.entries(types)) {
    mkdirSync(join(sys, "kernel/iommu_groups", g, "devices"), { recursive: true });
    if (type !== undefined) writeFileSync(join(sys, "kernel/iommu_groups", g, "type"), `${type}\n`);
  }
  for (const d of devices) {
    const devDir = join(sys, "devices", d.bus === "pci" ? "pci0000:00" : "platform", d.name);
    mkdirSync(devDir, { recursive: true });
    writeFileSync(join(devDir, "uevent"), "");
    mkdirSync(join(sys, "bus", d.bus, "devices"), { recursive: true });
    symlinkSync(`../../../devices/${d.bus === "pci" ? "pci0000:00" : "platform"}/${d.name}`, join(sys, "bus", d.bus, "devices", d.name));
    if (d.group !== null) {
      symlinkSync(`../../../kernel/iommu_groups/${d.group}`, join(devDir, "iommu_group"));
      symlinkSync(`../../../../devices/${d.bus === "pci" ? "pci0000:00" : "platform"}/${d.name}`, join(sys, "kernel/iommu_groups", String(d.group), "devices", d.name));
    }
  }
}

function runDocumented(root: string): string {
  const line = documentedCommand().replace("cd /sys &&", `cd '${join(root, "sys")}' &&`).replace(/ > groups\.txt$/, "");
  const r = spawnSync("sh", ["-c", line], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

const sorted = (text: string) => text.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#")).sort();

describe("the documented GROUPS command", () => {
  it("prints DEVICE GROUP TYPE, none none, and ? without a type file; verify reads it", () => {
    const root = join(work, "mixed");
    fakeSysfs(
      root,
      [
        { bus: "pci", name: "0000:00:01.0", group: 3 },
        { bus: "pci", name: "0000:00:00.0", group: null },
        { bus: "platform", name: "9000000.pl011", group: null },
        { bus: "platform", name: "15000000.dma", group: 7 },
      ],
      { 3: "DMA", 7: undefined },
    );
    const out = runDocumented(root);
    expect(sorted(out)).toEqual(["0000:00:00.0 none none", "0000:00:01.0 3 DMA", "15000000.dma 7 ?", "9000000.pl011 none none"]);
    const sink = new DiagnosticSink();
    const parsed = parseGroupsFile(out, "groups.txt", sink)!;
    expect(sink.items).toEqual([]);
    expect(parsed.devices.get("15000000.dma")).toMatchObject({ group: "7", type: null });
    expect(parsed.devices.get("0000:00:00.0")).toMatchObject({ group: null });
  });

  it.skipIf(!hasShared)("on a sysfs laid out as each QEMU boot's, prints its groups.txt", () => {
    for (const config of ["a-smmuv3-default", "b-smmuv3-passthrough", "d-no-iommu", "e-smmuv3-lazy-dma-fq"]) {
      const truth = readFileSync(`${sharedDir}qemu/${config}/groups.txt`, "utf8");
      const devices: FakeDevice[] = [];
      const types: Record<number, string> = {};
      for (const line of sorted(truth)) {
        const [name, group, type] = line.split(/\s+/) as [string, string, string];
        devices.push({ bus: "pci", name, group: group === "none" ? null : Number(group) });
        if (group !== "none") types[Number(group)] = type;
      }
      const root = join(work, config);
      fakeSysfs(root, devices, types);
      expect(sorted(runDocumented(root)), config).toEqual(sorted(truth));
    }
  });
});
