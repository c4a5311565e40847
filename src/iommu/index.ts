// The IOMMU layer: the driver table, per-driver models (iommu_ops), hardware limits, PCI grouping.
export { iommuRowFor, iommuRowForNode, iommuTableRows } from "./table.ts";
export { IOMMU_OPS } from "./ops.ts";
export { parseHwOverrides, overridesFor, hwSchema, checkHwOverrides } from "./hw.ts";
export type { HwOverrides } from "./hw.ts";
export { pciDeviceGroup, pciAcsEnabled, pciAcsPathEnabled, forEachDmaAlias, REQ_ACS_FLAGS } from "./pci-group.ts";
export type { DmaAlias, PciGroupLookup } from "./pci-group.ts";
export { smmuDisablesBypass } from "./drivers/arm-smmu.ts";
export { ERRNO_VALUES, DOMAIN_TYPE_VALUES, ok, fail } from "./types.ts";
export type {
  DomainType,
  Errno,
  Failure,
  Fwspec,
  InstanceState,
  IommuCoreApi,
  IommuDomain,
  IommuDriverOps,
  IommuDriverRow,
  IommuFamily,
  IommuGroup,
  IommuInstance,
  Limit,
  LimitValue,
  Result,
} from "./types.ts";
export { kstrtobool } from "./kstrtobool.ts";
