// The §5.2 row "group has no default domain at bind -> -EPROBE_DEFER (iommu_device_use_default_domain)":
// an asynchronous bind (driver_async_probe=) that lands between bus_iommu_probe()'s grouping walk
// and its default-domain setup (6.15+). Direct assertions; the golden lives in fixtures.test.ts.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { asyncProbeRequested, parseAsyncProbe } from "../../src/probe/base/async-probe.ts";
import type { Report } from "../../src/report/index.ts";
import { loadTree, projectDir, runModel, type RunOptions } from "./support/run.ts";

const dir = `${projectDir}fixtures/kernel/`;
const run = (name: string, o: RunOptions = {}): Report => runModel(loadTree(`${dir}${name}.dts`), { input: `${name}.dts`, assumeDrivers: true, ...o }).report;
const dev = (r: Report, name: string) => r.devices.find((d) => d.name === name)!;
const deferrals = (r: Report, name: string) => r.events.filter((e) => e.device === name && e.message === "Driver requests probe deferral");

const named = (name: string) => ({ name, assumed: false });
const assumed = { name: "(assumed)", assumed: true };

describe("driver_async_probe= (drivers/base/dd.c)", () => {
  it("parses the list like save_async_options / parse_option_str", () => {
    expect(parseAsyncProbe(undefined)).toBeUndefined();
    expect(parseAsyncProbe("")).toBeUndefined();
    expect(parseAsyncProbe("a,,b")).toEqual({ names: ["a", "b"], wildcard: false, truncated: false });
    const long = parseAsyncProbe(`${"x".repeat(300)},y`)!;
    expect(long.truncated).toBe(true);
    expect(long.names).toEqual(["x".repeat(255)]); // ASYNC_DRV_NAMES_MAX_LEN - 1 characters kept
  });

  it("cmdline_requested_async_probing: a listed name, `*`, and `*` with exceptions", () => {
    const list = parseAsyncProbe("nvme,arm-smmu")!;
    expect(asyncProbeRequested(list, named("nvme"))).toBe(true);
    expect(asyncProbeRequested(list, named("nvm"))).toBe(false); // whole tokens only
    expect(asyncProbeRequested(list, assumed)).toBe(false); // an assumed driver has no name to list
    const all = parseAsyncProbe("*,nvme")!;
    expect(asyncProbeRequested(all, named("ahci"))).toBe(true);
    expect(asyncProbeRequested(all, named("nvme"))).toBe(false); // listed after `*`: the exception
    expect(asyncProbeRequested(all, assumed)).toBe(true);
    expect(asyncProbeRequested(undefined, named("nvme"))).toBe(false);
  });

  it("an over-long list is cut and warned about", () => {
    const r = run("default-domain-race", { kernel: "6.15", bootargs: `driver_async_probe=*,${"a".repeat(300)}` });
    expect(r.events.some((e) => e.level === "warn" && e.message === "Too long list of driver names for 'driver_async_probe'!")).toBe(true);
  });
});

