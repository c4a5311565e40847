// Tegra client drivers whose probe does its own IOMMU work, outside the DMA API:
//   host1x    drivers/gpu/host1x/dev.c            host1x_probe -> host1x_iommu_init -> host1x_iommu_attach
//   tegra-vde drivers/media/platform/nvidia/tegra-vde/iommu.c (drivers/staging/media/tegra-vde/
//             before 5.19)                        tegra_vde_probe -> tegra_vde_iommu_init
// On arm32 (ARM_DMA_USE_IOMMU) each first detaches and releases the implicit arm_iommu mapping
// arm_setup_iommu_dma_ops gave it at dma_configure (arm_iommu_detach_device +
// arm_iommu_release_mapping: the mapping's address space is freed, DMA ops fall back to
// dma-direct), then may allocate a paging domain of its own and attach its group to it.
// The DRM clients below host1x do the same in host1x_client_iommu_attach (tegra-drm.ts).
import type { Device } from "../graph/index.ts";
import { ERRNO_VALUES, type Failure, type IommuDomain, type IommuGroup, type Result } from "../iommu/index.ts";
import type { DevState } from "./dev-state.ts";
import type { EmulatedKernel } from "./engine.ts";
import { attachGroup, detachGroup } from "./group-domain.ts";
import { describeSharedRelease } from "./arm-shared-mapping.ts";
import type { KernelFeatures } from "../kernel/index.ts";

/** What the driver's probe decides about its own domain once any arm mapping is gone. */
type OwnDomainPlan = { readonly kind: "none"; readonly why: string } | { readonly kind: "alloc"; readonly where: string };

export interface OwnIommuDriver {
  /** The kernel driver's name (platform_driver.driver.name). */
  readonly driver: string;
  readonly compatible: RegExp;
  /** The kernel function that releases the arm_iommu mapping on this version, or null when it does not. */
  releaseIn(has: KernelFeatures): string | null;
  /** The decision after the release (the device's current domain is read again, as the driver does). */
  plan(k: EmulatedKernel, s: DevState, current: IommuDomain | null): OwnDomainPlan;
  /** dev_err lines the probe prints when its own domain cannot be set up, innermost first. */
  failureLog(errno: number): readonly string[];
}

/** host1x generations whose dma_mask is 32 bits (host1x01/02: Tegra20, Tegra30, Tegra114). */
const HOST1X_32BIT = /^nvidia,tegra(20|30|114)-host1x$/;

/**
 * host1x.
 * - The arm_iommu release: in host1x_probe before "gpu: host1x: Support DMA mapping of buffers"
 *   (af1cbfb9bf0f, 5.5) removed it (it is in the 5.2–5.4 sources; its first version, taken here as
 *   4.19, is not in the stored sources); back in host1x_iommu_attach from "gpu: host1x: Add back
 *   arm_iommu_detach_device()" (d5185965c3b5, 5.17; stable 5.10.y/5.15.y/5.16.y not modelled).
 * - Own domain, 5.5+ (host1x_iommu_attach): none when host1x_wants_iommu is false (Tegra20 GART;
 *   a 32-bit dma_mask with CONFIG_TEGRA_HOST1X_FIREWALL, default y and assumed) or the device
 *   already has a domain (the DMA API's); an IDENTITY domain counts as none from
 *   "gpu: host1x: Do not assume that a NULL domain means no DMA IOMMU" (6.14). Else
 *   iommu_domain_alloc (iommu_paging_domain_alloc later) + iommu_attach_group, -ENODEV tolerated.
 *   Before 5.5 the firewall (default y) skipped the IOMMU set-up outright.
 */
const HOST1X: OwnIommuDriver = {
  driver: "tegra-host1x",
  compatible: /^nvidia,tegra\d+-host1x$/,
  releaseIn: (has) => (has.host1xDetachBack ? "host1x_iommu_attach" : has.host1xReleasesMappingInProbe && !has.host1xDmaMapping ? "host1x_probe" : null),
  plan(k, s, current) {
    if (!k.has.host1xDmaMapping) return { kind: "none", why: "CONFIG_TEGRA_HOST1X_FIREWALL (default y) skips host1x's IOMMU set-up before 5.5" };
    if (k.graph.machineCompatible.includes("nvidia,tegra20")) return { kind: "none", why: "host1x_wants_iommu: not on Tegra20 (GART)" };
    if (s.dev.compatible.some((c) => HOST1X_32BIT.test(c))) return { kind: "none", why: "host1x_wants_iommu: 32-bit dma_mask with CONFIG_TEGRA_HOST1X_FIREWALL (default y)" };
    const identityIsNone = k.has.host1xIdentityIsNoDomain;
    if (current && !(identityIsNone && current.type === "identity")) return { kind: "none", why: `already on domain ${current.id} (${current.type}): host1x_iommu_attach keeps it` };
    return { kind: "alloc", where: "host1x_iommu_attach" };
  },
  failureLog: (errno) => [`failed to attach to IOMMU: ${errno}`, `failed to setup IOMMU: ${errno}`],
};

/**
 * tegra-vde, from "media: staging: tegra-vde: Add IOMMU support" (5.3): with a group, release the
 * arm_iommu mapping, allocate a domain, attach the group; any failure fails the probe.
 */
