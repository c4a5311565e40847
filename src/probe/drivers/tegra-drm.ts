// The Tegra DRM composite device (drivers/gpu/drm/tegra/drm.c, drivers/gpu/host1x/bus.c): when
// host1x and every DRM subdevice below it have bound, host1x_drm_probe runs. If host1x_drm_wants_iommu
// it allocates ONE shared UNMANAGED domain, and each client's host1x_client_iommu_attach moves the
// client's group into it, unless the client already translates through a non-identity DMA-API
// domain (then it keeps that). On arm32 the client's implicit arm_iommu mapping is released first.
// Unbinding host1x or a subdevice tears the composite down (host1x_drm_remove: groups detach,
// the domain is freed). The aggregate of the host1x row (tegra-host1x.ts). The composite's own
// device, "drm" on the host1x bus (host1x_device_add), gets no dma_configure and sits on no bus the
// IOMMU core probes: it has no group and no DMA of its own, so the model does not create it. Its
// probe is really_probe's all the same (call_driver_probe -> host1x_device_probe ->
// host1x_drm_probe): a failure is logged by its name as call_driver_probe logs any device's.
import type { Device } from "../../graph/index.ts";
import { addError, allocDomain, attachGroup, detachGroup, ERRNO_VALUES, freeDomain, type IommuDomain, type IommuGroup, type IommuInstance } from "../../iommu/index.ts";
import { ofChildren, ofCompatible, ofDeviceIsAvailable, ofGetParent, type OfNode } from "../../of/index.ts";
import { logCallDriverProbeFailure } from "../base/dd-call-driver-probe.ts";
import { armSharedUsers, releaseArmMappingAtProbe } from "../dma/arm-dma-mapping.ts";
import { stateFor, type Aggregate, type DevState, type Kernel } from "../kernel.ts";

/** host1x_drm_subdevs. */
const SUBDEVS = new Set(
  [
    "tegra20-dc", "tegra20-hdmi", "tegra20-gr2d", "tegra20-gr3d", "tegra30-dc", "tegra30-hdmi", "tegra30-gr2d", "tegra30-gr3d",
    "tegra114-dsi", "tegra114-hdmi", "tegra114-gr3d", "tegra124-dc", "tegra124-sor", "tegra124-hdmi", "tegra124-dsi", "tegra124-vic",
    "tegra132-dsi", "tegra210-dc", "tegra210-dsi", "tegra210-sor", "tegra210-sor1", "tegra210-vic", "tegra186-display", "tegra186-dc",
    "tegra186-sor", "tegra186-sor1", "tegra186-vic", "tegra194-display", "tegra194-dc", "tegra194-sor", "tegra194-vic",
  ].map((c) => `nvidia,${c}`),
);
/** Clients whose init calls host1x_client_iommu_attach (display controllers, hub, 2D/3D, VIC). */
const ATTACHES = /^nvidia,tegra\d+-(dc|display|gr2d|gr3d|vic)$/;
const HOST1X = /^nvidia,tegra\d+-host1x$/;
/** host1x_drm_driver.driver.name, and the composite device's name (host1x_device_add names it after its driver). */
const DRM = "drm";
const HOST1X_PREFIX = "nvidia,tegra";
/** host1x generations whose GATHER opcode addresses 32 bits (host1x_get_dma_mask <= 32 bits). */
const HOST1X_32BIT = new Set(["nvidia,tegra20-host1x", "nvidia,tegra30-host1x", "nvidia,tegra114-host1x"]);

const isSubdev = (n: OfNode) => ofDeviceIsAvailable(n) && ofCompatible(n).some((c) => SUBDEVS.has(c));

interface Composite {
  readonly host: DevState;
  /** host1x_device_parse_dt: matching children, and matching children of those (display hub). */
  readonly subdevs: readonly OfNode[];
  probed: boolean;
  domain: IommuDomain | null;
  attached: IommuGroup[];
}

/** The composite of one run. */
export const tegraDrm = (k: Kernel): Aggregate => new TegraDrm(k);

class TegraDrm implements Aggregate {
  private readonly composites = new Map<Device, Composite>();

