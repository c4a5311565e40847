// Applies a scenario's steps to the booted emulated kernel, in order. Each step is what user space
// (sysfs writes, VFIO ioctls) or an in-kernel user (iommu_attach_group) does; its result is the
// kernel's return value, and every kernel message it causes lands in the event log under the
// stage "scenario step N".
import type { Device } from "../../graph/index.ts";
import {
  allocDomain,
  attachDevice,
  attachGroup,
  claimDmaOwner,
  detachGroup,
  fail,
  freeDomain,
  freeIfUnused,
  groupSetDomain,
  liveGroups,
  ok,
  opsOf,
  releaseDmaOwner,
  type DomainType,
  type Failure,
  type IommuDomain,
  type IommuGroup,
  type Result,
} from "../../iommu/index.ts";
import { removeDevice } from "../base/core.ts";
import { bindDevice, unbindDevice } from "../base/dd.ts";
import { isVfioDriver } from "../drivers/vfio.ts";
import { stateFor, type DevState, type Kernel } from "../kernel.ts";
import type { Scenario, ScenarioOutcome, ScenarioStep, StepOutcome } from "./types.ts";

interface VfioGroup {
  readonly container: string;
  domain: IommuDomain | null;
}

class ScenarioRunner {
  private readonly byName = new Map<string, Device>();
  private readonly byPath = new Map<string, Device>();
  /** Groups VFIO holds (VFIO_GROUP_SET_CONTAINER done), with the type1 domain they use. */
  private readonly vfio = new Map<IommuGroup, VfioGroup>();
  /** type1: the domains of each container, in creation order. */
  private readonly containers = new Map<string, IommuDomain[]>();
  /** In-kernel users' domains by the name the scenario gives them. */
  private readonly named = new Map<string, IommuDomain>();

  constructor(private readonly k: Kernel) {
    for (const d of k.graph.devices) {
      this.byName.set(d.name, d);
      if (d.path !== null) this.byPath.set(d.path, d);
    }
  }

  private device(step: ScenarioStep): Result<DevState> {
    const key = step.device!;
    const dev = key.startsWith("/") ? this.byPath.get(key) : this.byName.get(key);
    if (!dev) return fail("-ENODEV", "scenario", `no device named ${JSON.stringify(key)}`);
    return ok(stateFor(this.k, dev));
  }

  /** The group a step names: by number (its sysfs directory) or through a member device. */
  private group(step: ScenarioStep): Result<IommuGroup> {
    if (step.group !== undefined) {
      const g = liveGroups(this.k.iommu).find((x) => x.id === step.group);
      return g ? ok(g) : fail("-ENOENT", "iommu_groups", `/sys/kernel/iommu_groups/${step.group} does not exist`);
    }
    const s = this.device(step);
    if (!s.ok) return s;
    const g = s.value.out.group;
    return g ? ok(g) : fail("-ENODEV", "iommu_group_get", `${s.value.dev.name} is not in an IOMMU group`);
  }

  run(step: ScenarioStep): { target: string; result: Result<string> } {
    const target = step.device ?? (step.group !== undefined ? `group ${step.group}` : "");
    const r = this.dispatch(step);
    return { target, result: r };
  }

  private dispatch(step: ScenarioStep): Result<string> {
    const k = this.k;
    switch (step.op) {
      case "unbind": {
        const s = this.device(step);
        if (!s.ok) return s;
        const drv = s.value.out.driver;
        const r = unbindDevice(k, s.value);
        return r.ok ? ok(`${drv} unbound from ${s.value.dev.name}`) : r;
      }
      case "bind": {
        const s = this.device(step);
        if (!s.ok) return s;
        const r = bindDevice(k, s.value, step.driver);
        return r.ok ? ok(`${s.value.out.driver} bound to ${s.value.dev.name}${s.value.out.group ? ` (group ${s.value.out.group.id})` : ""}`) : r;
      }
      case "remove": {
        const s = this.device(step);
        if (!s.ok) return s;
        const r = removeDevice(k, s.value);
        return r.ok ? ok(`${s.value.dev.name} removed`) : r;
      }
      case "vfio-claim":
        return this.vfioClaim(step);
      case "vfio-attach":
        return this.vfioAttach(step);
      case "vfio-release":
        return this.vfioRelease(step);
      case "attach-domain":
        return this.attachDomain(step);
      case "detach-domain":
        return this.detachDomain(step);
      case "sysfs-type":
        return this.sysfsType(step);
    }
  }

