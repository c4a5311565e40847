// The msm DRM device (drivers/gpu/drm/msm/msm_drv.c; msm_kms.c in 6.12): the MDP/DPU driver's
// probe (msm_drv_probe) makes its device a component master whose match list is the devices at
// the other end of its OF graph ports (add_components_mdp: DSI, DP, HDMI, available ones) and the
// first `qcom,adreno`-like node of the tree if available (add_gpu_components). Once every
// component has probed (component_add; taken here as "its driver is bound"), msm_drm_bind ->
// msm_drm_init runs: component_bind_all binds them in match order — the GPU's adreno_bind creates
// its address space (adreno_iommu_create_address_space / a6xx_create_address_space ->
// msm_iommu_new) and, on a GMU-based Adreno (a `qcom,gmu` phandle), a6xx_gmu_init configures the
// GMU's DMA itself (of_dma_configure: no driver binds the GMU) and gives it a domain
// (a6xx_gmu_memory_probe) — then the KMS init gives the display its domain (msm_kms_init_aspace:
// on the MDP/DPU device when it is behind an IOMMU, else on its parent MDSS; mdp4_kms_init on the
// MDP4 itself). A failure fails the whole bind (everything attached is undone). Unbinding the
// master or a component tears it down (msm_drm_unbind). The aggregate of the MDP/DPU rows.
import { addError, ERRNO_VALUES, type Errno, type IommuDomain, type IommuGroup } from "../../iommu/index.ts";
import { ofDeviceIsAvailable, ofFindMatchingNode, ofGraphRemotePortParents, ofParsePhandle, type OfNode } from "../../of/index.ts";
import { setupDmaOps } from "../dma/arch.ts";
import { stateFor, type Aggregate, type DevState, type Kernel } from "../kernel.ts";
import { ofDmaConfigure } from "../of/device.ts";
import { msmIommuNew, type MsmMmu } from "./msm-iommu.ts";
import { describeSwitch, detachAndFree } from "./paging-domain.ts";

/** The device's group now (a function: a call may have given it one since the last test). */
const groupOf = (s: DevState): IommuGroup | null | undefined => s.out.group;

/** msm_gpu_match. */
const GPU_MATCH = new Set(["qcom,adreno", "qcom,adreno-3xx", "amd,imageon", "qcom,kgsl-3d0"]);

interface Composite {
  readonly master: DevState;
  readonly components: readonly OfNode[];
  readonly gpu: OfNode | undefined;
  bound: boolean;
  readonly attached: { domain: IommuDomain; group: IommuGroup; s: DevState }[];
}

/** The msm DRM devices whose master is bound by `masterDriver` (msm_dpu, msm_mdp, mdp4). */
export const msmDrm = (masterDriver: string, kms: "mdp" | "mdp4") => (k: Kernel): Aggregate => new MsmDrm(k, masterDriver, kms);

class MsmDrm implements Aggregate {
  private readonly composites: Composite[] = [];

  constructor(
    private readonly k: Kernel,
    private readonly masterDriver: string,
    private readonly kms: "mdp" | "mdp4",
  ) {}

  private stateOfNode(n: OfNode): DevState | undefined {
    const dev = this.k.graph.byNode.get(n);
    return dev ? stateFor(this.k, dev) : undefined;
  }

  /** msm_drv_probe: the component match list. */
  private compositeFor(master: DevState): Composite {
    let c = this.composites.find((x) => x.master === master);
    if (!c) {
      const node = master.dev.node!;
      const components = ofGraphRemotePortParents(this.k.graph.phandles, node).filter(ofDeviceIsAvailable);
      const gpuNode = ofFindMatchingNode(node, GPU_MATCH);
      const gpu = gpuNode && ofDeviceIsAvailable(gpuNode) ? gpuNode : undefined;
      c = { master, components: gpu ? [...components, gpu] : components, gpu, bound: false, attached: [] };
      this.composites.push(c);
    }
    return c;
  }

  deviceBound(s: DevState): void {
    if (this.k.options.kernel.era === "creation" || !s.dev.node) return;
    if (s.match.row?.name === this.masterDriver) this.compositeFor(s);
    for (const c of this.composites) {
      if (c.bound || c.master.out.state !== "bound") continue;
      const states = c.components.map((n) => this.stateOfNode(n));
      if (states.every((x) => x?.out.state === "bound")) this.bind(c);
    }
  }

  private event(message: string): void {
    this.k.log.emit("note", null, "info", message, "msm");
  }