  constructor(private readonly k: Kernel) {}

  private compositeFor(host: DevState): Composite {
    let c = this.composites.get(host.dev);
    if (!c) {
      const subdevs: OfNode[] = [];
      for (const child of ofChildren(host.dev.node!)) {
        if (!isSubdev(child)) continue;
        subdevs.push(child);
        for (const grand of ofChildren(child)) if (isSubdev(grand)) subdevs.push(grand);
      }
      c = { host, subdevs, probed: false, domain: null, attached: [] };
      this.composites.set(host.dev, c);
    }
    return c;
  }

  /** When each device below a host1x bound (last bind wins after an unbind and a rebind). */
  private readonly bindOrder = new Map<DevState, number>();
  private binds = 0;

  /** Whether the board has a host1x at all (computed once; most boards do not). */
  private anyHost: boolean | undefined;

  /**
   * Whether some device's compatible is a host1x one. A prefix test before the regex (HOST1X
   * starts with it): this visits every compatible string of the board once.
   */
  private static boardHasHost1x(devices: readonly Device[]): boolean {
    for (let i = 0; i < devices.length; i++) {
      const compatible = devices[i]!.compatible;
      for (let j = 0; j < compatible.length; j++) {
        const c = compatible[j]!;
        if (c.startsWith(HOST1X_PREFIX) && HOST1X.test(c)) return true;
      }
    }
    return false;
  }

  /** The host1x device a bound device belongs to (itself, its parent or grandparent node). */
  private hostOf(s: DevState): DevState | undefined {
    this.anyHost ??= TegraDrm.boardHasHost1x(this.k.graph.devices);
    if (!this.anyHost) return undefined;
    for (let n: OfNode | null = s.dev.node, i = 0; n && i < 3; n = ofGetParent(n), i++) {
      if (!ofCompatible(n).some((c) => HOST1X.test(c))) continue;
      const dev = this.k.graph.byNode.get(n);
      return dev ? stateFor(this.k, dev) : undefined;
    }
    return undefined;
  }

  /** After any successful bind: the composite probes once host1x and all subdevices are bound. */
  deviceBound(s: DevState): void {
    if (this.k.options.kernel.era === "creation" || !s.dev.node) return;
    const host = this.hostOf(s);
    if (!host) return;
    // host1x_client_register in the client's probe: device->clients is in bind order.
    this.bindOrder.set(s, this.binds++);
    if (host.out.state !== "bound") return;
    const c = this.compositeFor(host);
    if (c.probed || c.subdevs.length === 0) return;
    const clients: DevState[] = [];
    for (const n of c.subdevs) {
      const dev = this.k.graph.byNode.get(n);
      const cs = dev && stateFor(this.k, dev);
      if (!cs || cs.out.state !== "bound") return;
      clients.push(cs);
    }
    // host1x_device_init walks device->clients: the order the clients registered (bound).
    clients.sort((a, b) => this.bindOrder.get(a)! - this.bindOrder.get(b)!);
    this.probe(c, clients);
  }

  private event(message: string): void {
    this.k.log.emit("note", null, "info", message, DRM);
  }

  private wantsIommu(c: Composite): boolean {
    if (this.k.graph.machineCompatible.includes("nvidia,tegra20")) return false;
    const g = c.host.out.group;
    if (g && (c.host.out.domain ?? g.domain)) return true;
    return c.host.dev.compatible.some((x) => HOST1X_32BIT.has(x));
  }