  private needOwnership(what: string): Result<void> {
    if (this.k.has.dmaOwnership) return ok(undefined);
    return fail("-EOPNOTSUPP", "scenario", `${what}: the pre-5.19 VFIO viability model (group notifiers) is not emulated; use --kernel 5.19 or later`);
  }

  /** VFIO_GROUP_SET_CONTAINER -> vfio_container_attach_group -> iommu_group_claim_dma_owner. */
  private vfioClaim(step: ScenarioStep): Result<string> {
    const need = this.needOwnership("vfio-claim");
    if (!need.ok) return need;
    const gr = this.group(step);
    if (!gr.ok) return gr;
    const g = gr.value;
    const members = g.devices.map((d) => stateFor(this.k, d));
    if (!members.some((s) => s.out.state === "bound" && isVfioDriver(s.out.driver))) {
      return fail("-ENOENT", "vfio_group_fops_open", `no /dev/vfio/${g.id}: no device of group ${g.id} is bound to a VFIO driver`);
    }
    if (this.vfio.has(g)) return fail("-EINVAL", "vfio_group_ioctl_set_container", `group ${g.id} is already in ${this.vfio.get(g)!.container}`);
    const container = step.container ?? `container-${g.id}`;
    const r = claimDmaOwner(this.k.iommu, g, `vfio:${container}`);
    if (!r.ok) return r;
    this.vfio.set(g, { container, domain: null });
    return ok(`group ${g.id} claimed by ${container} (now on blocking domain ${g.domain!.id})`);
  }

  /** VFIO_SET_IOMMU / a later group: type1 reuses a container domain of the same driver, else allocates one. */
  private vfioAttach(step: ScenarioStep): Result<string> {
    const need = this.needOwnership("vfio-attach");
    if (!need.ok) return need;
    const gr = this.group(step);
    if (!gr.ok) return gr;
    const g = gr.value;
    const v = this.vfio.get(g);
    if (!v) return fail("-EINVAL", "vfio_ioctl_set_iommu", `group ${g.id} is not in a VFIO container (vfio-claim first)`);
    if (v.domain) return fail("-EBUSY", "vfio_iommu_type1_attach_group", `group ${g.id} is already attached to domain ${v.domain.id}`);
    const list = this.containers.get(v.container) ?? [];
    // vfio_iommu_type1_attach_group: try each existing domain of the same IOMMU driver first.
    for (const d of list) {
      if (d.instance.driver !== g.instance.driver) continue;
      if (attachGroup(this.k.iommu, d, g).ok) {
        v.domain = d;
        return ok(`group ${g.id} joined ${v.container}'s domain ${d.id}`);
      }
    }
    const d = allocDomain(this.k.iommu, g.instance, "unmanaged", "vfio");
    if (!d) return { ok: false, failure: this.k.iommu.lastAllocFailure ?? { errno: "-ENOMEM", where: "iommu_paging_domain_alloc", message: "cannot allocate an UNMANAGED domain" } };
    const r = attachGroup(this.k.iommu, d, g);
    if (!r.ok) {
      freeDomain(this.k.iommu, d);
      return r;
    }
    v.domain = d;
    list.push(d);
    this.containers.set(v.container, list);
    return ok(`group ${g.id} attached to new domain ${d.id} of ${v.container}`);
  }

  /** VFIO_GROUP_UNSET_CONTAINER: type1 detaches (freeing an unused domain), ownership is released. */
  private vfioRelease(step: ScenarioStep): Result<string> {
    const gr = this.group(step);
    if (!gr.ok) return gr;
    const g = gr.value;
    const v = this.vfio.get(g);
    if (!v) return fail("-EINVAL", "vfio_group_ioctl_unset_container", `group ${g.id} is not in a VFIO container`);
    if (v.domain) {
      detachGroup(this.k.iommu, v.domain, g);
      if (!liveGroups(this.k.iommu).some((x) => x.domain === v.domain)) {
        const list = this.containers.get(v.container)!;
        list.splice(list.indexOf(v.domain), 1);
        freeIfUnused(this.k.iommu, v.domain);
      }
    }
    this.vfio.delete(g);
    releaseDmaOwner(this.k.iommu, g);
    return ok(`group ${g.id} released; back on ${g.domain ? `domain ${g.domain.id} (${g.domain.type})` : "no domain"}`);
  }

