// Which driver binds each device, as the driver core decides it: bus_probe_device ->
// __device_attach -> bus_for_each_drv -> __device_attach_driver tries the bus's drivers in
// registration order, and the first whose match (platform_match: OF by __of_match_node;
// amba_match: the peripheral ID; pci_bus_match: pci_match_one_device) holds and whose probe
// succeeds binds. The drivers come from the run's DriverCatalog (a driver table of this kernel and
// configuration); the modelled behaviour of a driver is its row in table.ts, found by the
// driver's name. Without a table (--assume-drivers) dtprobe assumes a driver for every DT device.
import type { Device } from "../../graph/index.ts";
import { iommuMatchForCompatible } from "../../iommu/index.ts";
import type { KernelFeatures } from "../../kernel/index.ts";
import type { OfDriver, PciDriver } from "../../kernel-data/index.ts";
import type { ClientDriver, DriverMatch, DriverSource, InitcallLevel, UnboundReason } from "../kernel.ts";
import { ambaPeriphId } from "./amba-ids.ts";
import type { Candidate, DriverCatalog, Selection } from "./catalog.ts";
import { CLIENT_DRIVERS, rowMatches } from "./table.ts";

/** What matching reads besides the device: the kernel's changes, its drivers, the run's cache. */
export interface MatchContext {
  readonly has: KernelFeatures;
  readonly catalog: DriverCatalog;
  /** One answer per distinct compatible list (platform devices share the lists). */
  readonly matches: WeakMap<readonly string[], DriverMatch>;
}

interface MatchFields {
  readonly name: string | null;
  readonly source: DriverSource | null;
  readonly initcall?: InitcallLevel;
  readonly driverManagedDma?: boolean;
  readonly row?: ClientDriver;
  readonly reason?: string;
  readonly unbound?: UnboundReason;
  readonly link?: number;
  readonly module?: string;
  readonly kernelDriver?: OfDriver | PciDriver;
}

function match(f: MatchFields): DriverMatch {
  const managed = f.driverManagedDma ?? false;
  return {
    name: f.name,
    assumed: f.source === "assumed",
    initcall: f.initcall ?? "device",
    driverManagedDma: managed,
    ownsDma: managed && !f.row?.keepsDmaApi,
    reason: f.reason,
    row: f.row,
    source: f.source,
    link: f.link ?? 0,
    module: f.module,
    unbound: f.unbound,
    kernelDriver: f.kernelDriver,
  };
}

const unboundMatch = (unbound: UnboundReason, reason: string): DriverMatch => Object.freeze(match({ name: null, source: null, unbound, reason }));

// The answers shared by many devices, made once (frozen: DriverMatch is read-only).
const ASSUMED: DriverMatch = Object.freeze(match({ name: "(assumed)", source: "assumed" }));
const PCI_NONE = unboundMatch("pci-file", "no driver binds (--pci driver null)");
const UNKNOWN_IOMMU = unboundMatch("unknown-iommu", "unknown IOMMU compatible: no modelled driver");
const PCI_IDS_UNKNOWN = unboundMatch("pci-ids-unknown", "a PCI function the tree describes without vendor-id/device-id: its IDs are read from config space, so which driver binds is not known (give it in --pci)");
const EARLY = unboundMatch("early-init", "initialised early (OF_DECLARE) or no driver: no struct device_driver binds");

const rowByName = (name: string, bus: string) => CLIENT_DRIVERS.find((d) => d.name === name && d.bus === bus);

const resolveManaged = (d: ClientDriver | undefined, has: KernelFeatures, otherwise: boolean) =>
  d?.driverManagedDma === true ? true : d?.driverManagedDma !== undefined ? has[d.driverManagedDma] : otherwise;

/** Which driver binds `dev` (the IOMMU driver for an IOMMU instance's device). */
export function matchDriver(dev: Device, isIommuNode: boolean, ctx: MatchContext): DriverMatch {
  if (dev.bus === "pci") return matchPci(dev, ctx);
  if (isIommuNode) {
    // The IOMMU drivers are modelled in src/iommu; whether this kernel builds one, as a module or
    // built in at which initcall level, is the driver table's (exynos_iommu_init is a core_initcall).
    const m = iommuMatchForCompatible(dev.compatible);
    if (!m) return UNKNOWN_IOMMU;
    if (!ctx.catalog.table) return match({ name: m.driver.name, source: "model", initcall: m.driver.initcall });
    const sel = ctx.catalog.ofSelection(dev.compatible);
    const first = sel.candidates[0];
    if (!first) return unboundMatch(sel.unbound!.code, sel.unbound!.reason);
    return match({ name: m.driver.name, source: "kernel-data", initcall: first.level, link: first.driver.link, module: first.state === "m" ? first.driver.module : undefined, kernelDriver: first.driver });
  }
  if (ctx.catalog.table && dev.bus === "amba") return matchAmba(dev, ctx);
  const list = dev.compatible;
  let m = ctx.matches.get(list);
  if (!m) {
    m = ctx.catalog.table ? matchPlatform(list, ctx) : assumedMatch(list, ctx.has);
    ctx.matches.set(list, m);
  }
  return m;
}

