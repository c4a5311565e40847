// The device graph: the struct devices the kernel creates from a device tree (platform and AMBA
// devices from of_platform_populate, children that a bound driver populates, PCI functions that a
// host bridge driver enumerates), with the facts the IOMMU and DMA layers read from each.
import type { DeviceTree } from "../tree/model.ts";
import type { DmaRegion, IommuMap, OfNode, PhandleIndex } from "../of/index.ts";
import type { AcsFlag, PcieType } from "./pci-topology.ts";
import type { ArchInfo } from "./arch.ts";

export type BusType = "platform" | "amba" | "pci";

/** How the device comes to exist, which decides when device_add runs. */
export type DeviceOrigin =
  /** of_platform_default_populate_init (arch_initcall_sync), before any driver binds. */
  | "populate"
  /** A driver's probe calls of_platform_populate on its own node (qcom_iommu, dwc3 glue, host1x...). */
  | "driver"
  /**
   * A driver's probe registers a device for one named child node itself
   * (platform_device_register_full: firmware sub-devices); the probe adds it, if at all.
   */
  | "registered"
  /** The host bridge driver enumerates the bus (pci_host_probe). */
  | "pci";

export interface Device {
  /** Index in DeviceGraph.devices (population order: platform in DT order, then created ones). */
  readonly id: number;
  /** dev_name(): `12000000.iommu`, `0000:00:01.0`. */
  readonly name: string;
  readonly bus: BusType;
  /** device->of_node (PCI functions have none): for the OF helpers drivers call on their own node. */
  readonly node: OfNode | null;
  /** The node's full path (%pOF), null without a node. */
  readonly path: string | null;
  /** Parent struct device (null = platform bus root). */
  readonly parent: Device | null;
  readonly compatible: readonly string[];
  readonly origin: DeviceOrigin;
  /** For origin "driver" / "registered" / "pci": the device whose successful bind creates this one. */
  readonly creator: Device | null;
  readonly pci: PciFunction | null;
  /**
   * What of_dma_configure reads for it (its own node; the host bridge's for a PCI function), read
   * once when the graph is built.
   */
  readonly dma: DmaFacts;
}

/**
 * A node that `iommus` or `iommu-map` names, or that provides an IOMMU (`#iommu-cells`): interned
 * per node, so instances and specifier targets compare by identity.
 */
export interface OfIommuNode {
  readonly node: OfNode;
  readonly path: string;
  /** %pOFn */
  readonly name: string;
  /** of_device_is_available */
  readonly available: boolean;
  /** The `status` text ("" without one). */
  readonly status: string;
  readonly compatible: readonly string[];
  /** The first `compatible` string, "(no compatible)" without the property (messages). */
  readonly compatibleText: string | undefined;
}

/** One `iommus` entry (or a PCI ID mapped through `iommu-map`): the IOMMU node and its args. */
export interface IommusEntry {
  readonly target: OfIommuNode;
  readonly args: readonly number[];
}

/** Why the `iommus` walk stopped early (of_phandle_iterator_next's pr_err cases). */
export type IommusError =
  | { readonly kind: "unknown-phandle"; readonly index: number; readonly phandle: number }
  | { readonly kind: "missing-cells"; readonly index: number; readonly targetPath: string }
  | { readonly kind: "truncated"; readonly index: number; readonly targetPath: string; readonly expected: number; readonly found: number }
  | { readonly kind: "null-phandle"; readonly index: number };

/** of_dma_get_range on the DMA parent bus, with the DMA limit its ranges give. */
export type DmaRanges =
  | { readonly kind: "map"; readonly regions: DmaRegion[]; readonly limit: bigint }
  | { readonly kind: "none" }
  | { readonly kind: "error"; readonly message: string };

/** A `memory-region` entry with `iommu-addresses` for the device (of_iommu_get_resv_regions' input). */
export type ReservedRegionEntry =
  /** The reserved-memory node's `reg` does not translate. */
  | { readonly kind: "unparsable"; readonly path: string }
  /** One IOVA range; phys is the node's `reg` range (null without `reg`). */
  | { readonly kind: "region"; readonly iova: bigint; readonly length: bigint; readonly phys: { readonly start: bigint; readonly end: bigint } | null; readonly path: string };

export interface DmaFacts {
  /** of_dma_is_coherent. */
  readonly coherent: boolean;
  /** The DMA parent bus's dma-ranges (shared by the devices on it); null when the node has no parent. */
  readonly ranges: DmaRanges | null;
  /** `iommus` of a platform or AMBA device (null: no such property). */
  readonly iommus: { readonly entries: readonly IommusEntry[]; readonly error: IommusError | undefined } | null;
  /** The node the first `iommus` cell names, even when the list does not parse. */
  readonly firstIommu: OfIommuNode | undefined;
  /** A PCI function's host bridge `iommu-map` (null: none, or not PCI). */
  readonly iommuMap: IommuMap<OfIommuNode> | null;
  readonly reserved: readonly ReservedRegionEntry[];
}