  /** An in-kernel user (DRM-style) attaches its named UNMANAGED domain. */
  private attachDomain(step: ScenarioStep): Result<string> {
    const name = step.domain!;
    let s: DevState | undefined;
    let g: IommuGroup;
    if (step.api === "device") {
      if (step.device === undefined) return fail("-EINVAL", "iommu_attach_device", "api \"device\" needs a device");
      const d = this.device(step);
      if (!d.ok) return d;
      s = d.value;
      if (!s.out.group) return fail("-ENODEV", "iommu_attach_device", `${s.dev.name} is not in an IOMMU group`);
      g = s.out.group;
    } else {
      const gr = this.group(step);
      if (!gr.ok) return gr;
      g = gr.value;
    }
    let domain = this.named.get(name);
    const fresh = !domain;
    if (!domain) {
      // iommu_paging_domain_alloc(dev): the domain belongs to the first user's IOMMU.
      domain = allocDomain(this.k.iommu, g.instance, "unmanaged", name);
      if (!domain) return { ok: false, failure: this.k.iommu.lastAllocFailure ?? { errno: "-ENOMEM", where: "iommu_paging_domain_alloc", message: "cannot allocate an UNMANAGED domain" } };
      this.named.set(name, domain);
    }
    const r = s ? attachDevice(this.k.iommu, domain, s) : attachGroup(this.k.iommu, domain, g);
    if (!r.ok) {
      if (fresh) {
        this.named.delete(name);
        freeDomain(this.k.iommu, domain);
      }
      return r;
    }
    return ok(`group ${g.id} attached to ${name} (domain ${domain.id})`);
  }

  private detachDomain(step: ScenarioStep): Result<string> {
    const name = step.domain!;
    const domain = this.named.get(name);
    if (!domain) return fail("-ENOENT", "scenario", `no domain named ${JSON.stringify(name)} was attached`);
    const gr = this.group(step);
    if (!gr.ok) return gr;
    const g = gr.value;
    const r = detachGroup(this.k.iommu, domain, g);
    if (!r.ok) return r;
    // The user frees its domain once no group uses it (iommu_domain_free).
    if (!liveGroups(this.k.iommu).some((x) => x.domain === domain)) {
      this.named.delete(name);
      freeIfUnused(this.k.iommu, domain);
      return ok(`group ${g.id} back on domain ${g.domain?.id ?? "none"}; ${name} (domain ${domain.id}) freed`);
    }
    return ok(`group ${g.id} back on domain ${g.domain?.id ?? "none"}`);
  }

