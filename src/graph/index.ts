// The device graph layer: which struct devices exist, their names, buses and DMA facts.
export { buildDeviceGraph } from "./populate.ts";
export type { GraphOptions } from "./populate.ts";
export type { BusType, Device, DeviceGraph, DeviceOrigin, GraphNote, PciFunction, PciHostBridge } from "./types.ts";
export { parsePciTopology, pciTopologySchema, checkPciTopology } from "./pci-topology.ts";
export type { AcsFlag, PcieType, PciTopology, PciFunctionInput, PciHostBridgeInput } from "./pci-topology.ts";
export { isPciBusNode, isPciHostBridgeNode } from "./pci.ts";
export { platformDeviceName, pciDeviceName } from "./naming.ts";
export { populatingDriver } from "./driver-populate.ts";
export { parseJsonInput, jsonValueOffsets, jsonSpan } from "./json-input.ts";
export { detectArch } from "./arch.ts";
export type { ArchInfo, CpuArch } from "./arch.ts";
export { reportGraphNotes } from "./notes.ts";
