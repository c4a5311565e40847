// The device graph: the struct devices the kernel creates from a device tree (platform and AMBA
// devices from of_platform_populate, children that a bound driver populates, PCI functions that a
// host bridge driver enumerates), with the facts the IOMMU and DMA layers read from each.
import type { DeviceTree, DtNode } from "../tree/model.ts";
import type { PhandleIndex } from "../of/index.ts";
import type { AcsFlag, PcieType } from "./pci-topology.ts";
import type { ArchInfo } from "./arch.ts";

export type BusType = "platform" | "amba" | "pci";

/** How the device comes to exist, which decides when device_add runs. */
export type DeviceOrigin =
  /** of_platform_default_populate_init (arch_initcall_sync), before any driver binds. */
  | "populate"
  /** A driver's probe calls of_platform_populate on its own node (qcom_iommu, dwc3 glue, host1x...). */
  | "driver"
  /** The host bridge driver enumerates the bus (pci_host_probe). */
  | "pci";

export interface Device {
  /** Index in DeviceGraph.devices (population order: platform in DT order, then created ones). */
  readonly id: number;
  /** dev_name(): `12000000.iommu`, `0000:00:01.0`. */
  readonly name: string;
  readonly bus: BusType;
  /** The device's own DT node (PCI functions from --pci have none). */
  readonly node: DtNode | null;
  /** Parent struct device (null = platform bus root). */
  readonly parent: Device | null;
  readonly compatible: readonly string[];
  readonly origin: DeviceOrigin;
  /** For origin "driver" / "pci": the device whose successful bind creates this one. */
  readonly creator: Device | null;
  /** The DT node of_dma_configure reads (own node; the host bridge node for PCI). */
  readonly dmaNode: DtNode | null;
  readonly pci: PciFunction | null;
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

export interface PciHostBridge {
  readonly node: DtNode;
  readonly segment: number;
  /** Functions in enumeration order (pci_bus_add_devices: a bus's functions, then its child buses). */
  readonly functions: PciFunction[];
  /** The bus number the host bridge's root bus has. */
  readonly rootBus: number;
}

/** Something the graph builder noticed (duplicate names, AMBA devices without reg...). */
export interface GraphNote {
  readonly node: DtNode | null;
  readonly code: string;
  readonly message: string;
}

export interface DeviceGraph {
  readonly tree: DeviceTree;
  readonly phandles: PhandleIndex;
  readonly devices: readonly Device[];
  readonly byNode: ReadonlyMap<DtNode, Device>;
  /** Devices created by the bind of the key device, in creation order. */
  readonly createdBy: ReadonlyMap<Device, readonly Device[]>;
  readonly hostBridges: readonly PciHostBridge[];
  readonly notes: readonly GraphNote[];
  /** The architecture the board boots (arm32 vs arm64 DMA mapping), from its CPU/machine compatibles. */
  readonly arch: ArchInfo;
}
