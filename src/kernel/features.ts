// The kernel a run emulates: its version, era and the change table resolved into flags, once.
import { KERNEL_CHANGES, type FeatureFlag, type KernelChange } from "./changes.ts";
import { atLeast, compareVersions, NEWEST_KERNEL, OLDEST_KERNEL, parseVersion, versionLabel, type KernelVersion } from "./version.ts";

/** `has.<flag>`: the change is in this kernel. */
export type KernelFeatures = Readonly<Record<FeatureFlag, boolean>>;

const resolved = new Map<string, KernelFeatures>();

/** The change table resolved for one version (memoised: runs of one version share the object). */
export function kernelFeatures(v: KernelVersion): KernelFeatures {
  const key = versionLabel(v);
  let has = resolved.get(key);
  if (!has) {
    const flags = {} as Record<FeatureFlag, boolean>;
    for (const c of KERNEL_CHANGES) flags[c.flag] = atLeast(v, c.since) || inStableSeries(v, c);
    has = Object.freeze(flags);
    resolved.set(key, has);
  }
  return has;
}

/** `v`'s series carries a stable backport of the change (the row's `stable` list). */
function inStableSeries(v: KernelVersion, c: KernelChange): boolean {
  return c.stable?.some((s) => s[0] === v[0] && s[1] === v[1]) ?? false;
}

/**
 * When DMA/IOMMU configuration happens:
 * - "creation" (3.19–4.11): of_dma_configure at device creation, IOMMUs declared early, no deferral;
 * - "bind" (4.12–6.14): at driver bind (really_probe -> dma_configure), with -EPROBE_DEFER;
 * - "add" (6.15+): iommu_probe_device at BUS_NOTIFY_ADD_DEVICE / IOMMU registration.
 */
export type EraName = "creation" | "bind" | "add";

export interface KernelEra {
  readonly version: KernelVersion;
  readonly era: EraName;
  /** "6.1" */
  readonly label: string;
}

/** The era the change table gives a version (dmaConfigureAtProbe, iommuProbeAtAdd). */
export function eraOf(v: KernelVersion): EraName {
  const has = kernelFeatures(v);
  return has.iommuProbeAtAdd ? "add" : has.dmaConfigureAtProbe ? "bind" : "creation";
}

/** "6.1", "6.12.3", "v3.19" -> the kernel; undefined for text that is not a version or is outside OLDEST_KERNEL..NEWEST_KERNEL. */
export function parseKernelVersion(text: string): KernelEra | undefined {
  const v = parseVersion(text);
  if (!v || !atLeast(v, OLDEST_KERNEL) || compareVersions(v, NEWEST_KERNEL) > 0) return undefined;
  return { version: v, era: eraOf(v), label: versionLabel(v) };
}
