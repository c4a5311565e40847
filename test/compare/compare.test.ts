// `dtprobe compare`: the design question on a Tegra30-like SoC (what does per-instance save over
// per-device?), asserted as facts first, then as text and JSON goldens; the CLI's usage rules.
import { describe, expect, it } from "vitest";
import { compareReports, renderComparisonText, type Comparison } from "../../src/report/compare/index.ts";
import type { Policy } from "../../src/probe/index.ts";
import { runCompareCommand } from "../../src/cli/compare-command.ts";
import { dtprobe, runBoardAs, runInProcess, schemaValidator } from "../helpers/answers.ts";
import { projectDir } from "../helpers/shared.ts";

const dir = `${projectDir}fixtures/compare/`;
const validate = schemaValidator("compare");

function comparePolicies(file: string, input: string, policies: Policy[], kernel?: string): Comparison {
  const runs = runBoardAs(file, input, policies.map((policy) => ({ policy, kernel })));
  return compareReports("policy", runs.map((r, k) => ({ label: policies[k]!, report: r.report })));
}

const column = (c: Comparison, label: string) => c.columns.findIndex((x) => x.label === label);

describe("compare", () => {
  const fifth = comparePolicies(`${dir}tegra30-fifth-master.dts`, "fixtures/compare/tegra30-fifth-master.dts", ["per-device", "per-instance", "per-group"]);
  const smmu = fifth.instances.find((i) => i.path === "/memory-controller@7000f000")!;

  it("per-device runs out of the Tegra30 SMMU's 4 address spaces with a fifth master; per-instance does not", () => {
    const perDevice = smmu.columns[column(fifth, "per-device")]!;
    const perInstance = smmu.columns[column(fifth, "per-instance")]!;
    expect(perDevice.resources.find((r) => r.name === "asids")).toEqual({ name: "asids", used: 4, limit: 4 });
    expect(perDevice.full).toEqual(["asids"]);
    expect(perDevice.errors).toContainEqual({ errno: "-ENOSPC", where: "tegra_smmu_alloc_asid", devices: 1 });
    expect(perInstance.full).toEqual([]);
    expect(perInstance.resources.find((r) => r.name === "asids")).toEqual({ name: "asids", used: 3, limit: 4 });
    expect(perInstance.errors.some((e) => e.errno === "-ENOSPC")).toBe(false);
    // The device that lost: no address space under per-device, the shared mapping under per-instance.
    const hda = fifth.devices.find((d) => d.name === "70030000.hda")!;
    expect(hda.columns.map((o) => o?.dmaOps)).toEqual(["direct", "iommu", "direct"]);
    expect(hda.columns[1]!.domain).toEqual({ type: "unmanaged", owner: "per-instance", devices: ["54080000.vi", "70020000.sata", "70030000.hda"] });
  });

  it("lists only the devices whose outcome differs", () => {
    const names = fifth.devices.map((d) => d.name);
    expect(names).not.toContain("6001a000.vde"); // its own tegra-vde domain in every column
    expect(names).not.toContain("50000000.host1x");
    expect(names).toContain("54080000.vi");
    expect(fifth.unchanged + fifth.devices.length).toBe(fifth.columns[0]!.summary.devices);
  });

  it("text and JSON goldens; the JSON validates against schemas/compare.schema.json", async () => {
    const text = renderComparisonText(fifth);
    expect(text).toMatch(/asids used\/limit\s+4\/4 full\s+3\/4\s+4\/4 full/);
    expect(text).toMatch(/-ENOSPC in tegra_smmu_alloc_asid\s+1\s+0\s+1/);
    await expect(text).toMatchFileSnapshot(`${dir}tegra30-fifth-master.policies.txt`);
    await expect(JSON.stringify(fifth, null, 1) + "\n").toMatchFileSnapshot(`${dir}tegra30-fifth-master.policies.json`);
    expect(validate(JSON.parse(JSON.stringify(fifth))), JSON.stringify(validate.errors)).toBe(true);
  });

  it("kernels side by side: on 3.19 per-device exhausts the address spaces of the bundled tegra30-like", async () => {
    const kernels = ["3.19", "6.1", "6.15"];
    const runs = runBoardAs(`${projectDir}fixtures/kernel/tegra30-like.dts`, "fixtures/kernel/tegra30-like.dts", kernels.map((kernel) => ({ kernel, policy: "per-device" as Policy })));
    const c = compareReports("kernel", runs.map((r, k) => ({ label: kernels[k]!, report: r.report })));
    const cols = c.instances[0]!.columns;
    expect(cols[0]!.errors.find((e) => e.errno === "-ENOSPC")?.devices).toBe(4);
    expect(cols[1]!.errors.some((e) => e.errno === "-ENOSPC")).toBe(false);
    expect(validate(JSON.parse(JSON.stringify(c))), JSON.stringify(validate.errors)).toBe(true);
    await expect(renderComparisonText(c)).toMatchFileSnapshot(`${dir}tegra30-like.kernels.txt`);
  });

  it("the command: the text of the golden, --format json the same data, --fail-on", async () => {
    const args = ["--assume-drivers", "fixtures/compare/tegra30-fifth-master.dts", "--policy", "per-device,per-instance,per-group"];
    const text = await runInProcess(runCompareCommand, args);
    expect(text.status).toBe(0);
    expect(text.out).toBe(renderComparisonText(fifth));
    const json = await runInProcess(runCompareCommand, [...args, "--format", "json"]);
    expect(JSON.parse(json.out)).toEqual(JSON.parse(JSON.stringify(fifth)));
    // --fail-on error: the per-device column has errors.
    expect((await runInProcess(runCompareCommand, [...args, "--fail-on", "error"])).status).toBe(1);
    // --bootargs given twice: two command lines.
    const boot = await runInProcess(runCompareCommand, ["--assume-drivers", "fixtures/compare/tegra30-fifth-master.dts", "--bootargs", "", "--bootargs", "iommu.passthrough=1", "--format", "json"]);
    expect(JSON.parse(boot.out).columns.map((c: { config: { bootargs: string } }) => c.config.bootargs)).toEqual(["", "iommu.passthrough=1"]);
  });

  it("usage: one list option, valid values", async () => {
    const board = "fixtures/compare/tegra30-fifth-master.dts";
    expect(await runInProcess(runCompareCommand, [board, "--policy", "per-device"])).toMatchObject({ status: 2, message: expect.stringContaining("nothing to compare") });
    expect(await runInProcess(runCompareCommand, [board, "--policy", "per-device,per-group", "--kernel", "6.1,6.15"])).toMatchObject({ status: 2, message: expect.stringContaining("one list option") });
    expect((await runInProcess(runCompareCommand, [board, "--policy", "per-device,bogus"])).status).toBe(2);
    expect((await runInProcess(runCompareCommand, [board, "--kernel", "6.1,2.6"])).status).toBe(2);
  });

  it("is a dtprobe command (exit 2 on usage, through the CLI)", () => {
    const r = dtprobe(["compare", "--assume-drivers", "fixtures/compare/tegra30-fifth-master.dts"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("nothing to compare");
  });
});
