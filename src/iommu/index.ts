// The IOMMU layer: the driver table (one row per driver, like struct iommu_ops), the drivers,
// hardware limits, PCI grouping.
export { IOMMU_DRIVERS, iommuDrivers, iommuMatchFor, iommuMatchForCompatible, iommuMatchRows } from "./table.ts";
export { iommuOps } from "./ops.ts";
export type { IommuOps } from "./ops.ts";
export { since } from "./driver.ts";
export type { Fwspec, InstanceState, IommuCaps, IommuCoreApi, IommuDomain, IommuDriver, IommuDriverEntry, IommuGroup, IommuInstance, IommuMatch, Since } from "./driver.ts";
export { parseHwOverrides, overridesFor, hwSchema, checkHwOverrides } from "./hw.ts";
export type { HwOverrides } from "./hw.ts";
export * from "./core/index.ts";
export { ERRNO_VALUES, DOMAIN_TYPE_VALUES, ok, fail } from "./types.ts";
export type { DomainType, Errno, Failure, Limit, LimitValue, Result } from "./types.ts";
export { kstrtobool } from "./kstrtobool.ts";
// The DMA API's address allocators (the probe layer's DMA ops use them; exact models of the kernel's).
export { IovaDomain } from "./iova.ts";
export type { IovaUsage, RcacheDepot } from "./iova.ts";
export { createDmaIovaSpace, DEFAULT_FLUSH_QUEUE, IommuDmaIovaSpace, startPfnFor } from "./dma-iommu-iova.ts";
export type { DmaDomainInit, DmaIommuVersion, DmaIovaDevice, MapResult, ResvRegion as DmaResvRegion } from "./dma-iommu-iova.ts";
export { ArmIommuMappingIova, armMappingWindow, ARM_PAGE_SIZE } from "./arm-mapping-iova.ts";
export type { ArmMappingUsage } from "./arm-mapping-iova.ts";
export { dmaDirectMap, dmaCapable, physToDma } from "./dma-direct.ts";
export type { DirectDevice, DirectMapResult, SwiotlbPool } from "./dma-direct.ts";
