// The Exynos DRM device (drivers/gpu/drm/exynos/exynos_drm_drv.c, exynos_drm_dma.c): exynos_drm_init
// registers the sub-drivers of exynos_drm_drivers[] and then the "exynos-drm" master, whose match
// list (exynos_drm_match_add) is every device each component driver matches, driver by driver in
// that array's order. Once all of them are bound, exynos_drm_bind -> component_bind_all binds
// them in that order, and the display/processing components (FIMD, DECON, mixer, G2D, GSC,
// rotator, scaler) call exynos_drm_register_dma: the first becomes the DRM device's DMA device
// ("using %s device for DMA mapping operations", all buffers are mapped through it), and with
// CONFIG_EXYNOS_IOMMU every such device is attached to one shared domain:
// - arm32 (ARM_DMA_USE_IOMMU): a new arm_iommu mapping (arm_iommu_create_mapping at 0x20000000,
//   1 GiB); each device detaches from its own mapping (kept, restored at unbind) and
//   arm_iommu_attach_device()s the shared one;
// - arm64 (IOMMU_DMA): the DMA device's current domain (iommu_get_domain_for_dev: its default
//   DMA domain), which every other device iommu_attach_device()s — they leave their own default
//   domains, and the DMA device's DMA API maps for all of them.
// A device whose DMA ops differ from the DMA device's gets "Device %s lacks support for IOMMU"
// (-EINVAL); FIMD, DECON, mixer and G2D fail their bind with the error (and so the whole DRM
// device), GSC, rotator and scaler ignore it. Same in 6.1 and 6.12. FIMC (only the instances
// fimc_mask selects by alias) is not modelled.
import type { Device } from "../../graph/index.ts";
import { allocDomain, attachDevice, detachGroup, ERRNO_VALUES, freeDomain, type Errno, type IommuDomain } from "../../iommu/index.ts";
import { armIommuDetachDevice } from "../dma/arm-dma-mapping.ts";
import { stateFor, type Aggregate, type ClientDriver, type DevState, type Kernel } from "../kernel.ts";

/** How a component's bind treats exynos_drm_register_dma: not called, its error fails the bind, or ignored. */
type RegistersDma = "no" | "fails" | "ignores";

interface Component {
  readonly row: ClientDriver;
  readonly dma: RegistersDma;
  /** Its struct component_ops (component.c's "failed to bind %s (ops %ps)"). */
  readonly ops: string;
}

/** The "exynos-drm" device's log prefix (a virtual platform device, not in the device tree). */
const MASTER = "exynos-drm exynos-drm";

const component = (name: string, ops: string, compatible: readonly string[], dma: RegistersDma, first = false): Component => ({
  row: {
    name,
    bus: "platform",
    initcall: "device",
    reportAssumed: true,
    compatible: compatible.map((c) => `samsung,${c}`),
    // The composite, once per run: carried by the first row.
    ...(first ? { aggregate: (k: Kernel): Aggregate => new ExynosDrm(k) } : {}),
  },
  dma,
  ops,
});

/** exynos_drm_drivers[] (DRM_COMPONENT_DRIVER entries; FIMC, VIDI left out), with their of_match_tables. */
const COMPONENTS: readonly Component[] = [
  component("exynos4-fb", "fimd_component_ops", ["s3c6400-fimd", "s5pv210-fimd", "exynos3250-fimd", "exynos4210-fimd", "exynos5250-fimd", "exynos5420-fimd"], "fails", true),
  component("exynos5433-decon", "decon_component_ops", ["exynos5433-decon", "exynos5433-decon-tv"], "fails"),
  component("exynos-decon", "decon_component_ops", ["exynos7-decon"], "fails"),
  component("exynos-mixer", "mixer_component_ops", ["exynos4210-mixer", "exynos4212-mixer", "exynos5-mixer", "exynos5250-mixer", "exynos5420-mixer"], "fails"),
  component("exynos-dp", "exynos_dp_ops", ["exynos5-dp"], "no"),
  component("exynos-dsi", "exynos_dsi_component_ops", ["exynos3250-mipi-dsi", "exynos4210-mipi-dsi", "exynos5410-mipi-dsi", "exynos5422-mipi-dsi", "exynos5433-mipi-dsi"], "no"),
  component("exynos-mic", "exynos_mic_component_ops", ["exynos5433-mic"], "no"),
  component("exynos-hdmi", "hdmi_component_ops", ["exynos4210-hdmi", "exynos4212-hdmi", "exynos5420-hdmi", "exynos5433-hdmi"], "no"),
  component("exynos-drm-g2d", "g2d_component_ops", ["exynos5250-g2d", "exynos4212-g2d"], "fails"),
  component("exynos-rotator", "rotator_component_ops", ["s5pv210-rotator", "exynos4210-rotator", "exynos4212-rotator", "exynos5250-rotator"], "ignores"),
  component("exynos-scaler", "scaler_component_ops", ["exynos5420-scaler", "exynos5433-scaler"], "ignores"),
  component("exynos-drm-gsc", "gsc_component_ops", ["exynos5-gsc", "exynos5250-gsc", "exynos5420-gsc", "exynos5433-gsc"], "ignores"),
];