/**
 * A platform device: of_platform_bus_create skips nodes early init code marked OF_POPULATED
 * (of_irq_init, of_clk_init), so no device and no driver; otherwise the first driver to register
 * among those whose OF table matches.
 */
function matchPlatform(list: readonly string[], ctx: MatchContext): DriverMatch {
  const early = ctx.catalog.earlyFor(list);
  if (early?.consumesNode) {
    return unboundMatch("early-init", `initialised by ${early.decl.macro} (${early.decl.file}) at boot, which marks the node populated: of_platform_bus_create creates no device for it`);
  }
  const sel = ctx.catalog.ofSelection(list);
  const kept = sel.candidates.filter((c) => !probeDeclines(c.driver, list));
  if (kept.length === sel.candidates.length) return fromSelection(sel, ctx);
  if (kept.length > 0) return fromCandidate(kept[0]!, ctx);
  const declined = sel.candidates.map((c) => c.driver.name).join(", ");
  return unboundMatch("no-match", `${declined} matches only a generic compatible and its probe declines (-ENODEV) unless that compatible comes first; no other driver for ${list.map((c) => `\`${c}\``).join(", ")} in ${ctx.catalog.label}`);
}

/**
 * Compatibles that simple-pm-bus lists only to bind bus nodes whose *first* compatible they are
 * (simple_pm_bus_probe, drivers/bus/simple-pm-bus.c, 6.1 and 6.12: match data ONLY_BUS, then
 * `of_property_match_string(np, "compatible", match->compatible) == 0` or -ENODEV), so that a
 * `"vendor,x", "simple-mfd"` node is left to a vendor driver.
 */
const ONLY_BUS = new Set(["simple-bus", "simple-mfd", "isa", "arm,amba-bus"]);

/** A matching driver whose probe returns -ENODEV for this node: __device_attach_driver goes on to the next. */
function probeDeclines(d: OfDriver | PciDriver, list: readonly string[]): boolean {
  if (d.name !== "simple-pm-bus" || d.bus !== "platform") return false;
  // The best entry is "simple-pm-bus" itself when listed (a real probe); else an ONLY_BUS one.
  const lower = list.map((c) => c.toLowerCase());
  if (lower.includes("simple-pm-bus")) return false;
  return !(lower.length > 0 && ONLY_BUS.has(lower[0]!));
}

/** amba_match: the peripheral ID against each AMBA driver's amba_id table. */
function matchAmba(dev: Device, ctx: MatchContext): DriverMatch {
  const id = ambaPeriphId(dev);
  if (!id) {
    return unboundMatch(
      "amba-id-unknown",
      `AMBA device: amba_match compares the peripheral ID the kernel reads from the hardware; the tree gives no arm,primecell-periphid and no compatible names the part, so which driver binds is not known (${ctx.catalog.label})`,
    );
  }
  return fromSelection(ctx.catalog.ambaSelection(id.id, id.knownBits, id.what), ctx);
}

function fromCandidate(c: Candidate, ctx: MatchContext): DriverMatch {
  const d = c.driver;
  const row = rowByName(d.name, d.bus);
  return match({
    name: d.name,
    source: "kernel-data",
    initcall: c.level,
    // A row's flag that came with a kernel change follows the emulated version; otherwise the table's.
    driverManagedDma: resolveManaged(row, ctx.has, d.managedDma === true),
    row,
    link: d.link,
    module: c.state === "m" ? d.module : undefined,
    kernelDriver: d,
  });
}

function fromSelection(sel: Selection, ctx: MatchContext): DriverMatch {
  const first = sel.candidates[0];
  if (first) return fromCandidate(first, ctx);
  return unboundMatch(sel.unbound!.code, sel.unbound!.reason);
}

/**
 * A PCI function: the --pci file names its driver (null: none binds); with a table the named
 * driver is looked up for its build state, and a function whose driver the file leaves open is
 * matched against the PCI drivers' ID tables.
 */
function matchPci(dev: Device, ctx: MatchContext): DriverMatch {
  const f = dev.pci!;
  if (f.driver === null) return PCI_NONE;
  const catalog = ctx.catalog;
  if (f.driver === undefined) {
    if (!catalog.table) return ASSUMED;
    // A function described in the tree without vendor-id/device-id: the IDs come from config space.
    if (f.vendor === 0 && f.device === 0) return PCI_IDS_UNKNOWN;
    return fromSelection(catalog.pciSelection(f.vendor, f.device, f.classCode), ctx);
  }
  const row = rowByName(f.driver, "pci");
  const kd = catalog.table ? catalog.pciDriver(f.driver) : undefined;
  // The --pci file says whether the driver sets driver_managed_dma; a row whose flag came with a
  // kernel change (pcieport) follows the kernel.
  const managed = resolveManaged(row, ctx.has, f.driverManagedDma);
  if (!kd) return match({ name: f.driver, source: "pci-file", initcall: row?.builtin ? "device" : "module", driverManagedDma: managed, row });
  const state = catalog.state(kd);
  if (state === "n") return unboundMatch("not-built", `driver ${kd.name} (named by --pci) is not built in ${catalog.label} (${catalog.whyNotBuilt(kd)})`);
  return match({
    name: kd.name,
    source: "pci-file",
    initcall: state === "m" ? "module" : (kd.registration?.level ?? "device"),
    driverManagedDma: managed,
    row,
    link: kd.link,
    module: state === "m" ? kd.module : undefined,
    kernelDriver: kd,
  });
}

// --- without a driver table (--assume-drivers, or no table shipped) ---

/** Compatibles handled by *_OF_DECLARE early init or by no driver at all (the assumption's own list). */
const NO_DRIVER = new Set([
  "syscon",
  "fixed-clock",
  "fixed-factor-clock",
  "arm,psci",
  "arm,psci-0.2",
  "arm,psci-1.0",
  "arm,armv7-timer",
  "arm,armv8-timer",
  "arm,gic-400",
  "arm,gic-v3",
  "arm,cortex-a15-gic",
  "arm,cortex-a9-gic",
  "arm,cortex-a7-gic",
]);

/**
 * The platform/AMBA row whose compatibles match a list: a driver the report names first (anywhere
 * in the list), else a modelled behaviour under the assumed name.
 */
function rowForCompatible(list: readonly string[]): ClientDriver | undefined {
  for (const named of [true, false]) {
    for (const c of list) for (const d of CLIENT_DRIVERS) if (d.bus !== "pci" && !d.reportAssumed === named && rowMatches(d, c)) return d;
  }
  return undefined;
}
/** ASSUMED with a modelled row's behaviour (the report keeps the assumed name). */
const assumedWith = new Map<ClientDriver, DriverMatch>();

/** A DT device without a driver table: a modelled row, early init, or an assumed driver. */
function assumedMatch(list: readonly string[], has: KernelFeatures): DriverMatch {
  const row = rowForCompatible(list);
  if (row && !row.reportAssumed) return match({ name: row.name, source: "model", initcall: row.initcall, driverManagedDma: resolveManaged(row, has, false), row });
  if (list.length > 0 && list.every((c) => NO_DRIVER.has(c))) return EARLY;
  if (!row) return ASSUMED;
  let m = assumedWith.get(row);
  if (!m) assumedWith.set(row, (m = Object.freeze({ ...ASSUMED, row })));
  return m;
}

/** driver_override: the drivers a scenario may bind on a bus (all set driver_managed_dma). */
export function overrideDrivers(bus: string): readonly string[] {
  return CLIENT_DRIVERS.filter((d) => d.override && d.bus === bus).map((d) => d.name);
}

/** The match for binding `driver` with driver_override (device_match_driver_override). */
export function overrideMatch(driver: string, bus: string, ctx: MatchContext): DriverMatch {
  const kd = ctx.catalog.table?.byName(driver).find((d) => d.bus === bus);
  return match({ name: driver, source: "override", initcall: "device", driverManagedDma: true, row: rowByName(driver, bus), link: kd?.link, kernelDriver: kd });
}

/**
 * Modules udev loads at boot: `modprobe` of each device's modalias (udev coldplug) loads a module
 * when one of its drivers exports a matching table (MODULE_DEVICE_TABLE); every driver of a loaded
 * module registers (its module_init), so a driver without a table of its own binds when its
 * module was loaded for another device (adreno in msm.ko, loaded for the MDSS). A match whose
 * module nothing loads becomes unbound. `matches` is every device's match, in device order.
 */
export function modulesLoaded(matches: DriverMatch[], catalog: DriverCatalog): void {
  const loaded = new Set<string>();
  // A driver the --pci file names was bound on the real boot: its module was loaded.
  for (const m of matches) if (m.module !== undefined && (m.kernelDriver?.modalias || m.source === "pci-file")) loaded.add(m.module);
  const unloaded = new Map<DriverMatch, DriverMatch>();
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    if (m.module === undefined || m.source === "pci-file" || m.kernelDriver?.modalias || loaded.has(m.module)) continue;
    let u = unloaded.get(m);
    if (!u) unloaded.set(m, (u = unboundMatch("module-not-loaded", catalog.notLoadedReason(m.kernelDriver!))));
    matches[i] = u;
  }
}
