// `dtprobe verify`: the prediction against real 6.1 kernels booted under QEMU (../shared/qemu:
// their groups.txt and dmesg), a planted mismatch, both dmesg message forms, and bad input.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runVerifyCommand } from "../../src/cli/verify-command.ts";
import { parseDmesg, parseGroupsFile, renderVerificationText, verifyReport } from "../../src/report/verify/index.ts";
import { DiagnosticSink, formatDiagnostic } from "../../src/source/index.ts";
import { dtprobe, runBoardAs, runInProcess, schemaValidator } from "../helpers/answers.ts";
import { hasShared, projectDir, sharedDir } from "../helpers/shared.ts";
import { readSideFiles } from "../../src/report/index.ts";

const CONFIGS = ["a-smmuv3-default", "b-smmuv3-passthrough", "d-no-iommu", "e-smmuv3-lazy-dma-fq"];
const validate = schemaValidator("verify");

/** A QEMU boot's board run as booted: its DTB, its PCI topology, kernel 6.1. */
function qemuReport(config: string) {
  const dir = `${sharedDir}qemu/${config}/`;
  const sink = new DiagnosticSink();
  const side = readSideFiles({ pci: `${dir}pci.json` }, sink)!;
  return runBoardAs(`${dir}virt.dtb`, `qemu/${config}/virt.dtb`, [{ kernel: "6.1", ...side }])[0]!.report;
}

function groups(text: string) {
  const sink = new DiagnosticSink();
  const g = parseGroupsFile(text, "groups.txt", sink);
  if (!g) throw new Error(sink.items.map((d) => d.message).join("; "));
  return g;
}

