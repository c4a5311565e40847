// What the emulated kernel is: version (mapped to an era), default-domain policy, command line.
import type { HwOverrides } from "../iommu/index.ts";
import type { Scenario } from "./scenario-types.ts";

/**
 * When DMA/IOMMU configuration happens:
 * - "creation" (3.19–4.11): of_dma_configure at device creation, IOMMUs declared early, no deferral;
 * - "bind" (4.12–6.14): at driver bind (really_probe -> dma_configure), with -EPROBE_DEFER;
 * - "add" (6.15+): iommu_probe_device at BUS_NOTIFY_ADD_DEVICE / IOMMU registration.
 */
export type EraName = "creation" | "bind" | "add";

export interface KernelEra {
  readonly version: readonly [number, number];
  readonly era: EraName;
  /** "6.1" */
  readonly label: string;
}

export type Policy = "per-group" | "per-device" | "per-instance";

export interface ProbeOptions {
  readonly kernel: KernelEra;
  readonly policy: Policy;
  /** Overrides /chosen/bootargs when given. */
  readonly bootargs?: string;
  readonly hw?: HwOverrides;
  /** Runtime steps applied after boot (parseScenario). */
  readonly scenario?: Scenario;
}

/** The default kernel: 6.1, the era the QEMU ground truth was recorded on. */
export const DEFAULT_KERNEL = "6.1";

/** "6.1", "6.12.3", "v3.19" -> era; undefined for text that is not a version or predates 3.19. */
export function parseKernelVersion(text: string): KernelEra | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:-.*)?$/.exec(text.trim());
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const v: [number, number] = [major, minor];
  const ge = (a: number, b: number) => major > a || (major === a && minor >= b);
  if (!ge(3, 19)) return undefined;
  const era: EraName = ge(6, 15) ? "add" : ge(4, 12) ? "bind" : "creation";
  return { version: v, era, label: `${major}.${minor}` };
}

export function versionAtLeast(k: KernelEra, major: number, minor: number): boolean {
  return k.version[0] > major || (k.version[0] === major && k.version[1] >= minor);
}

/** Kernel command line words `key=value` (a bare word maps to ""). Later words win. */
export function parseBootargs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const word of text.split(/\s+/)) {
    if (!word) continue;
    const eq = word.indexOf("=");
    if (eq < 0) out.set(word, "");
    else out.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return out;
}

/** kstrtobool as the iommu.* parameters use it. */
export function bootBool(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  if (/^(1|y|Y|on|true)/.test(v) || v === "") return true;
  if (/^(0|n|N|off|false)/.test(v)) return false;
  return undefined;
}
