// The views of one report: the device table (--format table, --sort) and the sysfs tree
// (--format sysfs, -o DIR) with reserved regions as the kernel prints them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runReportCommand } from "../../../src/cli/report-command.ts";
import { readSideFiles } from "../../../src/report/index.ts";
import { formatRegion, mergeRegions, renderSysfsTree, renderTable, sysfsGroups, tableRows, treeRegionsOf, writeSysfsTree } from "../../../src/report/views/index.ts";
import { DiagnosticSink } from "../../../src/source/index.ts";
import { runBoardAs, runInProcess } from "../../helpers/answers.ts";
import { hasShared, projectDir, sharedDir } from "../../helpers/shared.ts";

const work = mkdtempSync(join(tmpdir(), "dtprobe-views-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const tegra = runBoardAs(`${projectDir}fixtures/kernel/tegra30-like.dts`, "tegra30-like.dts", [{ kernel: "6.1" }])[0]!;

describe("--format table", () => {
  it("one aligned row per device with the report's facts", async () => {
    const text = renderTable(tegra.report);
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^DEVICE\s+BUS\s+DRIVER\s+IOMMU\s+IDS\s+GROUP\s+DOMAIN\s+TYPE\s+DMA\s+STATE\s+REASON$/);
    expect(lines.length).toBe(tegra.report.devices.length + 1);
    // Aligned: every column starts at the same offset.
    const at = lines[0]!.indexOf("GROUP");
    for (const l of lines.slice(1)) expect(l[at - 1], l).toBe(" ");
    const gr3d = tableRows(tegra.report).find((r) => r.device === "54180000.gr3d")!;
    expect(gr3d).toMatchObject({ bus: "platform", driver: "?", iommu: "7000f000.memory-controller", ids: "0x9,0xa", type: "unmanaged", dma: "direct", state: "bound" });
    expect(gr3d.reason).toMatch(/^-EINVAL in iommu_attach_device: /);
    await expect(text).toMatchFileSnapshot(`${projectDir}fixtures/views/tegra30-like.6.1.table.txt`);
  });

  it("--sort: numbers for group and domain (none last), stable", () => {
    const rows = (col: "group" | "state" | "device") => renderTable(tegra.report, col).trimEnd().split("\n").slice(1).map((l) => l.split(/\s+/)[0]!);
    const byGroup = rows("group");
    const groupOf = new Map(tegra.report.devices.map((d) => [d.name, d.group ?? Infinity]));
    const groups = byGroup.map((n) => groupOf.get(n)!);
    expect([...groups].sort((a, b) => a - b)).toEqual(groups);
    expect(rows("device")).toEqual([...rows("device")].sort());
  });

  it("the command: --format table, --sort checked", async () => {
    const r = await runInProcess(runReportCommand, ["--assume-drivers", "fixtures/kernel/tegra30-like.dts", "--format", "table", "--sort", "GROUP"]);
    expect(r.status).toBe(0);
    expect(r.out).toBe(renderTable(tegra.report, "group"));
    expect((await runInProcess(runReportCommand, ["--assume-drivers", "fixtures/kernel/tegra30-like.dts", "--format", "table", "--sort", "nope"])).status).toBe(2);
    expect((await runInProcess(runReportCommand, ["--assume-drivers", "fixtures/kernel/tegra30-like.dts", "--sort", "group"])).status).toBe(2);
  });
});

describe("--format sysfs", () => {
  it("types as iommu_group_show_type prints them: unknown without a default domain (arm32), the name file for named groups", () => {
    const groups = sysfsGroups(tegra.report, treeRegionsOf(tegra));
    expect(groups.map((g) => g.type)).toEqual(groups.map(() => "unknown"));
    expect(groups.find((g) => g.name === "drm")!.devices).toEqual(["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]);
    // tegra-smmu has no get_resv_regions.
    expect(groups.every((g) => g.reservedRegions.length === 0)).toBe(true);
  });

  it.skipIf(!hasShared)("reserved_regions of every QEMU boot: what the booted kernel listed (reserved-regions.txt)", () => {
    for (const config of ["a-smmuv3-default", "b-smmuv3-passthrough", "e-smmuv3-lazy-dma-fq"]) {
      const dir = `${sharedDir}qemu/${config}/`;
      const side = readSideFiles({ pci: `${dir}pci.json` }, new DiagnosticSink())!;
      const run = runBoardAs(`${dir}virt.dtb`, "virt.dtb", [{ kernel: "6.1", ...side }])[0]!;
      const ours = sysfsGroups(run.report, treeRegionsOf(run)).flatMap((g) => g.reservedRegions.map((r) => `group ${g.id} ${r}`));
      const theirs = readFileSync(`${dir}reserved-regions.txt`, "utf8").trim().split("\n");
      expect(ours, config).toEqual(theirs);
    }
  });

  it("merges one type's overlapping and adjacent regions, keeps types apart, sorts by start then type", () => {
    const r = mergeRegions([
      { start: 0x9000n, end: 0x9fffn, type: "reserved" },
      { start: 0x8000000n, end: 0x80fffffn, type: "sw-msi" },
      { start: 0x8000000n, end: 0x80fffffn, type: "sw-msi" },
      { start: 0x8000n, end: 0x8fffn, type: "reserved" },
      { start: 0x8000n, end: 0x8fffn, type: "direct" },
    ]).map(formatRegion);
    expect(r).toEqual(["0x0000000000008000 0x0000000000008fff direct", "0x0000000000008000 0x0000000000009fff reserved", "0x0000000008000000 0x00000000080fffff msi"]);
  });

  it("the tree's iommu-addresses regions from 6.3 (of_iommu_get_resv_regions), beside the SMMU's MSI window", () => {
    const dts = `/dts-v1/;
/ {
	#address-cells = <1>; #size-cells = <1>; compatible = "example,resv";
	reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;
		fb: framebuffer@90000000 { reg = <0x90000000 0x100000>; iommu-addresses = <&disp 0x90000000 0x100000>; };
		hole: hole { iommu-addresses = <&disp 0x0 0x10000>; };
	};
	smmu: iommu@10000000 { compatible = "arm,smmu-v3"; reg = <0x10000000 0x20000>; #iommu-cells = <1>; };
	disp: display@20000000 { compatible = "example,display"; reg = <0x20000000 0x1000>; iommus = <&smmu 5>; memory-region = <&fb>, <&hole>; };
};
`;
    const path = join(work, "resv.dts");
    writeFileSync(path, dts);
    const [old, recent] = runBoardAs(path, "resv.dts", [{ kernel: "6.1" }, { kernel: "6.12" }]);
    const regions = (run: typeof tegra) => sysfsGroups(run.report, treeRegionsOf(run))[0]!.reservedRegions;
    expect(regions(old!)).toEqual(["0x0000000008000000 0x00000000080fffff msi"]);
    expect(regions(recent!)).toEqual([
      "0x0000000000000000 0x000000000000ffff reserved",
      "0x0000000008000000 0x00000000080fffff msi",
      "0x0000000090000000 0x00000000900fffff direct",
    ]);
  });

  it("the tree text, and files under -o DIR written whole: type, name, reserved_regions, device links", async () => {
    const groups = sysfsGroups(tegra.report, treeRegionsOf(tegra));
    await expect(renderSysfsTree(groups)).toMatchFileSnapshot(`${projectDir}fixtures/views/tegra30-like.6.1.sysfs.txt`);
    const dir = join(work, "iommu_groups");
    // The command writes the same files under -o DIR.
    expect((await runInProcess(runReportCommand, ["--assume-drivers", "fixtures/kernel/tegra30-like.dts", "--format", "sysfs", "--kernel", "6.1"])).status).toBe(0);
    writeSysfsTree(groups, dir);
    expect(readdirSync(dir).sort()).toEqual(groups.map((g) => String(g.id)).sort());
    const drm = groups.find((g) => g.name === "drm")!;
    expect(readFileSync(join(dir, String(drm.id), "name"), "utf8")).toBe("drm\n");
    expect(readFileSync(join(dir, String(drm.id), "type"), "utf8")).toBe("unknown\n");
    expect(readFileSync(join(dir, String(drm.id), "reserved_regions"), "utf8")).toBe("");
    expect(readlinkSync(join(dir, String(drm.id), "devices", "54200000.dc"))).toBe("../../../../devices/54200000.dc");
    // A non-empty directory is refused, and nothing is left behind.
    expect(() => writeSysfsTree(groups, dir)).toThrow(/not empty/);
    expect(readdirSync(work).filter((n) => n.endsWith(".tmp"))).toEqual([]);
    // An empty one is replaced.
    const empty = join(work, "empty");
    mkdirSync(empty);
    writeSysfsTree(groups, empty);
    expect(existsSync(join(empty, "0", "type"))).toBe(true);
  });
});
