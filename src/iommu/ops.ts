// The IOMMU core's view of a driver: every hook present, a missing one replaced by what the core
// does when the op is NULL, and the capabilities answered for the kernel in force. The core calls
// drivers only through this (never a driver's hook directly, never its private state).
import type { Device } from "../graph/index.ts";
import { since, type IommuCoreApi, type IommuDriver, type Fwspec, type IommuDomain, type IommuGroup, type IommuInstance } from "./driver.ts";
import { fail, ok, type DomainType, type Result } from "./types.ts";

export interface IommuOps {
  readonly driver: IommuDriver;
  probeInstance(inst: IommuInstance, core: IommuCoreApi): Result<void>;
  ofXlate(inst: IommuInstance, dev: Device, args: readonly number[], fwspec: Fwspec, core: IommuCoreApi): Result<void>;
  probeDevice(fwspec: Fwspec, dev: Device, core: IommuCoreApi): Result<void>;
  releaseDevice(fwspec: Fwspec, dev: Device, core: IommuCoreApi): void;
  deviceGroup(fwspec: Fwspec, dev: Device, core: IommuCoreApi): Result<IommuGroup>;
  /** The instance that translates for the master (the fwspec's first unless the driver picks). */
  translatingInstance(fwspec: Fwspec, dev: Device): IommuInstance;
  defDomainType(fwspec: Fwspec, dev: Device, core: IommuCoreApi): DomainType | undefined;
  /** domain_alloc of `type` succeeds on this instance and kernel. */
  supportsType(inst: IommuInstance, type: DomainType, core: IommuCoreApi): boolean;
  allocDomain(domain: IommuDomain, core: IommuCoreApi): Result<void>;
  attachDev(domain: IommuDomain, dev: Device, fwspec: Fwspec, core: IommuCoreApi): Result<void>;
  detachDev(domain: IommuDomain, dev: Device, core: IommuCoreApi): void;
  freeDomain(domain: IommuDomain, core: IommuCoreApi): void;
  aperture(inst: IommuInstance): { start: bigint; end: bigint };
  /** domain->pgsize_bitmap of a paging domain. */
  pgsizeBitmap(inst: IommuInstance): bigint;
  /** ops->blocked_domain exists on this kernel. */
  hasBlockedDomain(core: IommuCoreApi): boolean;
  /** The core probes this driver's masters at BUS_NOTIFY_ADD_DEVICE on this kernel (bus-ops era). */
  probesAtAdd(core: IommuCoreApi): boolean;
  readonly dtReservedRegions: boolean;
  readonly deferredFlush: boolean;
  readonly multiInstance: boolean;
  /** The `used` counters of address spaces / context banks (IommuCaps.counters). */
  readonly counters: { readonly addressSpaces?: string; readonly contextBanks?: string };
  unconfiguredStreamsFault(inst: IommuInstance, boolParams: ReadonlyMap<string, boolean>): string | undefined;
}

/** SZ_4K | SZ_2M | SZ_1G: io-pgtable-arm's sizes with 4 KiB CPU pages (Debian's arm64 and armmp kernels). */
const SZ_4K_2M_1G = 0x1000n | 0x20_0000n | 0x4000_0000n;

const opsByDriver = new WeakMap<IommuDriver, IommuOps>();

/** The driver as the core calls it (built once per driver). */
export function iommuOps(driver: IommuDriver): IommuOps {
  let ops = opsByDriver.get(driver);
  if (!ops) {
    ops = complete(driver);
    opsByDriver.set(driver, ops);
  }
  return ops;
}

function complete(d: IommuDriver): IommuOps {
  const caps = d.caps;
  const domainCap = (type: DomainType) =>
    type === "identity" ? caps.domains.identity : type === "DMA" ? caps.domains.dma : type === "DMA-FQ" ? caps.domains.dmaFq : type === "unmanaged" ? caps.domains.unmanaged : caps.blockedDomain;
  return {
    driver: d,
    probeInstance: d.probeInstance ? (i, c) => d.probeInstance!(i, c) : () => ok(undefined),
    // of_iommu_xlate: `(ops && !ops->of_xlate)` is -ENODEV.
    ofXlate: d.ofXlate ? (i, dev, a, f, c) => d.ofXlate!(i, dev, a, f, c) : () => fail("-ENODEV", "of_iommu_xlate", `${d.name} has no of_xlate`),
    probeDevice: d.probeDevice ? (f, dev, c) => d.probeDevice!(f, dev, c) : () => ok(undefined),
    releaseDevice: d.releaseDevice ? (f, dev, c) => d.releaseDevice!(f, dev, c) : () => {},
    deviceGroup: (f, dev, c) => d.deviceGroup(f, dev, c),
    translatingInstance: d.translatingInstance ? (f, dev) => d.translatingInstance!(f, dev) : (f) => f.instance,
    defDomainType: d.defDomainType ? (f, dev, c) => d.defDomainType!(f, dev, c) : () => undefined,
    supportsType: (inst, type, c) => since(domainCap(type), c.has) && (d.supportsType?.(inst, type, c) ?? true),
    allocDomain: d.allocDomain ? (dom, c) => d.allocDomain!(dom, c) : () => ok(undefined),
    attachDev: (dom, dev, f, c) => d.attachDev(dom, dev, f, c),
    detachDev: d.detachDev ? (dom, dev, c) => d.detachDev!(dom, dev, c) : () => {},
    freeDomain: d.freeDomain ? (dom, c) => d.freeDomain!(dom, c) : () => {},
    aperture: (inst) => d.aperture(inst),
    pgsizeBitmap: d.pgsizeBitmap ? (inst) => d.pgsizeBitmap!(inst) : () => SZ_4K_2M_1G,
    hasBlockedDomain: (c) => since(caps.blockedDomain, c.has),
    probesAtAdd: (c) => caps.probesAtAddUntil !== undefined && !c.has[caps.probesAtAddUntil],
    dtReservedRegions: caps.dtReservedRegions,
    deferredFlush: caps.deferredFlush,
    multiInstance: caps.multiInstance,
    counters: caps.counters ?? {},
    unconfiguredStreamsFault: d.unconfiguredStreamsFault ? (inst, b) => d.unconfiguredStreamsFault!(inst, b) : () => undefined,
  };
}
