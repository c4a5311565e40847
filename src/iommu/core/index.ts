// The IOMMU core (drivers/iommu/iommu.c): instances, iommu_probe_device, groups and
// pci_device_group, default domains, attach, DMA ownership and domain switches.
export { createIommuCore, createInstances, declareIommusEarly, iommuDeviceRegister, iommuProbeDevice, iommuProbeInstance, iommuSubsysInit, iommuWalksAfterTimeout, iommuWalksRevisit, liveGroups, newGroup, pciBusesChanged } from "./iommu.ts";
export { allocDomain, freeDomain, freeIfUnused, opsOf } from "./domain.ts";
export { attach, directMappings, groupDomainType, setupDefaultDomain, unuseDefaultDomain, useDefaultDomain } from "./default-domain.ts";
export { attachDevice, attachGroup, claimDmaOwner, detachGroup, deviceSetDomain, groupSetDomain, kernelDmaUsers, leaveDomain, releaseDmaOwner } from "./ownership.ts";
export { dropFwspec, iommuReleaseDevice } from "./release.ts";
export { addError, addNote, EMPTY } from "./outcome.ts";
export { pciDeviceGroup, pciAcsEnabled, pciAcsPathEnabled, forEachDmaAlias, REQ_ACS_FLAGS } from "./pci-group.ts";
export type { DmaAlias, PciGroupLookup } from "./pci-group.ts";
export { deviceReservedRegions } from "./resv-regions.ts";
export type { ResvRegion } from "./resv-regions.ts";
export type { CoreLog, IommuBus, IommuConfig, IommuCore, IommuCoreOptions, IommuDev, IommuOutcome, LogKind, LogLevel } from "./state.ts";
