// The device graph layer: which struct devices exist, their names, buses and DMA facts.
export { buildDeviceGraph } from "./populate.ts";
export type { GraphOptions } from "./populate.ts";
export type {
  BusType,
  Device,
  DeviceGraph,
  DeviceOrigin,
  DmaFacts,
  DmaRanges,
  DomainNr,
  GraphNote,
  IommuProvider,
  IommusEntry,
  IommusError,
  OfIommuNode,
  PciFunction,
  PciHostBridge,
  ReservedRegionEntry,
} from "./types.ts";
/** The tree a graph is built from (for the pipeline, which passes it along without reading it). */
export type { DeviceTree } from "../tree/model.ts";
export { parsePciTopology, pciTopologySchema } from "./pci-topology.ts";
export { checkPciTopology } from "./pci-topology-check.ts";
export type { AcsFlag, PcieType, PciTopology, PciFunctionInput, PciHostBridgeInput } from "./pci-topology.ts";
export { isPciBusNode, isPciHostBridgeNode } from "./pci.ts";
export { domainLabel, pciDomainNumbersFor, PciDomainNumbers } from "./pci-domain.ts";
export type { PciDomainRule } from "./pci-domain.ts";
export { hotAddName, hotAddPciFunction } from "./hotplug.ts";
export type { HotAddResult } from "./hotplug.ts";
export { platformDeviceName, pciDeviceName } from "./naming.ts";
export { parseJsonInput, jsonValueOffsets, jsonSpan } from "./json-input.ts";
export { detectArch } from "./arch.ts";
export type { ArchInfo, CpuArch } from "./arch.ts";
export { reportGraphNotes } from "./notes.ts";