const byRow = new Map<ClientDriver, number>(COMPONENTS.map((c, i) => [c.row, i]));

/** What one bind attached: the device, its own arm mapping to restore (arm32). */
interface Attached {
  readonly s: DevState;
  readonly own: IommuDomain | undefined;
}

class ExynosDrm implements Aggregate {
  private bound = false;
  private mapping: IommuDomain | null = null;
  /** The arm32 mapping this bind created (freed at unbind); arm64 borrows the DMA device's domain. */
  private created = false;
  private attached: Attached[] = [];
  /** Whether the board has a component at all (most boards do not). */
  private components: DevState[] | undefined;

  constructor(private readonly k: Kernel) {}

  /** exynos_drm_match_add: the devices each component driver matches, in driver order. */
  private matchList(): DevState[] {
    if (!this.components) {
      const list: { s: DevState; i: number }[] = [];
      for (const d of this.k.graph.devices) {
        const i = this.componentIndex(d);
        if (i !== undefined) list.push({ s: stateFor(this.k, d), i });
      }
      // Stable: devices of one driver keep device order.
      this.components = list.sort((a, b) => a.i - b.i).map((x) => x.s);
    }
    return this.components.filter((s) => s.added);
  }

  private componentIndex(d: Device): number | undefined {
    const row = stateFor(this.k, d).match.row;
    return row ? byRow.get(row) : undefined;
  }

  deviceBound(s: DevState): void {
    if (this.bound || this.k.options.kernel.era === "creation") return;
    const row = s.match.row;
    if (!row || !byRow.has(row)) return;
    const list = this.matchList();
    if (list.length === 0 || list.some((c) => c.out.state !== "bound")) return;
    this.bind(list);
  }

  private event(message: string): void {
    this.k.log.emit("note", null, "info", message, "exynos-drm");
  }

  /** exynos_drm_bind -> component_bind_all. */
  private bind(list: DevState[]): void {
    this.bound = true;
    this.event(`exynos_drm_bind: ${list.length} component${list.length === 1 ? "" : "s"} bound (component_bind_all)`);
    let dmaDev: DevState | undefined;
    for (const s of list) {
      const c = COMPONENTS[byRow.get(s.match.row!)!]!;
      if (c.dma === "no") continue;
      if (!dmaDev) {
        dmaDev = s;
        this.k.log.emit("log", null, "info", `Exynos DRM: using ${s.dev.name} device for DMA mapping operations`, "[drm]");
      }
      const err = this.registerDma(s, dmaDev);
      if (err === null) continue;
      if (c.dma === "ignores") {
        this.k.log.note(s, `exynos_drm_register_dma failed with ${err}; ${c.row.name}'s bind ignores it`);
        continue;
      }
      this.k.log.note(s, `exynos_drm_register_dma failed with ${err}: the component bind and the Exynos DRM bind fail; what was attached is restored`);
      if (c.row.name === "exynos-drm-g2d") this.k.log.emit("log", s.dev, "err", "failed to enable iommu.");
      this.k.log.emit("log", null, "err", `failed to bind ${s.dev.name} (ops ${c.ops}): ${ERRNO_VALUES[err]}`, MASTER);
      this.k.log.emit("log", null, "info", `adev bind failed: ${ERRNO_VALUES[err]}`, MASTER);
      this.teardown();
      return;
    }
  }

