// Version boundaries of single rows of the change table, checked on both sides (and on the stable
// series that carry a backport): the SMMUv3 StreamID tree (cdf315f907d4, 5.13) and its fix for a
// master's own duplicate StreamIDs (b00d24997a11, 6.15 + 6.1.y/6.12.y), iommu_device_use_default_domain's
// deferral (b46064a18810, 6.15 + 6.12.y), deferred_probe_timeout_work_func's line (6.8, 6.9) and call_driver_probe's (6.9).
import { describe, expect, it } from "vitest";
import { KERNEL_CHANGES, kernelFeatures, parseKernelVersion } from "../../src/kernel/index.ts";
import { logProbeFailure, namePendingDeferred } from "../../src/probe/base/dd.ts";
import type { DevState, Kernel } from "../../src/probe/kernel.ts";
import { KernelLog } from "../../src/probe/log.ts";
import type { Report } from "../../src/report/index.ts";
import { runFixture } from "./support/run.ts";

const has = (v: string) => kernelFeatures(parseKernelVersion(v)!.version);

describe("stable backports in the change table", () => {
  it("a row's stable series have the change; the series between them and mainline's release do not", () => {
    expect(["6.1", "6.6", "6.11", "6.12", "6.14", "6.15"].map((v) => has(v).useDefaultDomainDefers)).toEqual([false, false, false, true, false, true]);
    expect(["5.15", "6.1", "6.6", "6.12", "6.14", "6.15"].map((v) => has(v).armSmmuV3DuplicateSids)).toEqual([false, true, false, true, false, true]);
    expect(["6.1", "6.11", "6.12", "6.13", "6.14"].map((v) => has(v).host1xIdentityIsNoDomain)).toEqual([false, false, true, false, true]);
    // a patch level is read and dropped: 6.12.3 stands for the 6.12 series
    expect(has("6.12.3")).toBe(has("6.12"));
  });

  it("a stable series is older than the mainline release it backports", () => {
    for (const c of KERNEL_CHANGES) {
      if (!("stable" in c)) continue;
      for (const s of c.stable) expect(s[0] < c.since[0] || (s[0] === c.since[0] && s[1] < c.since[1]), c.flag).toBe(true);
    }
  });
});

describe("releases pinned by commit", () => {
  it("static blocked domains: apple-dart 6.7, arm-smmu 6.8, SMMUv3 6.9; the 0-size iommu-addresses check 6.8 with 6.6.y/6.7.y; the core's iommu_setup_dma_ops 6.10", () => {
    expect(["6.6", "6.7"].map((v) => has(v).appleDartBlockedDomain)).toEqual([false, true]);
    expect(["6.7", "6.8"].map((v) => has(v).armSmmuBlockedDomain)).toEqual([false, true]);
    expect(["6.8", "6.9"].map((v) => [has(v).armSmmuV3BlockedDomain, has(v).armSmmuV3AsidAtAlloc])).toEqual([[false, false], [true, true]]);
    expect(["6.5", "6.6", "6.7", "6.8"].map((v) => has(v).zeroSizeResvRejected)).toEqual([false, true, true, true]);
    expect(["6.9", "6.10"].map((v) => has(v).coreSetsUpDmaOps)).toEqual([false, true]);
  });

  it("vfio_group_find_or_alloc from 5.16; ath10k's paging domain from 6.11, venus's and tegra-drm's from 6.12", () => {
    expect(["5.15", "5.16"].map((v) => has(v).vfioGroupFindOrAlloc)).toEqual([false, true]);
    expect(["6.10", "6.11", "6.12"].map((v) => [has(v).ath10kPagingDomainAlloc, has(v).venusPagingDomainAlloc, has(v).tegraDrmPagingDomainOnHost])).toEqual([
      [false, false, false],
      [true, false, false],
      [true, true, true],
    ]);
  });
});