  /** host1x_drm_probe. */
  private probe(c: Composite, clients: DevState[]): void {
    c.probed = true;
    this.event(`host1x_drm_probe: ${clients.length} subdevices of ${c.host.dev.name} bound`);
    const k = this.k;
    // The shared domain is allocated up front and freed when no client takes it; allocating it at
    // the first client that does is the same outcome without a short-lived domain in the report.
    let inst: IommuInstance | null = null;
    if (this.wantsIommu(c)) {
      // 6.13+: iommu_paging_domain_alloc(host1x) needs host1x itself mapped; before: any IOMMU on the platform bus.
      inst = k.has.tegraDrmPagingDomainOnHost ? (c.host.out.group?.instance ?? null) : (clients.find((x) => x.out.group)?.out.group!.instance ?? c.host.out.group?.instance ?? k.iommu.instances.find((i) => i.registered) ?? null);
    }
    let domain: IommuDomain | null = null;
    this.event(inst ? `host1x_drm_probe: a shared UNMANAGED domain on ${inst.path} for the clients` : "host1x_drm_probe: no shared domain (host1x_drm_wants_iommu false or no IOMMU)");
    for (const cs of clients) {
      if (!cs.dev.compatible.some((x) => ATTACHES.test(x))) continue;
      // host1x_client_iommu_attach.
      releaseArmMappingAtProbe(k, cs, "host1x_client_iommu_attach");
      const g = cs.out.group;
      const cur = g ? (cs.out.domain ?? g.domain) : null;
      if (cur && cur.type !== "identity" && cur !== domain) {
        const users = armSharedUsers(k, cur);
        if (users !== undefined) k.log.note(cs, `tegra-drm leaves it on domain ${cur.id}: its group is still attached to the shared ${cur.owner} arm_iommu mapping (${users} other member${users === 1 ? " holds" : "s hold"} a reference), and host1x_client_iommu_attach keeps a client that is already on a non-DRM domain`);
        else k.log.note(cs, `tegra-drm leaves it on its DMA-API domain ${cur.id} (${cur.type})`);
        continue;
      }
      if (!inst) continue;
      if (!g) continue; // -ENODEV: tolerated by the client
      if (cur && cur === domain) continue;
      if (!domain) {
        domain = allocDomain(k.iommu, inst, "unmanaged", "tegra-drm") ?? null;
        if (!domain) {
          this.fail(c, cs, "-ENOMEM", "host1x_drm_probe", "cannot allocate the shared domain");
          return;
        }
        c.domain = domain;
      }
      const r = attachGroup(k.iommu, domain, g);
      if (!r.ok) {
        k.log.emit("log", cs.dev, "err", `failed to attach to domain: ${ERRNO_VALUES[r.failure.errno]}`);
        // host1x_device_init: the client's init failed, the composite's devices tear down.
        k.log.emitNamed("log", DRM, "err", `failed to initialize ${cs.dev.name}: ${ERRNO_VALUES[r.failure.errno]}`, DRM);
        addError(cs.out, r.failure);
        this.fail(c, cs, r.failure.errno, r.failure.where, r.failure.message);
        return;
      }
      c.attached.push(g);
      k.log.note(cs, `tegra-drm attached group ${g.id} to the shared domain ${domain.id}`);
    }
    if (inst && !domain) this.event("host1x_drm_probe: no client uses the shared domain; freed");
  }

  /** A failed composite probe unwinds: detach what was attached, free the domain. */
  private fail(c: Composite, at: DevState, errno: keyof typeof ERRNO_VALUES, where: string, message: string): void {
    this.teardown(c);
    // really_probe -> call_driver_probe -> host1x_device_probe -> host1x_drm_probe.
    logCallDriverProbeFailure(this.k, DRM, DRM, ERRNO_VALUES[errno]);
    this.k.log.note(at, `tegra-drm composite probe failed with ${errno} in ${where}: ${message}`);
  }

  private teardown(c: Composite): void {
    for (const g of c.attached) if (c.domain) detachGroup(this.k.iommu, c.domain, g);
    c.attached = [];
    if (c.domain) freeDomain(this.k.iommu, c.domain);
    c.domain = null;
  }

  /** Before host1x or a subdevice unbinds: host1x_drm_remove (host1x_remove unregisters the bus first). */
  deviceUnbinding(s: DevState): void {
    const host = this.hostOf(s);
    if (!host) return;
    const c = this.composites.get(host.dev);
    if (!c || !c.probed) return;
    if (s !== host && !c.subdevs.includes(s.dev.node!)) return;
    this.event(`host1x_drm_remove: ${s.dev.name} is going away`);
    this.teardown(c);
    c.probed = false;
  }
}