describe("default-domain race window (6.15+)", () => {
  it("each master is deferred by iommu_fwspec_init (not ready), then by iommu_device_use_default_domain, then bound with its group's default domain", () => {
    const r = run("default-domain-race", { kernel: "6.15" });
    expect(r.config.bootargs).toContain("driver_async_probe=*");
    for (const name of ["200000.usb", "210000.gpu"]) {
      const d = dev(r, name);
      // The order: async bind before the walk reaches it (instance not ready), grouped by the
      // SMMU's bus walk, async bind again (no default domain yet), default domain, bound.
      const seqOf = (pred: (m: string) => boolean) => r.events.find((e) => e.device === name && pred(e.message))!.seq;
      const grouped = seqOf((m) => m.startsWith("Adding to iommu group"));
      const deferred = deferrals(r, name);
      expect(deferred.length).toBe(2);
      const why = r.events.filter((e) => e.device === name && e.message.startsWith("bind deferred:")).map((e) => e.message);
      expect(why).toEqual([expect.stringContaining("registered but not ready (-EPROBE_DEFER from iommu_fwspec_init)"), expect.stringContaining("-EPROBE_DEFER from iommu_device_use_default_domain")]);
      const bound = seqOf((m) => m === "BUS_NOTIFY_BOUND_DRIVER");
      expect(deferred[0]!.seq).toBeLessThan(grouped);
      expect(grouped).toBeLessThan(deferred[1]!.seq);
      expect(deferred[1]!.seq).toBeLessThan(bound);
      expect(r.events.filter((e) => e.device === name && e.message === "BUS_NOTIFY_BIND_DRIVER").length).toBe(1); // the deferred try never reached the probe
      expect(d.state).toBe("bound");
      expect(d.errors).toEqual([]); // the deferral is not the final outcome
      const g = r.groups.find((x) => x.id === d.group)!;
      expect(g.defaultDomain).not.toBeNull();
      expect(d.domain).toBe(g.defaultDomain);
      expect(r.domains.find((x) => x.id === d.domain)!.type).toBe("DMA");
      expect(d.dmaOps).toBe("iommu");
      expect(g.ownerCount).toBe(1); // one use_default_domain that stuck
    }
    // Not behind the SMMU, and the SMMU itself: untouched.
    expect(deferrals(r, "220000.uart")).toEqual([]);
    expect(deferrals(r, "100000.iommu")).toEqual([]);
    expect(r.devices.every((d) => d.state === "bound")).toBe(true);
  });

  it("without the option the same board binds every master the first time", () => {
    const r = run("default-domain-race", { kernel: "6.15", bootargs: "console=ttyAMA0" });
    expect(r.events.some((e) => e.message === "Driver requests probe deferral")).toBe(false);
    expect(r.events.some((e) => e.kind === "note" && e.message.startsWith("driver_async_probe"))).toBe(false);
    for (const name of ["200000.usb", "210000.gpu"]) {
      expect(dev(r, name).state).toBe("bound");
      expect(dev(r, name).dmaOps).toBe("iommu");
    }
  });

  it("a list that does not reach the masters' (assumed) drivers leaves them synchronous", () => {
    const r = run("default-domain-race", { kernel: "6.15", bootargs: "driver_async_probe=arm-smmu-v3" });
    expect(r.events.some((e) => e.message === "Driver requests probe deferral")).toBe(false);
  });

  it("a master already deferred for its unregistered IOMMU is retried inside the window and deferred again", () => {
    const r = run("deferred-probe", { kernel: "6.15", bootargs: "driver_async_probe=*" });
    const usb = "100000.usb";
    expect(deferrals(r, usb).length).toBe(3); // SMMU not registered; registered but not ready; no default domain yet
    expect(r.events.filter((e) => e.device === usb && e.message.startsWith("bind deferred: group")).length).toBe(1);
    expect(dev(r, usb).state).toBe("bound");
    expect(dev(r, usb).dmaOps).toBe("iommu");
    // The IOMMU whose driver never registers still times out as before.
    expect(dev(r, "120000.dsp").errors.map((e) => e.errno)).toContain("-ETIMEDOUT");
  });

  it("only the 6.15+ era reaches the window: earlier kernels ignore the option", () => {
    for (const kernel of ["3.19", "5.19", "6.1", "6.14"]) {
      const on = run("default-domain-race", { kernel, bootargs: "driver_async_probe=*" });
      const off = run("default-domain-race", { kernel, bootargs: "" });
      expect(on.events.map((e) => e.message), kernel).toEqual(off.events.map((e) => e.message));
      expect(JSON.stringify(on.devices), kernel).toBe(JSON.stringify(off.devices));
    }
  });

  it("arm32 per-device mappings made in the window are torn down (arch_teardown_dma_ops) and made again", () => {
    const r = run("default-domain-race", { kernel: "6.15", policy: "per-device" });
    for (const name of ["200000.usb", "210000.gpu"]) {
      const d = dev(r, name);
      expect(deferrals(r, name).length).toBe(2);
      expect(d.dmaOps).toBe("iommu");
      expect(d.errors).toEqual([]);
      expect(r.domains.filter((x) => x.devices.includes(name) && x.owner === "arm-dma-mapping").length).toBe(1); // the first mapping was freed
    }
  });

  it("the race only delays binds: final outcomes on every kernel fixture are those of a synchronous boot", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".dts"));
    let windows = 0;
    for (const f of files) {
      const stem = f.slice(0, -4);
      const hw = readdirSync(dir).includes(`${stem}.hw.json`) ? `${dir}${stem}.hw.json` : undefined;
      for (const policy of [undefined, "per-device"] as const) {
        const on = run(stem, { kernel: "6.15", policy, hwFile: hw, bootargs: "driver_async_probe=*" });
        const off = run(stem, { kernel: "6.15", policy, hwFile: hw, bootargs: "" });
        windows += on.events.filter((e) => e.message.startsWith("bind deferred: group")).length;
        // Group and domain numbers may differ (IDs are handed out in a different order); what each
        // device ends up with may not.
        const outcome = (r: Report) =>
          r.devices.map((d) => {
            const g = r.groups.find((x) => x.id === d.group);
            return [d.name, d.state, d.dmaOps, d.errors.map((e) => `${e.errno} ${e.where}`), g ? g.devices : null, r.domains.find((x) => x.id === d.domain)?.type ?? null];
          });
        expect(outcome(on), `${stem} ${policy ?? "default"}`).toEqual(outcome(off));
      }
    }
    expect(windows).toBeGreaterThan(20);
  });
});
