// host1x and tegra-vde at probe (src/probe/drivers/tegra-host1x.ts, tegra-vde.ts, own-domain.ts): on arm32 they release the implicit
// arm_iommu mapping (its tegra-smmu address space comes back), and may attach a domain of their own.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Report } from "../../src/report/index.ts";
import { loadTree, projectDir, runModel, sharedDir, sharedPresent, type RunOptions } from "./support/run.ts";

const fixture = `${projectDir}fixtures/kernel/tegra30-like.dts`;
const run = (o: RunOptions = {}, path = fixture): Report => runModel(loadTree(path), { input: "tegra30-like.dts", assumeDrivers: true, ...o }).report;

const dev = (r: Report, name: string) => {
  const d = r.devices.find((x) => x.name === name);
  if (!d) throw new Error(`no device ${name}`);
  return d;
};
const domainOf = (r: Report, name: string) => {
  const id = dev(r, name).domain;
  return id === null ? null : r.domains.find((d) => d.id === id)!;
};

/** tegra30-like with extra masters on unused SWGROUPs (the original is left alone). */
function withExtraMasters(n: number): string {
  const text = readFileSync(fixture, "latin1");
  let extra = "";
  for (let i = 0; i < n; i++) extra += `\n\textra@7100${i}000 {\n\t\tcompatible = "example,extra-master";\n\t\treg = <0x7100${i}000 0x1000>;\n\t\tiommus = <&mc ${20 + i}>;\n\t};\n`;
  const out = text.replace(/\};\s*$/, `${extra}};\n`);
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-tegra-"));
  const path = join(dir, "tegra30-like-extra.dts");
  writeFileSync(path, out, "latin1");
  return path;
}

function writeHw(asids: number): string {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-tegra-hw-"));
  const path = join(dir, "hw.json");
  writeFileSync(path, JSON.stringify({ instances: [{ node: "/memory-controller@7000f000", limits: { asids } }] }));
  return path;
}