  /** Writing /sys/kernel/iommu_groups/N/type (iommu_group_store_type). */
  private sysfsType(step: ScenarioStep): Result<string> {
    const k = this.k;
    if (!k.has.groupTypeSysfsWritable) return fail("-EACCES", "iommu_group_store_type", "the type attribute is read-only before 5.11");
    const gr = this.group(step);
    if (!gr.ok) return gr;
    const g = gr.value;
    const want = step.type!;
    if (want === "DMA-FQ" && !k.has.groupTypeDmaFq) return fail("-EINVAL", "iommu_group_store_type", "\"DMA-FQ\" is accepted from 5.15");
    const cur = g.defaultDomain;
    if (!cur) return fail("-EINVAL", "iommu_group_store_type", `group ${g.id} has no default domain`);
    if (k.has.groupTypeLiveSwitch) {
      // DMA -> DMA-FQ is switched live, bound drivers or not.
      if (want === "DMA-FQ" && cur.type === "DMA") {
        (cur as { type: DomainType }).type = "DMA-FQ";
        return ok(`group ${g.id}: domain ${cur.id} now DMA-FQ (flush queue enabled live)`);
      }
      if (g.devices.length === 0 || g.ownerCnt > 0) return fail("-EPERM", "iommu_group_store_type", `group ${g.id} has ${g.ownerCnt} bound driver(s) using the DMA API (owner_cnt ${g.ownerCnt}); unbind them first`);
    } else {
      // iommu_change_dev_def_domain (5.11-6.4): one device, unbound, on its default domain.
      if (g.devices.length !== 1) {
        k.log.emit("log", null, "err", "Cannot change default domain: Group has more than one device", "iommu");
        return fail("-EINVAL", "iommu_change_dev_def_domain", `group ${g.id} has ${g.devices.length} devices`);
      }
      const s = stateFor(k, g.devices[0]!);
      if (s.out.state === "bound") {
        k.log.emit("log", null, "err", "Device is still bound to driver", "iommu");
        return fail("-EBUSY", "iommu_group_store_type", `${s.dev.name} is bound to ${s.out.driver}`);
      }
      if (g.domain !== cur) return fail("-EBUSY", "iommu_change_dev_def_domain", `group ${g.id} is not on its default domain`);
    }
    // iommu_get_default_domain_type(group, target): drivers and untrusted devices may refuse.
    let type: DomainType = want === "auto" ? this.autoType(g) : want;
    for (const d of g.devices) {
      const s = stateFor(k, d);
      if (!s.fwspec) continue;
      let t = opsOf(g.instance).defDomainType(s.fwspec, d, k.iommu);
      if (d.pci?.untrusted) t = "DMA";
      const same = t === type || (t === "DMA" && type === "DMA-FQ");
      if (t && !same && want !== "auto") {
        k.log.emit("log", d, "err", `Device cannot be in ${type} domain`);
        return fail("-EINVAL", "iommu_get_default_domain_type", `${d.name} requires a ${t} domain`);
      }
    }
    if (type === "DMA-FQ" && !opsOf(g.instance).deferredFlush && k.has.deferredFlushCap) type = "DMA";
    if (type === cur.type) return ok(`group ${g.id} already has a ${type} default domain`);
    if (!opsOf(g.instance).supportsType(g.instance, type, k.iommu)) return fail("-EOPNOTSUPP", "iommu_group_alloc_default_domain", `${g.instance.driver!.name} cannot allocate a ${type} domain`);
    const domain = allocDomain(k.iommu, g.instance, type, "default");
    if (!domain) return { ok: false, failure: k.iommu.lastAllocFailure ?? { errno: "-ENOMEM", where: "iommu_group_alloc_default_domain", message: `cannot allocate a ${type} domain` } };
    const onDefault = g.domain === cur;
    if (onDefault) {
      const r = groupSetDomain(k.iommu, g, domain);
      if (!r.ok) {
        freeDomain(k.iommu, domain);
        return r;
      }
    }
    g.defaultDomain = domain;
    freeIfUnused(k.iommu, cur);
    // iommu_setup_dma_ops for every member.
    for (const d of g.devices) {
      const s = stateFor(k, d);
      if (s.match.driverManagedDma && s.out.state === "bound") continue;
      s.out.dmaOps = domain.type === "DMA" || domain.type === "DMA-FQ" ? "iommu" : "direct";
    }
    return ok(`group ${g.id}: default domain ${cur.id} (${cur.type}) replaced by domain ${domain.id} (${domain.type})`);
  }

  /** "auto": the drivers' choice, else the global default. */
  private autoType(g: IommuGroup): DomainType {
    const k = this.k;
    for (const d of g.devices) {
      const s = stateFor(k, d);
      if (!s.fwspec) continue;
      const t = d.pci?.untrusted ? "DMA" : opsOf(g.instance).defDomainType(s.fwspec, d, k.iommu);
      if (t) return t;
    }
    return k.iommu.config.defaultType;
  }
}

const lineOf = (scenario: Scenario, i: number) => {
  const sp = scenario.spans[i]?.step;
  return sp ? sp.file.positionAt(sp.start).line : 0;
};

/** Runs every step; the result of each is recorded, failures do not stop the scenario. */
export function runScenario(k: Kernel, scenario: Scenario): ScenarioOutcome {
  const runner = new ScenarioRunner(k);
  const steps: StepOutcome[] = [];
  scenario.steps.forEach((step, i) => {
    k.log.stage = `scenario step ${i + 1}`;
    const what = `${step.op}${step.device ? ` ${step.device}` : ""}${step.group !== undefined ? ` group ${step.group}` : ""}${step.driver ? ` ${step.driver}` : ""}${step.domain ? ` domain ${step.domain}` : ""}${step.type ? ` ${step.type}` : ""}`;
    k.log.emit("note", null, "info", `step ${i + 1}: ${what}${step.comment ? ` (${step.comment})` : ""}`, "scenario");
    const { target, result } = runner.run(step);
    const f: Failure | null = result.ok ? null : result.failure;
    const message = result.ok ? result.value : f!.message;
    k.log.emit("note", null, result.ok ? "info" : "err", `step ${i + 1}: ${result.ok ? "ok" : `${f!.errno} (${f!.where})`}: ${message}`, "scenario");
    steps.push({ step: i + 1, line: lineOf(scenario, i), op: step.op, target, ok: result.ok, errno: f?.errno ?? null, where: f?.where ?? null, message });
  });
  return { file: scenario.file, steps };
}