export interface PciFunction {
  readonly hostBridge: PciHostBridge;
  readonly segment: number;
  readonly bus: number;
  readonly devfn: number;
  readonly slot: number;
  readonly fn: number;
  /** Requester ID: bus << 8 | devfn. */
  readonly rid: number;
  readonly vendor: number;
  readonly device: number;
  readonly classCode: number;
  /** Bound driver: a name, null (no driver binds), or undefined (assumed bound, name unknown). */
  readonly driver: string | null | undefined;
  readonly driverManagedDma: boolean;
  readonly header: number;
  readonly multifunction: boolean;
  readonly pcie: PcieType | null;
  readonly secondary: number | undefined;
  readonly subordinate: number | undefined;
  /** ACS extended capability present. */
  readonly acs: { readonly cap: ReadonlySet<AcsFlag>; readonly ctrl: ReadonlySet<AcsFlag> } | null;
  /** pdev->dma_alias_mask: other devfns on this bus the function also uses (quirks + input). */
  readonly dmaAliasDevfns: readonly number[];
  /** PCI_DEV_FLAG_PCIE_BRIDGE_ALIAS (conventional bridge aliasing like a PCIe-to-PCI bridge). */
  readonly pcieBridgeAlias: boolean;
  readonly untrusted: boolean;
  /** The bridge whose secondary bus this function sits on; null on the root bus. */
  upstream: PciFunction | null;
  /** The struct device of this function (set once the graph is built). */
  dev: Device | undefined;
  /** Where this function came from (a DT child node, or the --pci file). */
  readonly source: "pci-file" | "tree";
}

/** The domain number a host bridge's buses get (pci-domain.ts), or why pci_register_host_bridge fails. */
export type DomainNr =
  | { readonly ok: true; readonly domain: number; readonly kernelError?: string }
  | { readonly ok: false; readonly errno: "-ENOSPC" | "-EEXIST"; readonly message: string };

export interface PciHostBridge {
  readonly node: OfNode;
  /** The PCI domain (segment) its buses are named with: `%04x` of pci_domain_nr(), as unsigned. */
  readonly segment: number;
  /** `segment` is the one a `--pci` file gave (what the user saw), not device order's domain. */
  readonly segmentFromInput: boolean;
  /** of_get_pci_domain_nr of its node (`linux,pci-domain`, 16 bits); undefined without one. */
  readonly dtDomain: number | undefined;
  /** What pci_register_host_bridge gave it in device order (pci-domain.ts); not ok: it has no functions. */
  readonly registered: DomainNr;
  /** Functions in enumeration order (pci_bus_add_devices: a bus's functions, then its child buses). */
  readonly functions: PciFunction[];
  /** The bus number the host bridge's root bus has. */
  readonly rootBus: number;
}

/** Something the graph builder noticed (duplicate names, AMBA devices without reg...). */
export interface GraphNote {
  readonly node: OfNode | null;
  readonly code: string;
  readonly message: string;
}

/** A node that may be an IOMMU instance, in tree order (see DeviceGraph.iommuProviders). */
export interface IommuProvider {
  readonly of: OfIommuNode;
  /** The platform device of the node (null when it is not populated). */
  readonly device: Device | null;
  /** The node has `#iommu-cells`. */
  readonly iommuCells: boolean;
}

export interface DeviceGraph {
  readonly tree: DeviceTree;
  readonly phandles: PhandleIndex;
  readonly devices: readonly Device[];
  readonly byNode: ReadonlyMap<OfNode, Device>;
  /** Devices created by the bind of the key device, in creation order. */
  readonly createdBy: ReadonlyMap<Device, readonly Device[]>;
  readonly hostBridges: readonly PciHostBridge[];
  readonly notes: readonly GraphNote[];
  /** The architecture the board boots (arm32 vs arm64 DMA mapping), from its CPU/machine compatibles. */
  readonly arch: ArchInfo;
  /** The root's `compatible` (of_machine_is_compatible). */
  readonly machineCompatible: readonly string[];
  /** /chosen/bootargs (undefined without one). */
  readonly chosenBootargs: string | undefined;
  /** RAM: the `reg` ranges of the root's `device_type = "memory"` nodes (early_init_dt_scan_memory), in tree order. */
  readonly memory: readonly { readonly start: bigint; readonly size: bigint }[];
  /**
   * The nodes that may provide an IOMMU, in tree order: every node with `#iommu-cells`, and every
   * populated device whose compatible `isIommu` accepts (the IOMMU driver table lives above).
   */
  iommuProviders(isIommu: (compatible: readonly string[]) => boolean): readonly IommuProvider[];
}