describe("host1x and tegra-vde release their arm_iommu mapping", () => {
  it("6.1 arm32: the freed address spaces let hda get one; host1x has no mapping after probe", () => {
    const r = run({ kernel: "6.1" });
    expect(r.config.policy).toBe("per-device");
    // Four address spaces, four users: DRM shared domain, vde's own, sata and hda mappings.
    expect(r.iommus[0]!.used["asids"]).toBe(4);
    const hda = dev(r, "70030000.hda");
    expect(hda.errors).toEqual([]);
    expect(hda.dmaOps).toBe("iommu");
    expect(domainOf(r, "70030000.hda")!.owner).toBe("arm-dma-mapping");
    expect(r.events.some((e) => e.message === "Failed to attached device 70030000.hda to IOMMU_mapping")).toBe(false);
    // host1x: mapping gone, no default domain on arm32 6.1, DMA API back to dma-direct.
    const host1x = dev(r, "50000000.host1x");
    expect(host1x.domain).toBeNull();
    expect(host1x.dmaOps).toBe("direct");
    expect(r.domains.some((d) => d.devices.includes("50000000.host1x"))).toBe(false);
    expect(host1x.notes.some((n) => n.startsWith("host1x_iommu_attach released its arm_iommu mapping"))).toBe(true);
    // The DRM composite's shared domain took the address space host1x gave back.
    const drm = r.domains.find((d) => d.owner === "tegra-drm")!;
    expect(drm.asid).toBe(0);
    // tegra-vde: its mapping released, its own UNMANAGED domain attached (tegra_vde_iommu_init).
    const vde = domainOf(r, "6001a000.vde")!;
    expect([vde.owner, vde.type, dev(r, "6001a000.vde").dmaOps]).toEqual(["tegra-vde", "unmanaged", "direct"]);
    expect(r.domains.filter((d) => d.owner === "arm-dma-mapping").map((d) => d.devices)).toEqual([["70020000.sata"], ["70030000.hda"]]);
  });

  it("events: arm_iommu_detach_device's pr_debug (no prefix), a note per release, in host1x's probe", () => {
    const r = run({ kernel: "6.1" });
    const detach = r.events.filter((e) => e.message.startsWith("Detached IOMMU controller from"));
    expect(detach.map((e) => [e.message, e.kind, e.level, e.device, e.prefix])).toEqual([
      ["Detached IOMMU controller from 50000000.host1x device.", "log", "debug", null, ""],
      ["Detached IOMMU controller from 6001a000.vde device.", "log", "debug", null, ""],
    ]);
    const i = r.events.findIndex((e) => e.message === "Detached IOMMU controller from 50000000.host1x device.");
    const bind = r.events.findIndex((e) => e.device === "50000000.host1x" && e.message === "BUS_NOTIFY_BIND_DRIVER");
    const bound = r.events.findIndex((e) => e.device === "50000000.host1x" && e.message === "BUS_NOTIFY_BOUND_DRIVER");
    expect(bind).toBeLessThan(i);
    expect(i).toBeLessThan(bound);
    // host1x_wants_iommu is false for Tegra30 (32-bit dma_mask, firewall): a debug note says why.
    expect(r.events.some((e) => e.device === "50000000.host1x" && e.kind === "note" && e.level === "debug" && e.message.includes("host1x_wants_iommu"))).toBe(true);
  });

  it("version gates: host1x keeps its mapping 5.5-5.16, releases it in host1x_probe before 5.5; vde from 5.3", () => {
    const mid = run({ kernel: "5.10" });
    expect(domainOf(mid, "50000000.host1x")!.owner).toBe("arm-dma-mapping");
    expect(domainOf(mid, "6001a000.vde")!.owner).toBe("tegra-vde");
    const old = run({ kernel: "5.4" });
    expect(domainOf(old, "50000000.host1x")).toBeNull();
    expect(dev(old, "50000000.host1x").notes.some((n) => n.startsWith("host1x_probe released"))).toBe(true);
    const older = run({ kernel: "5.2" });
    expect(domainOf(older, "6001a000.vde")!.owner).toBe("arm-dma-mapping");
    // 3.19 is the hypothetical creation era: neither driver had IOMMU code then.
    const creation = run({ kernel: "3.19" });
    expect(creation.events.some((e) => e.message.startsWith("Detached IOMMU controller"))).toBe(false);
  });

  it("6.8 arm32: host1x returns to its IDENTITY default domain; vde's own domain replaces its mapping", () => {
    const r = run({ kernel: "6.8" });
    const d = domainOf(r, "50000000.host1x")!;
    expect([d.type, d.owner]).toEqual(["identity", "default"]);
    expect(domainOf(r, "6001a000.vde")!.owner).toBe("tegra-vde");
    expect(dev(r, "70030000.hda").errors).toEqual([]);
  });

  it("a fifth user still exhausts Tegra30's 4 address spaces (-ENOSPC on the last arm mapping)", () => {
    const r = run({ kernel: "6.1" }, withExtraMasters(1));
    expect(r.iommus[0]!.used["asids"]).toBe(4);
    expect(dev(r, "71000000.extra").errors.map((e) => [e.errno, e.where])).toEqual([["-ENOSPC", "tegra_smmu_alloc_asid"]]);
    expect(r.events.some((e) => e.message === "Failed to attached device 71000000.extra to IOMMU_mapping")).toBe(true);
  });

  it("tegra-vde's probe fails when its own domain finds no address space", () => {
    const r = run({ kernel: "6.1", hwFile: writeHw(1) });
    const vde = dev(r, "6001a000.vde");
    expect(vde.state).toBe("failed");
    expect(vde.errors.map((e) => e.errno)).toEqual(["-ENOSPC", "-ENOSPC"]); // arm mapping, then tegra_vde_iommu_init
    const log = r.events.filter((e) => e.device === "6001a000.vde" && e.kind === "log" && e.level !== "debug").map((e) => e.message);
    expect(log).toContain("Failed to initialize IOMMU: -28");
    // call_driver_probe before 6.9: pr_warn, no device metadata, the driver's name first.
    const failed = r.events.filter((e) => e.message === "probe of 6001a000.vde failed with error -28");
    expect(failed.map((e) => [e.device, e.prefix, e.level])).toEqual([[null, "(assumed driver)", "warn"]]); // drivers assumed: no name to print
    expect(r.domains.some((d) => d.owner === "tegra-vde")).toBe(false);
  });

  it("unbinding vde frees its own domain (tegra_vde_iommu_deinit)", () => {
    const dir = mkdtempSync(join(tmpdir(), "dtprobe-tegra-sc-"));
    const sc = join(dir, "unbind.json");
    writeFileSync(sc, JSON.stringify({ version: 1, steps: [{ op: "unbind", device: "6001a000.vde" }] }));
    const r = run({ kernel: "6.1", scenarioFile: sc });
    expect(r.domains.some((d) => d.owner === "tegra-vde")).toBe(false);
    expect(r.iommus[0]!.used["asids"]).toBe(3);
    expect(dev(r, "6001a000.vde").domain).toBeNull();
  });
});

