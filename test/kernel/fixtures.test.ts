// Hand-written fixtures (fixtures/kernel/*.dts): golden text + JSON per case, and the facts each
// fixture exists to show asserted directly so a golden cannot silently drift into nonsense.
import { describe, expect, it } from "vitest";
import Ajv2020 from "ajv/dist/2020.js";
import { checkScenario, parseScenario } from "../../src/probe/index.ts";
import { deviceGraph, renderReportText, reportSchema, type Report } from "../../src/report/index.ts";
import { DiagnosticSink } from "../../src/source/index.ts";
import { loadTree, projectDir, runModel, type RunOptions } from "./support/run.ts";

const validate = new Ajv2020.default({ allErrors: true, strict: false }).compile(reportSchema);

const dir = `${projectDir}fixtures/kernel/`;

function run(name: string, o: RunOptions = {}): Report {
  return runModel(loadTree(`${dir}${name}.dts`), { input: `${name}.dts`, assumeDrivers: true, ...o }).report;
}

async function golden(report: Report, stem: string): Promise<void> {
  await expect(renderReportText(report)).toMatchFileSnapshot(`${dir}${stem}.txt`);
  await expect(JSON.stringify(report, null, 1) + "\n").toMatchFileSnapshot(`${dir}${stem}.json`);
}

/** A device by dev_name, by `addr.name` suffix, or by DT node name without unit address. */
const dev = (r: Report, key: string) => {
  const d = r.devices.find((x) => x.name === key || x.name.endsWith(`.${key}`) || x.path?.split("/").pop()?.split("@")[0] === key);
  if (!d) throw new Error(`no device ${key}`);
  return d;
};
const errnos = (r: Report, prefix: string) => dev(r, prefix).errors.map((e) => e.errno);