describe.skipIf(!hasShared)("verify against the QEMU boots", () => {
  for (const config of CONFIGS) {
    it(`${config}: every device of groups.txt agrees, and every group of its dmesg`, () => {
      const report = qemuReport(config);
      const sysfs = verifyReport(report, groups(readFileSync(`${sharedDir}qemu/${config}/groups.txt`, "utf8")));
      expect(sysfs.agree, renderVerificationText(sysfs)).toBe(true);
      expect(sysfs.counts.agree).toBe(6);
      expect(sysfs.counts.disagree).toBe(0);
      expect(validate(JSON.parse(JSON.stringify(sysfs))), JSON.stringify(validate.errors)).toBe(true);
      const log = parseDmesg(readFileSync(`${sharedDir}qemu/${config}/dmesg-iommu.txt`, "utf8"), "dmesg-iommu.txt");
      const dmesg = verifyReport(report, log);
      expect(dmesg.agree, renderVerificationText(dmesg)).toBe(true);
      expect(dmesg.counts.agree).toBe(config === "d-no-iommu" ? 0 : 5);
      expect(dmesg.defaultDomainType).toEqual({ predicted: report.config.defaultDomainType, booted: report.config.defaultDomainType, same: true });
    });
  }

  it("a planted mismatch: the e1000e moved into the root port's group; three devices disagree", () => {
    const report = qemuReport("a-smmuv3-default");
    const planted = readFileSync(`${sharedDir}qemu/a-smmuv3-default/groups.txt`, "utf8").replace("0000:00:03.0 3 DMA", "0000:00:03.0 0 DMA");
    const v = verifyReport(report, groups(planted));
    expect(v.agree).toBe(false);
    expect(v.devices.filter((d) => d.verdict === "disagree").map((d) => d.name)).toEqual(["0000:00:03.0", "0000:00:04.0", "0000:01:00.0"]);
    expect(v.devices.find((d) => d.name === "0000:00:03.0")!.reasons).toEqual(["predicted alone, on the target with 0000:00:04.0, 0000:01:00.0"]);
    const pair = v.groups.find((g) => g.booted === "0")!;
    expect(pair.same).toBe(false);
    expect(pair.predicted.length).toBe(2);
  });

  it("a planted type mismatch and a device the target grouped but dtprobe does not know", () => {
    const report = qemuReport("a-smmuv3-default");
    const text = readFileSync(`${sharedDir}qemu/a-smmuv3-default/groups.txt`, "utf8").replace("0000:00:01.0 1 DMA", "0000:00:01.0 1 identity") + "host1x-ctx.0 9 DMA\ncpu0 none none\n";
    const v = verifyReport(report, groups(text));
    const byName = new Map(v.devices.map((d) => [d.name, d]));
    expect(byName.get("0000:00:01.0")!.reasons).toEqual(["type DMA predicted, identity on the target"]);
    expect(byName.get("host1x-ctx.0")!.verdict).toBe("disagree");
    expect(byName.get("cpu0")!.verdict).toBe("unmodelled");
  });

  it("renumbering is not a difference: the groups of groups.txt numbered the other way round agree", () => {
    const report = qemuReport("a-smmuv3-default");
    const renumbered = readFileSync(`${sharedDir}qemu/a-smmuv3-default/groups.txt`, "utf8").replace(/ (\d) DMA/g, (_m, n: string) => ` ${40 - Number(n)} DMA`);
    expect(verifyReport(report, groups(renumbered)).agree).toBe(true);
  });

  it("the command: exit 0 agree, 1 disagree, 2 usage", async () => {
    const dir = `${sharedDir}qemu/a-smmuv3-default/`;
    const ok = await runInProcess(runVerifyCommand, [`${dir}virt.dtb`, "--pci", `${dir}pci.json`, "--kernel", "6.1", "--sysfs", `${dir}groups.txt`]);
    expect(ok.status).toBe(0);
    expect(ok.out).toContain("Result: the prediction agrees with the target.");
    const log = await runInProcess(runVerifyCommand, [`${dir}virt.dtb`, "--pci", `${dir}pci.json`, "--dmesg", `${dir}dmesg-iommu.txt`, "--format", "json"]);
    expect(JSON.parse(log.out).agree).toBe(true);
    // Without --pci the PCI functions are not modelled: the target's groups disagree.
    expect((await runInProcess(runVerifyCommand, [`${dir}virt.dtb`, "--sysfs", `${dir}groups.txt`])).status).toBe(1);
    expect((await runInProcess(runVerifyCommand, [`${dir}virt.dtb`])).status).toBe(2);
    expect((await runInProcess(runVerifyCommand, [`${dir}virt.dtb`, "--sysfs", "x", "--dmesg", "y"])).status).toBe(2);
  });

  it("is a dtprobe command", () => {
    const dir = `${sharedDir}qemu/b-smmuv3-passthrough/`;
    const r = dtprobe(["verify", `${dir}virt.dtb`, "--pci", `${dir}pci.json`, "--sysfs", `${dir}groups.txt`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/0000:01:00.0\s+agree\s+0 identity\s+0 identity/);
  });
});

describe("reading the target's texts", () => {
  it("dmesg: both forms of the message, removals, timestamps and syslog prefixes", () => {
    const log = [
      "[    0.294420] iommu: Default domain type: Passthrough (set via kernel command line)",
      "Jan  1 00:00:01 host kernel: [    1.3] iommu: Adding device 0000:00:01.0 to group 4",
      "[    1.4] pcieport 0000:00:02.0: Adding to iommu group 5",
      "<6>[    1.5] platform 1000.dma: Adding to iommu group 5",
      "[    2.0] iommu: Removing device 0000:00:01.0 from group 4",
      "[    2.1] vfio-pci 0000:00:03.0: Adding to iommu group 6",
      "[    2.2] vfio-pci 0000:00:03.0: Removing from iommu group 6",
      "unrelated line: Adding to iommu group",
    ].join("\n");
    const g = parseDmesg(log, "dmesg.txt");
    expect([...g.devices].map(([n, d]) => [n, d.group])).toEqual([
      ["0000:00:01.0", null],
      ["0000:00:02.0", "5"],
      ["1000.dma", "5"],
      ["0000:00:03.0", null],
    ]);
    expect(g.defaultDomainType).toBe("identity");
    expect(parseDmesg("iommu: Default domain type: Translated\niommu: DMA domain TLB invalidation policy: lazy mode", "x").defaultDomainType).toBe("DMA-FQ");
    expect(parseDmesg("", "x").defaultDomainType).toBeNull();
  });

  it("GROUPS: comments and blank lines; errors at file:line:col", () => {
    const sink = new DiagnosticSink();
    expect(parseGroupsFile("# listing\n\n0000:00:01.0 3 DMA   # a comment\nx none none\n", "g.txt", sink)?.devices.size).toBe(2);
    const bad = new DiagnosticSink();
    expect(parseGroupsFile("a 1 DMA\nb two DMA\nc 1\nd none DMA\ne 2 weird\n", "g.txt", bad)).toBeUndefined();
    expect(bad.items.map((d) => formatDiagnostic(d).split("\n")[0])).toEqual([
      "g.txt:2:1: error: group 'two' is not a number or 'none' [groups]",
      "g.txt:3:1: error: expected 'DEVICE GROUP TYPE' (3 fields), found 2 [groups]",
      "g.txt:4:1: error: a device without a group has type 'none', not 'DMA' [groups]",
      "g.txt:5:1: error: unknown group type 'weird' (DMA, DMA-FQ, identity, blocked, unmanaged, unknown, ?) [groups]",
    ]);
  });

  it("a bad GROUPS file is an input error (exit 1), with the diagnostics", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "dtprobe-verify-"));
    writeFileSync(join(dir, "g.txt"), "a b c d\n");
    expect((await runInProcess(runVerifyCommand, [`${projectDir}fixtures/diff/board.dts`, "--sysfs", join(dir, "g.txt")])).status).toBe(1);
  });
});