describe.skipIf(!sharedPresent)("host1x's own domain on an arm64 Tegra210 (corpus)", () => {
  it("6.1: tegra-smmu has no default domain, so host1x_iommu_attach allocates one and DRM shares one too", () => {
    const r = runModel(loadTree(`${sharedDir}corpus/dev/tegra210-p2371-2180.pre.dts`), { kernel: "6.1" }).report;
    expect(r.config.arch).toBe("arm64");
    const h = domainOf(r, "50000000.host1x")!;
    expect([h.owner, h.type]).toEqual(["tegra-host1x", "unmanaged"]);
    expect(dev(r, "50000000.host1x").dmaOps).toBe("direct");
    expect(r.events.some((e) => e.message === "host1x_drm_probe: a shared UNMANAGED domain on /memory-controller@70019000 for the clients")).toBe(true);
    expect(domainOf(r, "54200000.dc")!.owner).toBe("tegra-drm");
  });
});

/** Both directions of the domain bookkeeping agree: domain.devices ⇔ device.domain, group.domain covers its members. */
function expectConsistent(r: Report): void {
  for (const d of r.domains) for (const n of d.devices) expect(dev(r, n).domain, `${n} listed in domain ${d.id}`).toBe(d.id);
  for (const x of r.devices) {
    if (x.domain === null || x.state === "removed") continue;
    expect(r.domains.find((d) => d.id === x.domain)!.devices, `${x.name} in its domain's list`).toContain(x.name);
  }
  for (const g of r.groups) if (g.domain !== null) for (const n of g.devices) expect(dev(r, n).domain, `${n} follows group ${g.id}`).toBe(g.domain);
}

function writeScenario(steps: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), "dtprobe-tegra-sc-"));
  const path = join(dir, "steps.json");
  writeFileSync(path, JSON.stringify({ version: 1, steps }));
  return path;
}