const VDE: OwnIommuDriver = {
  driver: "tegra-vde",
  compatible: /^nvidia,tegra(20|30|114|124)-vde$/,
  releaseIn: (has) => (has.tegraVdeIommu ? "tegra_vde_iommu_init" : null),
  plan: (k) => (k.has.tegraVdeIommu ? { kind: "alloc", where: "tegra_vde_iommu_init" } : { kind: "none", why: "tegra-vde uses the DMA API before 5.3" }),
  failureLog: (errno) => [`Failed to initialize IOMMU: ${errno}`],
};

/** Drivers that release their arm_iommu mapping and may set up their own domain at probe. */
export const OWN_IOMMU_DRIVERS: readonly OwnIommuDriver[] = [HOST1X, VDE];

/** What every driver pattern above starts with (a prefix test spares the regexes on most devices). */
export const OWN_IOMMU_PREFIX = "nvidia,tegra";

export function ownIommuDriverFor(dev: Device): OwnIommuDriver | undefined {
  if (!dev.node || dev.compatible.length === 0) return undefined;
  // Asked at every bind: without a Tegra compatible no pattern can match (a plain loop, no
  // closure per device).
  let tegra = false;
  for (let i = 0; i < dev.compatible.length && !tegra; i++) tegra = dev.compatible[i]!.startsWith(OWN_IOMMU_PREFIX);
  if (!tegra) return undefined;
  return OWN_IOMMU_DRIVERS.find((d) => dev.compatible.some((c) => d.compatible.test(c)));
}

/**
 * arm_iommu_detach_device + arm_iommu_release_mapping as a driver calls them from its probe: the
 * device returns to its group's default domain (or none), the mapping and its address space are
 * freed. Under the hypothetical shared arm32 policies only the device's reference goes: its group
 * leaves the mapping with the group's last user, the mapping with the last reference. Logs
 * arm_iommu_detach_device's pr_debug line. Returns false when there was no mapping.
 */
export function releaseArmMappingAtProbe(k: EmulatedKernel, s: DevState, where: string): boolean {
  const r = k.releaseArmMapping(s);
  if (!r) return false;
  const m = r.domain;
  k.emit("log", null, "debug", `Detached IOMMU controller from ${s.dev.name} device.`, "");
  if (m.owner === "arm-dma-mapping") {
    k.note(s, `${where} released its arm_iommu mapping (domain ${m.id}): arm_iommu_detach_device + arm_iommu_release_mapping; DMA API now dma-direct`);
  } else {
    k.note(s, `${where} dropped its reference on the shared ${m.owner} arm_iommu mapping (domain ${m.id}): arm_iommu_detach_device + arm_iommu_release_mapping; DMA API now dma-direct; ${describeSharedRelease(r, s.out.domain === m)}`);
  }
  return true;
}

/** The success every client probe without its own IOMMU work returns (one object, read-only). */
const OK: Result<void> = Object.freeze({ ok: true, value: undefined });

/** The probe-time IOMMU work of the drivers above, and its undoing at remove. */
export class TegraOwnIommu {
  /** Domains the drivers allocated, per device (host1x->domain, vde->domain). */
  private readonly owned = new Map<DevState, { domain: IommuDomain; group: IommuGroup }>();

  constructor(private readonly k: EmulatedKernel) {}

  /** Called from the client driver's probe; a failure fails the probe. */
  probe(s: DevState): Result<void> {
    const k = this.k;
    if (k.kernel.era === "creation") return OK;
    const drv = ownIommuDriverFor(s.dev);
    if (!drv) return OK;
    const g = s.out.group;
    // tegra_vde_iommu_init / host1x_iommu_attach: iommu_group_get; no group, no IOMMU work.
    if (!g) return { ok: true, value: undefined };
    const where = drv.releaseIn(k.has);
    const released = where !== null && releaseArmMappingAtProbe(k, s, where);
    const current = s.out.domain ?? g.domain;
    const plan = drv.plan(k, s, current);
    if (plan.kind === "none") {
      // Said only after a release, where it explains why the device is left without a domain.
      if (released) k.emit("note", s.dev, "debug", `${drv.driver}: no domain of its own (${plan.why})`);
      return { ok: true, value: undefined };
    }
    const domain = k.allocDomain(g.instance, "unmanaged", drv.driver);
    if (!domain) {
      const f: Failure = { errno: "-ENOMEM", where: plan.where, message: `${drv.driver} cannot allocate its own domain on ${g.instance.path}` };
      return this.fail(s, drv, f);
    }
    const r = attachGroup(k, domain, g);
    if (!r.ok) {
      k.freeDomain(domain);
      // host1x_iommu_attach treats -ENODEV from iommu_attach_group as "no IOMMU".
      if (drv === HOST1X && r.failure.errno === "-ENODEV") return { ok: true, value: undefined };
      return this.fail(s, drv, r.failure);
    }
    this.owned.set(s, { domain, group: g });
    k.note(s, `${plan.where} attached group ${g.id} to ${drv.driver}'s own UNMANAGED domain ${domain.id}`);
    return { ok: true, value: undefined };
  }

  private fail(s: DevState, drv: OwnIommuDriver, f: Failure): Result<void> {
    for (const line of drv.failureLog(ERRNO_VALUES[f.errno])) this.k.emit("log", s.dev, "err", line);
    return { ok: false, failure: f };
  }

  /** host1x_iommu_exit / tegra_vde_iommu_deinit at remove: detach the group, free the domain. */
  remove(s: DevState): void {
    const o = this.owned.get(s);
    if (!o) return;
    this.owned.delete(s);
    if (o.group.domain === o.domain) detachGroup(this.k, o.domain, o.group);
    this.k.freeDomain(o.domain);
  }
}
