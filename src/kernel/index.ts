// What kernel a run emulates: versions, the table of kernel changes and the flags it resolves to.
export { atLeast, compareVersions, parseVersion, versionLabel, KERNEL_RANGE, NEWEST_KERNEL, OLDEST_KERNEL } from "./version.ts";
export type { KernelVersion } from "./version.ts";
export { KERNEL_CHANGES } from "./changes.ts";
export type { FeatureFlag, KernelChange } from "./changes.ts";
export { eraOf, kernelFeatures, parseKernelVersion } from "./features.ts";
export type { EraName, KernelEra, KernelFeatures } from "./features.ts";
export { renderKernelChanges, KERNEL_CHANGES_BEGIN, KERNEL_CHANGES_END } from "./doc.ts";