describe("kernel fixtures", () => {
  it("tegra30-like 6.1, the kernel's own arm32 policy: groups at add, no default domains, -EINVAL for the drm group", async () => {
    const r = run("tegra30-like", { kernel: "6.1" });
    expect(r.config.arch).toBe("arm");
    expect(r.config.policy).toBe("per-device");
    expect(r.config.policySource).toBe("kernel");
    expect(r.config.hypothetical).toEqual([]);
    // tegra_smmu_probe_device read `iommus` itself before 6.8: groups when the MC registers / at add.
    const adds = r.events.filter((e) => e.message.startsWith("Adding to iommu group"));
    expect(adds.slice(0, 4).map((e) => [e.device, e.stage, e.prefix])).toEqual([
      ["50000000.host1x", "arch_initcall_sync", "platform"],
      ["6001a000.vde", "arch_initcall_sync", "platform"],
      ["70020000.sata", "arch_initcall_sync", "platform"],
      ["70030000.hda", "arch_initcall_sync", "platform"],
    ]);
    // Tegra30's SoC group "drm" = DC, DCB, G2, NV, NV2.
    const drm = r.groups.find((g) => g.name === "drm")!;
    expect(drm.devices).toEqual(["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]);
    // tegra_smmu_domain_alloc only does UNMANAGED before 6.7, and arm32 has no IOMMU_DMA.
    expect(r.groups.every((g) => g.defaultDomain === null)).toBe(true);
    expect(r.domains.some((d) => d.type === "DMA" || d.type === "DMA-FQ")).toBe(false);
    for (const n of drm.devices) expect(errnos(r, n)).toEqual(["-EINVAL"]); // iommu_attach_device: 4 devices
    expect(r.devices.some((d) => d.errors.some((e) => e.errno === "-EBUSY"))).toBe(false);
    // pr_warn without a device prefix.
    const warn = r.events.find((e) => e.message === "Failed to attached device 54200000.dc to IOMMU_mapping")!;
    expect([warn.device, warn.prefix]).toEqual([null, ""]);
    await golden(r, "tegra30-like.6.1");
  });

  it("tegra30-like 6.8: groups in bind order; later drm members join dc's mapping and fail with -EINVAL then -EBUSY", async () => {
    const r = run("tegra30-like", { kernel: "6.8" });
    expect(dev(r, "54200000.dc").state).toBe("bound");
    for (const n of ["54240000.dc", "54140000.gr2d", "54180000.gr3d"]) {
      expect(errnos(r, n)).toEqual(["-EINVAL", "-EBUSY"]);
      expect(dev(r, n).state).toBe("failed");
    }
    // arm32 forces an IDENTITY default from 6.7; tegra-smmu has one.
    expect(r.domains.filter((d) => d.owner === "default").every((d) => d.type === "identity")).toBe(true);
    expect(r.events.find((e) => e.device === "54200000.dc" && e.message.startsWith("Adding"))!.prefix).toBe("(assumed driver)");
    await golden(r, "tegra30-like.6.8");
  });

  it("tegra30-like 6.15: groups at device add; every drm member fails -EINVAL, none -EBUSY; the DRM composite shares one domain", async () => {
    const r = run("tegra30-like", { kernel: "6.15" });
    expect(r.config.era).toBe("add");
    for (const n of ["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]) expect(errnos(r, n)).toEqual(["-EINVAL"]);
    expect(r.domains.filter((d) => d.owner === "default").every((d) => d.type === "identity")).toBe(true);
    const drm = r.domains.filter((d) => d.owner === "tegra-drm");
    expect(drm.length).toBe(1);
    expect(r.groups.filter((g) => g.domain === drm[0]!.id).map((g) => g.name)).toEqual(["drm"]);
    await golden(r, "tegra30-like.6.15");
  });

  it("tegra30-like per-group on 6.1 is hypothetical on arm32: one arm_iommu mapping per group, shared by its members", async () => {
    const r = run("tegra30-like", { kernel: "6.1", policy: "per-group" });
    expect(r.config.policySource).toBe("option");
    expect(r.config.hypothetical.length).toBe(1);
    expect(renderReportText(r)).toContain("HYPOTHETICAL: per-group on arm32");
    // arm32's mechanism, not arm64's: no default domains (no IOMMU_DMA), arm_iommu mappings instead.
    expect(r.domains.some((d) => d.owner === "default")).toBe(false);
    expect(r.events.some((e) => e.message.startsWith("Failed to set up IOMMU for device"))).toBe(false);
    // sata and hda: a mapping each (singleton groups), translated DMA.
    for (const n of ["70020000.sata", "70030000.hda"]) {
      expect(dev(r, n).dmaOps).toBe("iommu");
      expect(r.domains.find((d) => d.id === dev(r, n).domain)!.owner).toBe("per-group");
    }
    expect(dev(r, "70020000.sata").domain).not.toBe(dev(r, "70030000.hda").domain);
    // The four-device "drm" group shares one mapping: no -EINVAL from iommu_attach_device, and the
    // clients' releases drop references until the last one detaches the group for tegra-drm.
    for (const n of ["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]) expect(errnos(r, n)).toEqual([]);
    expect(r.domains.find((d) => d.owner === "tegra-drm")!.devices).toEqual(["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]);
    expect(dev(r, "54180000.gr3d").notes.some((n) => n.includes("it was the last user: the mapping and its address space are freed"))).toBe(true);
    expect(dev(r, "54200000.dc").notes.some((n) => n.includes("the mapping stays for 3 other users"))).toBe(true);
    // DRM shared domain, vde's own, sata's and hda's mappings: as many address spaces as per-device.
    expect(r.iommus[0]!.used["asids"]).toBe(4);
    await golden(r, "tegra30-like.per-group.6.1");
  });

  it("tegra30-like per-instance on 6.1: one shared arm_iommu mapping for the instance, fewer address spaces than per-device", async () => {
    const r = run("tegra30-like", { kernel: "6.1", policy: "per-instance" });
    expect(r.config.hypothetical[0]).toMatch(/^per-instance on arm32/);
    expect(renderReportText(r)).toContain("HYPOTHETICAL: per-instance on arm32");
    expect(r.domains.filter((d) => d.type === "DMA").length).toBe(0);
    const shared = r.domains.filter((d) => d.owner === "per-instance");
    expect(shared.length).toBe(1);
    expect(shared[0]!.type).toBe("unmanaged");
    // sata and hda (two groups) share the instance's mapping with iommu DMA ops.
    expect(shared[0]!.devices).toEqual(["70020000.sata", "70030000.hda"]);
    expect(r.groups.filter((g) => g.domain === shared[0]!.id).map((g) => g.devices)).toEqual([["70020000.sata"], ["70030000.hda"]]);
    for (const n of ["70020000.sata", "70030000.hda"]) expect([dev(r, n).domain, dev(r, n).dmaOps, dev(r, n).errors]).toEqual([shared[0]!.id, "iommu", []]);
    // host1x joined the instance mapping at dma_configure and dropped its reference in
    // host1x_iommu_attach (6.1 releases it, d5185965c3b5): as the last user then, it freed it.
    expect(dev(r, "50000000.host1x").notes.some((n) => n.startsWith("arch_setup_dma_ops (hypothetical per-instance): created"))).toBe(true);
    expect(dev(r, "50000000.host1x").notes.some((n) => n.startsWith("host1x_iommu_attach dropped its reference on the shared per-instance arm_iommu mapping"))).toBe(true);
    expect([dev(r, "50000000.host1x").domain, dev(r, "50000000.host1x").dmaOps]).toEqual([null, "direct"]);
    // DRM members: no -EINVAL (iommu_attach_group has no singleton rule), then tegra-drm's domain.
    for (const n of ["54200000.dc", "54240000.dc", "54140000.gr2d", "54180000.gr3d"]) expect(errnos(r, n)).toEqual([]);
    // Fewer address spaces than the kernel's own per-device mappings on the same board.
    const perDevice = run("tegra30-like", { kernel: "6.1" });
    expect(r.iommus[0]!.used["asids"]).toBe(3);
    expect(perDevice.iommus[0]!.used["asids"]).toBe(4);
    expect(perDevice.domains.filter((d) => d.owner === "arm-dma-mapping").map((d) => d.devices)).toEqual([["70020000.sata"], ["70030000.hda"]]);
    await golden(r, "tegra30-like.per-instance.6.1");
    // 6.7+: arm32 forces IDENTITY defaults; they stay ordinary default domains, and the groups of
    // the kernel-DMA devices move from them to the shared mapping.
    const later = run("tegra30-like", { kernel: "6.15", policy: "per-instance" });
    const identity = later.domains.filter((d) => d.type === "identity");
    expect(identity.length).toBeGreaterThan(0);
    expect(identity.every((d) => d.owner === "default")).toBe(true);
    const laterShared = later.domains.find((d) => d.owner === "per-instance")!;
    expect(laterShared.devices).toEqual(["70020000.sata", "70030000.hda"]);
    for (const g of later.groups.filter((x) => x.domain === laterShared.id)) expect(later.domains.find((d) => d.id === g.defaultDomain)!.type).toBe("identity");
  });

  it("tegra30-like 3.19 is labelled as the 2014 mechanism applied hypothetically", async () => {
    const r = run("tegra30-like", { kernel: "3.19" });
    expect(r.config.era).toBe("creation");
    expect(r.config.hypothetical.some((h) => h.startsWith("3.19"))).toBe(true);
    // pr_info("Adding device %s to group %d") with the iommu.c prefix before 5.1.
    expect(r.events.some((e) => e.prefix === "iommu" && e.message === "Adding device 50000000.host1x to group 0")).toBe(true);
    // Before "Add gr2d and gr3d to DRM IOMMU group" only DC and DCB share Tegra30's "display" group.
    expect(r.groups.find((g) => g.name === "display")!.devices).toEqual(["54200000.dc", "54240000.dc"]);
    await golden(r, "tegra30-like.3.19");
  });

  it("arm-smmu-errors: every arm-smmu row of the error table", async () => {
    const r = run("arm-smmu-errors", { hwFile: `${dir}arm-smmu-errors.hw.json` });
    expect(dev(r, "ok-a").group).toBe(dev(r, "shares-a").group); // identical SMR: shared SME, one group
    expect(errnos(r, "partial")).toContain("-EINVAL"); // partial SMR overlap
    expect(errnos(r, "sid-range")).toContain("-EINVAL"); // stream ID out of range
    expect(errnos(r, "mask-range")).toContain("-EINVAL"); // SMR mask out of range
    expect(errnos(r, "two-groups")).toContain("-EINVAL"); // SMEs in two groups
    expect(errnos(r, "smr-5")).toContain("-ENOSPC"); // SMRs exhausted
    expect(errnos(r, "ctx-3")).toContain("-ENOSPC"); // context banks exhausted
    expect(dev(r, "off").errors.map((e) => e.errno)).toContain("-ENODEV"); // disabled IOMMU
    expect(errnos(r, "unknown")).toContain("-ETIMEDOUT"); // driver never registers
    expect(errnos(r, "two-drivers")).toContain("-EINVAL"); // one IOMMU per device
    expect(errnos(r, "v3-dup")).toContain("-EINVAL"); // SMMUv3 stream owned by another master
    expect(errnos(r, "v3-range")).toContain("-ERANGE");
    for (const n of ["partial", "off", "unknown", "two-drivers", "v3-dup"]) expect(dev(r, n).dmaOps).toBe("direct");
    expect(r.iommus.find((i) => i.path === "/iommu@30000")!.state).toBe("unknown-driver");
    await golden(r, "arm-smmu-errors");
  });

  it("deferred-probe: masters before their SMMU defer, then bind; a never-registering IOMMU times out", async () => {
    const r = run("deferred-probe");
    const log = r.events.filter((e) => e.message === "Driver requests probe deferral").map((e) => e.device);
    expect(log).toContain("100000.usb");
    expect(dev(r, "100000.usb").state).toBe("bound");
    expect(dev(r, "100000.usb").group).not.toBeNull();
    expect(dev(r, "100000.usb").coherent).toBe(true); // inherited from the bus
    expect(errnos(r, "120000.dsp")).toContain("-ETIMEDOUT");
    expect(r.events.some((e) => e.message === "deferred probe timeout, ignoring dependency")).toBe(true);
    await golden(r, "deferred-probe");
  });

  it("default-domain-race 6.15: async binds inside iommu_device_register() defer at iommu_fwspec_init (not ready) and iommu_device_use_default_domain, then bind", async () => {
    const r = run("default-domain-race", { kernel: "6.15" });
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    for (const n of ["200000.usb", "210000.gpu"]) {
      const why = r.events.filter((e) => e.device === n && e.message.startsWith("bind deferred:"));
      expect(why.map((e) => e.message)).toEqual([expect.stringContaining("-EPROBE_DEFER from iommu_fwspec_init"), expect.stringContaining("-EPROBE_DEFER from iommu_device_use_default_domain")]);
      expect(dev(r, n).state).toBe("bound");
      expect(dev(r, n).domain).toBe(r.groups.find((g) => g.id === dev(r, n).group)!.defaultDomain);
    }
    await golden(r, "default-domain-race");
  });

  it("families: one master per modelled IOMMU driver", async () => {
    const r = run("families");
    for (const i of r.iommus) expect(i.state, i.path).toBe("registered");
    expect(r.domains.find((d) => d.devices.includes(dev(r, "mdss").name))!.type).toBe("identity"); // qcom client
    expect(errnos(r, "venc")).toContain("-EINVAL"); // MediaTek: one larb per master
    expect(errnos(r, "eth")).toContain("-ENODEV"); // ipmmu allow list
    expect(errnos(r, "bad-ctx")).toContain("-EINVAL"); // qcom_iommu: no such context
    expect(r.domains.find((d) => d.devices.includes(dev(r, "usb").name))!.type).toBe("identity"); // DART 16K pages > 4K
    await golden(r, "families");
  });
});

const results = (r: Report) => r.scenario!.steps.map((s) => s.result);

describe("runtime scenarios and the remaining error-table rows", () => {
  it("ownership: VFIO claim/attach/release, in-kernel domains, sysfs type, removal (6.12)", async () => {
    const r = run("ownership", { kernel: "6.12", scenarioFile: `${dir}ownership.scenario.json` });
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    const byStep = results(r);
    expect(byStep[0]).toBe("-ENOENT"); // no VFIO-bound member: no /dev/vfio/N
    expect(byStep[3]).toBe("-EPERM"); // claim with a sibling bound to a kernel driver
    expect(byStep[5]).toBe("ok");
    expect(byStep[6]).toBe("-EBUSY"); // bind while the group is owned
    expect(byStep[12]).toBe("-EBUSY"); // bind while the group is on a non-default domain
    expect(byStep[13]).toBe("-EBUSY"); // attach while another non-core domain is attached
    expect(byStep[14]).toBe("-EINVAL"); // attach a foreign driver's domain
    expect(byStep[15]).toBe("-EINVAL"); // iommu_attach_device on a two-device group
    expect(byStep[18]).toBe("-EBUSY"); // claim when the current domain is not the default
    expect(r.scenario!.steps[18]!.where).toBe("__iommu_take_dma_ownership");
    expect(byStep[25]).toBe("-EINVAL"); // blocking attach refused: IOMMU_RESV_DIRECT
    expect(r.scenario!.steps[25]!.where).toBe("__iommu_device_set_domain");
    expect(byStep[26]).toBe("-EPERM"); // sysfs type with a bound driver
    expect(byStep.slice(27)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok"]);
    // Released groups are back on their default domains; the removed pair's group is gone.
    const eth = dev(r, "100000.ethernet");
    expect(r.groups.find((g) => g.id === eth.group)!.domain).toBe(r.groups.find((g) => g.id === eth.group)!.defaultDomain);
    expect(dev(r, "200000.gpu").state).toBe("removed");
    expect(r.groups.some((g) => g.devices.includes("200000.gpu"))).toBe(false);
    expect(r.domains.find((d) => d.id === dev(r, "400000.dsp").domain)!.type).toBe("identity");
    expect(r.scenario!.steps[0]!.line).toBe(5);
    await golden(r, "ownership");
  });

  it("tegra30-like scenario: the DRM composite tears down and re-probes; VFIO on tegra-smmu takes an ASID (6.15)", async () => {
    const r = run("tegra30-like", { kernel: "6.15", policy: "per-group", scenarioFile: `${dir}tegra30-like.scenario.json` });
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(results(r)).toEqual(["ok", "ok", "-EBUSY", "ok", "ok", "ok", "ok", "ok", "ok", "-EINVAL"]);
    const drm = r.domains.filter((d) => d.owner === "tegra-drm");
    expect(drm.length).toBe(1); // the first shared domain was freed at teardown
    expect(r.groups.filter((g) => g.domain === drm[0]!.id).map((g) => g.name)).toEqual(["drm"]); // Tegra30's one "drm" SoC group
    // Rebinding gr2d created a new per-group arm mapping for the "drm" group; the re-probed
    // composite's releases freed it again (last reference), so no per-group mapping is left after
    // sata's unbind dropped the last reference on its own.
    const created = (n: string) => dev(r, n).notes.filter((x) => x.startsWith("arch_setup_dma_ops (hypothetical per-group): created group 4's")).length;
    expect([created("54200000.dc"), created("54140000.gr2d")]).toEqual([1, 1]); // at boot by dc, at the rebind by gr2d
    expect(r.domains.some((d) => d.owner === "per-group")).toBe(false);
    expect(dev(r, "70020000.sata").notes.some((n) => n.startsWith("arch_setup_dma_ops (hypothetical per-group): created group 2's"))).toBe(true);
    expect([dev(r, "70020000.sata").domain, dev(r, "70020000.sata").dmaOps]).toEqual([r.groups.find((g) => g.id === 2)!.defaultDomain, "direct"]);
    for (const d of r.domains) for (const n of d.devices) expect(dev(r, n).domain).toBe(d.id); // bookkeeping agrees both ways
    expect(r.iommus[0]!.used["asids"]).toBe(2); // DRM + VFIO
    await golden(r, "tegra30-like.scenario.6.15");
  });

  it("smmuv3-pci: SMMUv3 ASIDs run out, a DMA range outside the aperture, iommu-map errors, in-tree PCI nodes", async () => {
    const r = run("smmuv3-pci", { kernel: "6.1", hwFile: `${dir}smmuv3-pci.hw.json` });
    expect(validate(r), JSON.stringify(validate.errors)).toBe(true);
    expect(errnos(r, "10002000.dma2")).toContain("-EBUSY"); // xa_alloc: no free ASID
    expect(dev(r, "10002000.dma2").dmaOps).toBe("direct");
    const far = dev(r, "20000000.far");
    expect(far.errors.map((e) => [e.errno, e.where])).toContainEqual(["-EFAULT", "iommu_dma_init_domain"]);
    expect(far.dmaOps).toBe("direct");
    expect(r.events.some((e) => e.message === "Failed to set up IOMMU for device 20000000.far; retaining platform DMA ops")).toBe(true);
    expect(errnos(r, "0001:00:01.0")).toContain("-EINVAL"); // Bad iommu-map length
    expect(errnos(r, "0002:00:02.0")).toContain("-EFAULT"); // mask ignores id-base
    expect(r.events.some((e) => e.message.includes("no iommu-map translation for id 0x18"))).toBe(true);
    expect(dev(r, "0003:00:03.0").group).toBeNull();
    // In-tree PCI nodes: the endpoint behind a root port without ACS shares the port's group.
    expect(dev(r, "0000:01:00.0").specifiers).toEqual([[0x100]]);
    expect(dev(r, "0000:01:00.0").group).toBe(dev(r, "0000:00:00.0").group);
    expect(dev(r, "0003:00:01.0").specifiers).toEqual([[0x3000]]);
    await golden(r, "smmuv3-pci");
  });

  it("families per-device on 6.15 (hypothetical on arm64): every family has an IDENTITY default from 6.7, nothing defers", async () => {
    const r = run("families", { kernel: "6.15", policy: "per-device" });
    expect(r.config.hypothetical[0]).toMatch(/^per-device on arm64/);
    expect(r.devices.filter((d) => d.state === "deferred")).toEqual([]);
    const defaults = r.domains.filter((d) => d.owner === "default");
    expect(defaults.length).toBeGreaterThan(5);
    expect(defaults.every((d) => d.type === "identity")).toBe(true);
    await golden(r, "families.per-device.6.15");
  });

  it("scenario files: schema errors and unknown devices are reported at their line", () => {
    const sink = new DiagnosticSink();
    expect(parseScenario('{\n  "version": 1,\n  "steps": [\n    { "op": "vfio-claim", "device": "a", "group": 1 },\n    { "op": "fly" }\n  ]\n}\n', "bad.json", sink)).toBeUndefined();
    const lines = sink.items.map((d) => d.span!.file.positionAt(d.span!.start).line);
    expect(lines).toContain(4);
    expect(lines).toContain(5);
    const sink2 = new DiagnosticSink();
    const sc = parseScenario('{\n  "version": 1,\n  "steps": [\n    { "op": "unbind", "device": "100000.ethernet" },\n    { "op": "unbind", "device": "999.nothing" }\n  ]\n}\n', "s.json", sink2);
    expect(sc).toBeDefined();
    const graph = deviceGraph(loadTree(`${dir}ownership.dts`), undefined);
    expect(checkScenario(sc!, graph, sink2)).toBe(false);
    expect(sink2.items.length).toBe(1);
    expect(sink2.items[0]!.message).toContain('"999.nothing"');
    expect(sink2.items[0]!.span!.file.positionAt(sink2.items[0]!.span!.start).line).toBe(5);
  });
});
