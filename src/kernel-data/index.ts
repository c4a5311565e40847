// Kernel driver tables: the extractor (a kernel tree in, facts out), the data format, and the
// lookups the kernel model uses (which shipped table a version uses, which drivers match a device
// under a configuration). Imports only src/source.
export type {
  BuildCondition,
  ConfigValues,
  DriverBus,
  EarlyDeclaration,
  InitcallLevel,
  KernelData,
  KernelDataStats,
  OfDriver,
  PciDriver,
  ProbeCall,
  Registration,
  SymbolType,
  Tristate,
  UnresolvedItem,
} from "./types.ts";
export { INITCALL_LEVELS, KERNEL_DATA_FORMAT, KERNEL_DATA_FORMAT_VERSION } from "./types.ts";
export { extractKernelData } from "./extract.ts";
export type { ConfigInput, ExtractOptions } from "./extract.ts";
export { openKernelTree, memoryKernelTree } from "./source-tree.ts";
export type { Arch, KernelTree } from "./source-tree.ts";
export { InputError } from "./decompress.ts";
export { configValuesFromDotConfig, parseDotConfig } from "./dotconfig.ts";
export type { DotConfig } from "./dotconfig.ts";
export { kernelDataText, writeKernelData } from "./writer.ts";
export { kernelDataFor, loadKernelData, shippedDataDir, shippedReleases } from "./resolver.ts";
export { kernelDataFileForSource, kernelDataForSource, defaultCacheDir } from "./source-cache.ts";
export type { SourceCacheOptions } from "./source-cache.ts";
export type { KernelDataChoice } from "./resolver.ts";
export { buildState, configLookup, guardHolds } from "./build-eval.ts";
export { KernelDriverTable } from "./driver-table.ts";
export type { DriverMatch } from "./driver-table.ts";