  /** exynos_drm_register_dma for one component: null, or the errno it returns. */
  private registerDma(s: DevState, dmaDev: DevState): Errno | null {
    const k = this.k;
    // `if (!IS_ENABLED(CONFIG_EXYNOS_IOMMU)) return 0;` after choosing the DMA device: under a
    // driver table whose configuration lacks it, nothing is attached (without a table it is taken as set).
    if (k.drivers.catalog.table?.value("CONFIG_EXYNOS_IOMMU") === "n") return null;
    const arm = k.dma.armDmaMapping;
    if (!this.mapping) {
      const g = dmaDev.out.group;
      if (arm) {
        // arm_iommu_create_mapping(dev, 0x20000000, 0x40000000) on the DMA device's IOMMU.
        const d = g ? allocDomain(k.iommu, g.instance, "unmanaged", "exynos-drm") : undefined;
        if (!d) return "-ENODEV";
        this.mapping = d;
        this.created = true;
      } else {
        // iommu_get_domain_for_dev(priv->dma_dev).
        const d = g ? (dmaDev.out.domain ?? g.domain) : null;
        if (!d) return "-ENODEV";
        this.mapping = d;
      }
    }
    // drm_iommu_attach_device: the DMA ops must be the DMA device's.
    if (s.out.dmaOps !== dmaDev.out.dmaOps && s !== dmaDev) {
      k.log.emit("log", s.dev, "err", `Device ${s.dev.name} lacks support for IOMMU`);
      return "-EINVAL";
    }
    const mapping = this.mapping;
    if (!arm && s.out.group?.domain === mapping) return null; // the DMA device itself: already there
    const own = arm ? armIommuDetachDevice(k, s) : undefined;
    const r = attachDevice(k.iommu, mapping, s);
    if (!r.ok) {
      if (own) attachDevice(k.iommu, own, s);
      k.log.note(s, `exynos_drm_register_dma: attaching to the Exynos DRM domain ${mapping.id} failed with ${r.failure.errno} in ${r.failure.where}: ${r.failure.message}`);
      return r.failure.errno;
    }
    if (arm) s.out.dmaOps = "iommu";
    this.attached.push({ s, own });
    const g = s.out.group!;
    const how = arm ? `detached from its own arm_iommu mapping${own ? ` (domain ${own.id}, kept to restore)` : ""} and attached to the shared Exynos DRM mapping, domain ${mapping.id}` : `moved group ${g.id} to ${dmaDev.dev.name}'s domain ${mapping.id}, which ${dmaDev.dev.name}'s DMA API maps for every Exynos DRM device`;
    k.log.note(s, `exynos_drm_register_dma ${how}`);
    return null;
  }

  /** exynos_drm_unregister_dma for each attached device, exynos_drm_cleanup_dma. */
  private teardown(): void {
    const k = this.k;
    for (const a of this.attached.splice(0).reverse()) {
      const g = a.s.out.group;
      if (!g || !this.mapping || g.domain !== this.mapping) continue;
      detachGroup(k.iommu, this.mapping, g);
      if (a.own) {
        // arm_iommu_attach_device(dev, *dma_priv): back on its own mapping.
        if (attachDevice(k.iommu, a.own, a.s).ok) a.s.out.dmaOps = "iommu";
      }
    }
    if (this.mapping && this.created) freeDomain(k.iommu, this.mapping);
    this.mapping = null;
    this.created = false;
  }

  /** exynos_drm_unbind when a component goes. */
  deviceUnbinding(s: DevState): void {
    if (!this.bound) return;
    const row = s.match.row;
    if (!row || !byRow.has(row)) return;
    this.event(`exynos_drm_unbind: ${s.dev.name} is going away`);
    this.teardown();
    this.bound = false;
  }
}

/** The component rows; the first carries the composite. */
export const EXYNOS_DRM_COMPONENTS: readonly ClientDriver[] = COMPONENTS.map((c) => c.row);