  /** msm_drm_bind -> msm_drm_init. */
  private bind(c: Composite): void {
    c.bound = true;
    const k = this.k;
    this.event(`msm_drm_bind: ${c.master.dev.name} and its ${c.components.length} component${c.components.length === 1 ? "" : "s"} are bound (component_bind_all, then the KMS init)`);
    // component_bind_all -> adreno_bind: the GPU's address space, then (a6xx) the GMU's.
    const gpu = c.gpu && this.stateOfNode(c.gpu);
    if (gpu) {
      if (!this.give(c, gpu, "msm/gpu", "adreno_bind: msm_gpu_init", `${gpu.dev.name}: no IOMMU, fallback to VRAM carveout!`)) return;
      const gmuNode = ofParsePhandle(k.graph.phandles, gpu.dev.node!, "qcom,gmu");
      if (gmuNode && !this.gmu(c, gmuNode)) return;
    }
    // kms_init + hw_init: msm_kms_init_aspace (mdp4_kms_init on MDP4's own device).
    const mdp = c.master;
    const parent = mdp.dev.parent ? stateFor(k, mdp.dev.parent) : undefined;
    const target = this.kms === "mdp4" || mdp.out.group || !parent ? mdp : parent;
    this.give(c, target, "msm/mdp_kms", this.kms === "mdp4" ? "mdp4_kms_init" : "msm_kms_init_aspace", this.kms === "mdp4" ? "no iommu, fallback to phys contig buffers for scanout" : "no IOMMU, fallback to phys contig buffers for scanout");
  }

  /** a6xx_gmu_init: of_find_device_by_node, of_dma_configure(gmu->dev, node, true), a6xx_gmu_memory_probe. */
  private gmu(c: Composite, node: OfNode): boolean {
    const k = this.k;
    const gmu = this.stateOfNode(node);
    if (!gmu || !gmu.added) return this.fail(c, c.master, "-ENODEV", "a6xx_gmu_init", "no platform device for the qcom,gmu node (of_find_device_by_node)");
    if (!gmu.out.group) {
      if (ofDmaConfigure(k, gmu, false) === "defer") return this.fail(c, gmu, "-EPROBE_DEFER", "of_dma_configure", "the GMU's IOMMU is not registered yet");
      setupDmaOps(k, gmu);
      const g = groupOf(gmu);
      if (g) k.log.note(gmu, `a6xx_gmu_init configured its DMA itself (of_dma_configure): group ${g.id}`);
    }
    // a6xx_gmu_memory_probe: no domain is -ENODEV.
    return this.give(c, gmu, "msm/gmu", "a6xx_gmu_memory_probe", null);
  }

  /** msm_iommu_new on one device; `fallback` null: having no IOMMU fails the bind (-ENODEV). */
  private give(c: Composite, s: DevState, owner: string, fn: string, fallback: string | null): boolean {
    const k = this.k;
    const r: MsmMmu = msmIommuNew(k, s, owner);
    if (r.kind === "attached") {
      c.attached.push({ domain: r.domain, group: r.group, s });
      k.log.note(s, describeSwitch(k, s, r, `${fn} (msm_iommu_new, at the msm DRM device's component bind)`));
      return true;
    }
    if (r.kind === "none") {
      if (fallback === null) return this.fail(c, s, "-ENODEV", fn, r.why);
      k.log.emit("log", c.master.dev, "info", fallback);
      return true;
    }
    return this.fail(c, s, r.errno, r.where, r.message);
  }

  private fail(c: Composite, at: DevState, errno: Errno, where: string, message: string): false {
    const k = this.k;
    this.teardown(c);
    addError(at.out, { errno, where, message });
    k.log.note(at, `the msm DRM bind failed with ${errno} in ${where}: ${message}; what it attached is undone`);
    // try_to_bring_up_aggregate_device (drivers/base/component.c).
    k.log.emit("log", c.master.dev, "info", `adev bind failed: ${ERRNO_VALUES[errno]}`);
    return false;
  }

  private teardown(c: Composite): void {
    for (const a of c.attached.splice(0).reverse()) detachAndFree(this.k, a.domain, a.group);
  }

  /** msm_drm_unbind when the master or a component goes. */
  deviceUnbinding(s: DevState): void {
    for (const c of this.composites) {
      if (!c.bound) continue;
      if (s !== c.master && !c.components.includes(s.dev.node!)) continue;
      this.event(`msm_drm_unbind: ${s.dev.name} is going away`);
      this.teardown(c);
      c.bound = false;
    }
  }
}