describe("arm-smmu-v3 StreamIDs against each other", () => {
  const dev = (r: Report, name: string) => r.devices.find((d) => d.name === name)!;
  const errors = (r: Report, name: string) => dev(r, name).errors.map((e) => [e.errno, e.where, e.message]);

  it("before 5.13 nothing compares them: a master's repeat and another master's StreamID both attach", () => {
    const r = runFixture("smmuv3-duplicate-sids", { kernel: "5.12" });
    for (const n of ["7ffb0000.dma", "7ffc0000.ethernet", "7ffe0000.crypto"]) expect([n, dev(r, n).errors, dev(r, n).dmaOps]).toEqual([n, [], "iommu"]);
  });

  it("5.13-6.14 mainline (and 6.6): the tree refuses the master's own repeat too, without naming an owner", () => {
    for (const kernel of ["5.15", "6.6", "6.14"]) {
      const r = runFixture("smmuv3-duplicate-sids", { kernel });
      expect(errors(r, "7ffb0000.dma"), kernel).toEqual([["-EINVAL", "arm_smmu_insert_master", "stream 64 already in tree"]]);
      expect(errors(r, "7ffe0000.crypto"), kernel).toEqual([["-EINVAL", "arm_smmu_insert_master", "stream 80 already in tree"]]);
      expect(dev(r, "7ffb0000.dma").dmaOps).toBe("direct");
    }
  });

  it("6.15, and Debian's 6.1.y and 6.12.y with the backport: the repeat is skipped, the other master is named", () => {
    for (const kernel of ["6.1", "6.12", "6.15"]) {
      const r = runFixture("smmuv3-duplicate-sids", { kernel });
      if (kernel !== "6.15") expect([dev(r, "7ffb0000.dma").errors, dev(r, "7ffb0000.dma").dmaOps], kernel).toEqual([[], "iommu"]);
      expect(errors(r, "7ffe0000.crypto")[0], kernel).toEqual(["-EINVAL", "arm_smmu_insert_master", "stream 80 already in tree from dev 7ffc0000.ethernet"]);
    }
  });

  it("6.15: the refusal ends bus_iommu_probe's walk, so iommu_device_register fails and the SMMU's probe with it; arm_smmu_insert_master runs once", () => {
    const r = runFixture("smmuv3-duplicate-sids", { kernel: "6.15" });
    // probe_iommu_group passes -EINVAL on, bus_for_each_dev stops, iommu_device_unregister undoes the walk.
    expect([r.iommus[0]!.state, dev(r, "2b400000.iommu").state]).toEqual(["probe-failed", "failed"]);
    expect(r.groups).toEqual([]);
    // Once, in the walk: at crypto's bind of_iommu_configure finds no registered SMMU (no replay, no second line).
    expect(r.events.filter((e) => e.message.startsWith("stream 80 already in tree")).map((e) => [e.stage, e.prefix, e.device])).toEqual([["device_initcall", "platform", "7ffe0000.crypto"]]);
    expect(errors(r, "7ffe0000.crypto").map((e) => e[1])).toEqual(["arm_smmu_insert_master", "driver_deferred_probe_check_state"]);
    const smmuLines = r.events.filter((e) => e.device === "2b400000.iommu" && e.kind === "log").map((e) => [e.level, e.message]);
    expect(smmuLines).toEqual([
      ["err", "Failed to register iommu"],
      ["err", "probe with driver arm-smmu-v3 failed with error -22"],
    ]);
    for (const n of ["7ffb0000.dma", "7ffc0000.ethernet", "7ffe0000.crypto"]) expect([n, dev(r, n).group, dev(r, n).dmaOps]).toEqual([n, null, "direct"]);
  });
});

describe("deferred_probe_timeout_work_func names the devices still pending", () => {
  const lines = (v: string) => {
    const log = new KernelLog(() => undefined);
    const dev = { name: "100000.dsp", bus: "platform" };
    const k = { has: has(v), log, dd: { deferred: [{ dev }] } } as unknown as Kernel;
    namePendingDeferred(k);
    return [...log.events].map((e) => [e.level, e.message]);
  };

  it("6.1: dev_info, no reason; 6.8: the reason; 6.9 on (Debian's 6.12): dev_warn", () => {
    expect(lines("6.1")).toEqual([["info", "deferred probe pending"]]);
    expect(lines("6.8")).toEqual([["info", "deferred probe pending: (reason unknown)"]]);
    expect(lines("6.12")).toEqual([["warn", "deferred probe pending: (reason unknown)"]]);
  });
});

describe("call_driver_probe's line for a failed probe", () => {
  const line = (v: string) => {
    const log = new KernelLog(() => undefined);
    const dev = { name: "100000.dsp", bus: "platform" };
    const s = { dev, out: { driver: "dsp-drv", driverAssumed: false } } as unknown as DevState;
    logProbeFailure({ has: has(v), log } as unknown as Kernel, s, -22);
    return [...log.events].map((e) => [e.device, e.prefix, e.level, e.message]);
  };

  it("6.8: pr_warn without the device; 6.9 on (Debian's 6.12): dev_err with it", () => {
    expect(line("6.1")).toEqual([[null, "dsp-drv", "warn", "probe of 100000.dsp failed with error -22"]]);
    expect(line("6.8")).toEqual(line("6.1"));
    expect(line("6.12")).toEqual([["100000.dsp", "dsp-drv", "err", "probe with driver dsp-drv failed with error -22"]]);
  });
});
