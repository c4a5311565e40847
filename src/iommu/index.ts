// The IOMMU layer: the driver table (one row per driver, like struct iommu_ops), the drivers,
// hardware limits, PCI grouping.
export { IOMMU_DRIVERS, iommuDrivers, iommuMatchFor, iommuMatchForCompatible, iommuMatchRows } from "./table.ts";
export { iommuOps } from "./ops.ts";
export type { IommuOps } from "./ops.ts";
export { since } from "./driver.ts";
export type { Fwspec, InstanceState, IommuCaps, IommuCoreApi, IommuDomain, IommuDriver, IommuDriverEntry, IommuGroup, IommuInstance, IommuMatch, Since } from "./driver.ts";
export { parseHwOverrides, overridesFor, hwSchema } from "./hw.ts";
export type { HwOverrides } from "./hw.ts";
export * from "./core/index.ts";
export { ERRNO_VALUES, DOMAIN_TYPE_VALUES, ok, fail } from "./types.ts";
export type { DomainType, Errno, Failure, Limit, LimitValue, Result } from "./types.ts";
