// What the emulated kernel is: version (mapped to an era), default-domain policy, command line.
import type { ArchInfo, CpuArch } from "../graph/index.ts";
import type { HwOverrides } from "../iommu/index.ts";
import type { KernelEra } from "../kernel/index.ts";
import type { DriverCatalog, DriverTableRequest } from "./drivers/catalog.ts";
import type { Scenario } from "./scenario/types.ts";

export type Policy = "per-group" | "per-device" | "per-instance";

export interface ProbeOptions {
  readonly kernel: KernelEra;
  /**
   * Absent: what this kernel does on the board's architecture (nativePolicy). A policy the kernel
   * never had there runs anyway and the report marks it hypothetical.
   */
  readonly policy?: Policy;
  /** Overrides the architecture detected from the tree (DeviceGraph.arch). */
  readonly arch?: CpuArch;
  /** Overrides /chosen/bootargs when given. */
  readonly bootargs?: string;
  readonly hw?: HwOverrides;
  /** Runtime steps applied after boot (parseScenario). */
  readonly scenario?: Scenario;
  /**
   * Which drivers the kernel has (driverCatalogFor / driverCatalogForSource; DriverCatalog.assumed
   * for --assume-drivers). Absent: the shipped table of the version, with Debian's configuration
   * for the board's architecture.
   */
  readonly drivers?: DriverCatalog;
  /** Without `drivers`: --assume-drivers, or --kconfig FILE over the shipped table (driverCatalogFor). */
  readonly driverTables?: DriverTableRequest;
  /**
   * Drivers built as modules that only a scenario's `load-module` loads (default: the scenario's
   * `modules`). With any, boot ends before the deferred probe timeout, as udev's modprobe races it.
   */
  readonly modules?: readonly string[];
}

/** The default kernel: 6.1, the era the QEMU ground truth was recorded on. */
export const DEFAULT_KERNEL = "6.1";

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

/**
 * The kernel's own default-domain mechanism on an architecture: arm32 (ARM_DMA_USE_IOMMU) gives
 * each device its own arm_iommu mapping in every era; arm64 uses the group's default domain.
 */
export function nativePolicy(arch: CpuArch): Policy {
  return arch === "arm" ? "per-device" : "per-group";
}

/** The policy, the architecture and why the emulation is not what a real kernel did (empty: it is). */
export interface ResolvedConfig {
  readonly policy: Policy;
  readonly policySource: "option" | "kernel";
  readonly arch: CpuArch;
  readonly archSource: string;
  readonly hypothetical: readonly string[];
}

export function resolveConfig(options: ProbeOptions, detected: ArchInfo): ResolvedConfig {
  const arch = options.arch ?? detected.arch;
  const archSource = options.arch ? "option" : detected.source;
  const policy = options.policy ?? nativePolicy(arch);
  const hypothetical: string[] = [];
  if (policy === "per-instance" && arch === "arm") {
    hypothetical.push(
      "per-instance on arm32: the 2014 arch_setup_dma_ops proposal, never merged: one arm_iommu mapping (one UNMANAGED domain, one address space) per IOMMU instance, created by the first device and shared, with a reference each, by every later kernel-DMA device behind that instance; mainline arm32 (ARM_DMA_USE_IOMMU) creates one per device",
    );
  } else if (policy === "per-instance") hypothetical.push("per-instance: one DMA domain per IOMMU instance is the 2014 proposal that was never merged; no kernel does this");
  else if (policy === "per-group" && arch === "arm") {
    hypothetical.push(
      "per-group on arm32: arm32 has no IOMMU_DMA and ARM_DMA_USE_IOMMU gives each device its own arm_iommu mapping; this shares one arm_iommu mapping (one UNMANAGED domain, one address space) per IOMMU group among its members, the arm32 counterpart of arm64's per-group default domains, never merged",
    );
  }
  else if (policy === "per-device" && arch === "arm64") hypothetical.push("per-device on arm64: arm64 never had arm_iommu mappings (it uses iommu-dma on the group's default domain); this applies the arm32 mechanism to an arm64 board");
  if (options.kernel.era === "creation") {
    hypothetical.push(
      "3.19 (creation era): the 2014 of_iommu mechanism (of_dma_configure at device creation, IOMMUs declared early) is applied to today's IOMMU drivers; in 3.19 the modelled drivers had not yet been converted to of_xlate/IOMMU_OF_DECLARE, so a real 3.19 kernel configured no IOMMU for these masters, and 3.19's iommu_attach_device did not yet refuse multi-device groups",
    );
  }
  return { policy, policySource: options.policy ? "option" : "kernel", arch, archSource, hypothetical };
}