describe("the hypothetical policies on arm32 use arm_iommu mappings, shared (the 2014 debate)", () => {
  it("a fifth user: per-device runs out of Tegra30's 4 address spaces, per-instance shares one mapping and does not", () => {
    const path = withExtraMasters(1);
    const perDevice = run({ kernel: "6.1" }, path);
    expect(perDevice.iommus[0]!.used["asids"]).toBe(4);
    expect(dev(perDevice, "71000000.extra").errors.map((e) => e.errno)).toEqual(["-ENOSPC"]);
    const perInstance = run({ kernel: "6.1", policy: "per-instance" }, path);
    expect(perInstance.iommus[0]!.used["asids"]).toBe(3);
    const shared = perInstance.domains.filter((d) => d.owner === "per-instance");
    expect(shared.map((d) => d.devices)).toEqual([["70020000.sata", "70030000.hda", "71000000.extra"]]);
    for (const n of ["70020000.sata", "70030000.hda", "71000000.extra"]) expect([dev(perInstance, n).dmaOps, dev(perInstance, n).errors]).toEqual(["iommu", []]);
    // per-group still gives each singleton group its own mapping: the fifth one fails as per-device does.
    const perGroup = run({ kernel: "6.1", policy: "per-group" }, path);
    expect(dev(perGroup, "71000000.extra").errors.map((e) => e.errno)).toEqual(["-ENOSPC"]);
    for (const r of [perDevice, perInstance, perGroup]) expectConsistent(r);
  });

  it("3.19: per-device exhausts the address spaces (4 mappings, 4 failures), per-instance puts every master on one", () => {
    const perDevice = run({ kernel: "3.19" });
    expect(perDevice.devices.filter((d) => d.errors.some((e) => e.errno === "-ENOSPC")).length).toBe(4);
    const r = run({ kernel: "3.19", policy: "per-instance" });
    expect(r.iommus[0]!.used["asids"]).toBe(1);
    expect(r.domains.map((d) => d.owner)).toEqual(["per-instance"]);
    const withGroup = r.devices.filter((d) => d.group !== null);
    expect(withGroup.length).toBe(8);
    for (const d of withGroup) expect([d.name, d.domain, d.dmaOps, d.errors]).toEqual([d.name, r.domains[0]!.id, "iommu", []]);
    expectConsistent(r);
  });

  it("5.10 (host1x keeps its mapping 5.5-5.16): host1x, sata and hda share the instance's mapping with iommu DMA ops", () => {
    const r = run({ kernel: "5.10", policy: "per-instance" });
    const shared = r.domains.find((d) => d.owner === "per-instance")!;
    expect(shared.devices).toEqual(["50000000.host1x", "70020000.sata", "70030000.hda"]);
    for (const n of shared.devices) expect([dev(r, n).domain, dev(r, n).dmaOps]).toEqual([shared.id, "iommu"]);
    expect(r.iommus[0]!.used["asids"]).toBe(3); // shared mapping, tegra-drm, tegra-vde
    expect(run({ kernel: "5.10" }).iommus[0]!.used["asids"]).toBe(4); // per-device: host1x's own mapping too
    expectConsistent(r);
  });

  it("references: a shared mapping is freed only with its last user; unbind and rebind keep the bookkeeping consistent", () => {
    const sc = writeScenario([
      { op: "unbind", device: "70020000.sata" },
      { op: "unbind", device: "70030000.hda" },
      { op: "bind", device: "70020000.sata" },
    ]);
    const first = run({ kernel: "6.1", policy: "per-instance", scenarioFile: writeScenario([{ op: "unbind", device: "70020000.sata" }]) });
    // hda still holds a reference: the mapping stays, only sata's group left it.
    const kept = first.domains.find((d) => d.owner === "per-instance")!;
    expect(kept.devices).toEqual(["70030000.hda"]);
    expect([dev(first, "70020000.sata").domain, dev(first, "70020000.sata").dmaOps]).toEqual([null, "direct"]);
    expect(dev(first, "70020000.sata").notes).toContain(`arch_teardown_dma_ops dropped its reference on the shared per-instance arm_iommu mapping (domain ${kept.id}); the mapping stays for 1 other user`);
    expect(first.iommus[0]!.used["asids"]).toBe(3);
    expectConsistent(first);
    const r = run({ kernel: "6.1", policy: "per-instance", scenarioFile: sc });
    expect(r.scenario!.steps.map((s) => s.result)).toEqual(["ok", "ok", "ok"]);
    // hda's unbind dropped the last reference (freed); sata's bind created a new one.
    const again = r.domains.filter((d) => d.owner === "per-instance");
    expect(again.length).toBe(1);
    expect(again[0]!.id).not.toBe(kept.id);
    expect(again[0]!.devices).toEqual(["70020000.sata"]);
    expect(dev(r, "70030000.hda").notes.some((n) => n.endsWith("it was the last user: the mapping and its address space are freed"))).toBe(true);
    expect(r.iommus[0]!.used["asids"]).toBe(3);
    expectConsistent(r);
  });

  it("per-group on 6.15: the drm group's mapping survives its first three clients' releases and goes with the fourth", () => {
    const r = run({ kernel: "6.15", policy: "per-group" });
    const notes = (n: string) => dev(r, n).notes.filter((x) => x.startsWith("host1x_client_iommu_attach dropped its reference"));
    expect(notes("54200000.dc")[0]).toMatch(/the mapping stays for 3 other users \(its group stays attached/);
    expect(notes("54180000.gr3d")[0]).toMatch(/it was the last user: the mapping and its address space are freed$/);
    expect(r.domains.find((d) => d.owner === "tegra-drm")!.devices).toEqual(["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]);
    // No -EINVAL (no singleton rule) and no -EBUSY (the shared mapping is the group's DMA-API domain).
    for (const n of ["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]) expect(dev(r, n).errors).toEqual([]);
    expectConsistent(r);
  });

  it("arm64 is untouched: per-instance there still shares one DMA default domain (iommu-dma)", () => {
    const r = run({ kernel: "6.1", policy: "per-instance" }, `${projectDir}fixtures/kernel/family-arm-smmu-v3.dts`);
    expect(r.config.arch).toBe("arm64");
    expect(r.config.hypothetical[0]).toMatch(/^per-instance: one DMA domain per IOMMU instance/);
    expect(r.domains.map((d) => [d.type, d.owner])).toEqual([["DMA", "per-instance"]]);
    expect(r.groups.filter((g) => g.domain === r.domains[0]!.id).every((g) => g.defaultDomain === r.domains[0]!.id)).toBe(true);
  });
});
