// IOMMU instances of several families, and which master uses which instance with which specifier.
//
// Families follow the real bindings (arm,smmu.yaml, arm,smmu-v3.yaml, nvidia,tegra30-mc.yaml,
// rockchip,iommu.yaml, apple,dart.yaml): node names, compatibles and `#iommu-cells` as a kernel
// would see them. Instances are assigned families round-robin, so `--iommus 6` or more covers all.
//
// Hardware-limited families (SMMUv2 stream-match registers, Tegra swgroups, one master per
// Rockchip IOMMU, 16 DART streams) take masters only up to a plausible capacity; the rest go to
// SMMUv3 instances, which scale. A board with no SMMUv3 overflows onto its SMMUv2 instances, which
// then exceed their stream-match registers as a real over-subscribed SoC would.
import type { Prng } from "./prng.ts";
import type { Lines } from "./text.ts";
import { cellPair, hex, unitAddress } from "./text.ts";
import type { IrqAllocator } from "./platform.ts";

export interface IommuFamily {
  readonly key: "mmu-500" | "mmu-500-sid-mask" | "smmu-v3" | "tegra30-mc" | "rockchip" | "apple-dart";
  readonly labelPrefix: string;
  readonly nodeName: string;
  readonly cells: 0 | 1 | 2;
  /** Master specifiers one instance accepts before its hardware runs out; undefined: no practical limit. */
  readonly capacity: number | undefined;
  /** One-cell ID space that PCI `iommu-map` can target. */
  readonly pciTarget: boolean;
}

/** Round-robin order: the first instance is always a one-cell SMMU, so PCI always has a target. */
export const IOMMU_FAMILIES: readonly IommuFamily[] = [
  { key: "mmu-500", labelPrefix: "smmu", nodeName: "iommu", cells: 1, capacity: 96, pciTarget: true },
  { key: "smmu-v3", labelPrefix: "smmuv3_", nodeName: "iommu", cells: 1, capacity: undefined, pciTarget: true },
  { key: "mmu-500-sid-mask", labelPrefix: "smmu", nodeName: "iommu", cells: 2, capacity: 64, pciTarget: false },
  { key: "tegra30-mc", labelPrefix: "mc", nodeName: "memory-controller", cells: 1, capacity: 20, pciTarget: false },
  { key: "rockchip", labelPrefix: "rkmmu", nodeName: "iommu", cells: 0, capacity: 1, pciTarget: false },
  { key: "apple-dart", labelPrefix: "dart", nodeName: "iommu", cells: 1, capacity: 16, pciTarget: false },
];

/** IOMMU register windows: 256 KiB apart from here, below the device range. */
const IOMMU_BASE = 0x1000_0000;
const IOMMU_STRIDE = 0x4_0000;
/** SMMUv3 stream IDs below this are left to PCI requester IDs (pci.ts: 4 hosts x 0x4000 RIDs). */
export const PCI_SID_SPAN = 0x10000;
/** SMMUv2 contexts: one interrupt per context bank after the global one (the binding wants them all). */
const SMMU_V2_CONTEXT_IRQS = 32;

export interface IommuInstance {
  readonly family: IommuFamily;
  readonly index: number;
  readonly label: string;
  readonly address: number;
  /** Specifiers handed out so far. */
  used: number;
}

export class IommuPlan {
  readonly instances: IommuInstance[] = [];
  /** Instances that still have capacity, and the scalable ones; kept as arrays for seeded picks. */
  private readonly limited: IommuInstance[] = [];
  private readonly scalable: IommuInstance[] = [];

  constructor(count: number) {
    for (let k = 0; k < count; k++) {
      const family = IOMMU_FAMILIES[k % IOMMU_FAMILIES.length]!;
      const inst: IommuInstance = { family, index: k, label: `${family.labelPrefix}${k}`, address: IOMMU_BASE + k * IOMMU_STRIDE, used: 0 };
      this.instances.push(inst);
      (family.capacity === undefined ? this.scalable : this.limited).push(inst);
    }
  }

  /**
   * The instance PCI host bridge `h` maps its requester IDs to: an SMMUv3 when there is one. Without
   * one, only host 0 goes behind the first SMMUv2, whose platform SIDs start above its RID window.
   */
  pciTarget(h: number): IommuInstance | undefined {
    const v3 = this.instances.filter((i) => i.family.key === "smmu-v3");
    if (v3.length > 0) return v3[h % v3.length];
    return h === 0 ? this.instances.find((i) => i.family.pciTarget) : undefined;
  }

  /**
   * The `iommus` value for a master with `entries` stream interfaces (1 or 2), or undefined when the
   * board has no IOMMU. Each call consumes IDs, so every master gets its own stream IDs.
   */
  assign(prng: Prng, entries: number): string | undefined {
    const inst = this.choose(prng, entries);
    if (inst === undefined) return undefined;
    const f = inst.family;
    if (f.cells === 0) {
      inst.used++;
      return `<&${inst.label}>`;
    }
    if (f.cells === 2) {
      // One stream-match entry: an even SID and a mask covering its pair when the master has two.
      const sid = (inst.used * 2) & 0x7fff;
      inst.used++;
      return `<&${inst.label} ${hex(sid)} ${hex(entries > 1 ? 1 : 0)}>`;
    }
    const out: string[] = [];
    for (let j = 0; j < entries; j++) out.push(`<&${inst.label} ${hex(this.streamId(inst))}>`);
    return out.join(", ");
  }

  private streamId(inst: IommuInstance): number {
    const n = inst.used++;
    switch (inst.family.key) {
      case "smmu-v3":
        return PCI_SID_SPAN + n;
      case "mmu-500":
        // 0x4000..0x7fff: clear of PCI host 0's requester-ID window and within 15 SID bits.
        return 0x4000 + (n & 0x3fff);
      default:
        // Tegra swgroups and DART streams are small indices.
        return n;
    }
  }

  /** A master with `entries` stream interfaces takes that many IDs on a one-cell family, else one. */
  private choose(prng: Prng, entries: number): IommuInstance | undefined {
    while (this.limited.length > 0) {
      const at = prng.below(this.limited.length);
      const inst = this.limited[at]!;
      const capacity = inst.family.capacity!;
      const cost = inst.family.cells === 1 ? entries : 1;
      if (inst.used + cost <= capacity) return inst;
      if (inst.used < capacity) break; // room for a smaller master later, not for this one
      // Full: drop it (swap-remove keeps this O(1)).
      this.limited[at] = this.limited[this.limited.length - 1]!;
      this.limited.pop();
    }
    if (this.scalable.length > 0) return prng.pick(this.scalable);
    // No SMMUv3: over-subscribe the one-cell SMMUv2 instances (or whatever exists).
    const fallback = this.instances.filter((i) => i.family.key === "mmu-500");
    return fallback.length > 0 ? prng.pick(fallback) : this.instances.length > 0 ? prng.pick(this.instances) : undefined;
  }
}

/** Emits the instance nodes (children of the SoC bus, two tabs deep). */
export function emitIommuNodes(out: Lines, plan: IommuPlan, irqs: IrqAllocator): void {
  for (const inst of plan.instances) {
    const t = "\t\t\t";
    out.push(`\t\t${inst.label}: ${inst.family.nodeName}@${unitAddress(inst.address)} {`);
    switch (inst.family.key) {
      case "mmu-500":
      case "mmu-500-sid-mask": {
        out.push(`${t}compatible = "dtprobe,gen-smmu-500", "arm,mmu-500";`);
        out.push(`${t}reg = <${cellPair(inst.address)} 0x0 ${hex(IOMMU_STRIDE)}>;`);
        out.push(`${t}#global-interrupts = <1>;`);
        out.push(`${t}/* one global fault interrupt, then one per context bank */`);
        const specs = [`<0 ${irqs.next()} 4>`];
        for (let c = 0; c < SMMU_V2_CONTEXT_IRQS; c++) specs.push(`<0 ${irqs.next()} 4>`);
        out.push(`${t}interrupts = ${specs.slice(0, 1).join("")},`);
        for (let c = 1; c < specs.length; c += 8) out.push(`${t}\t${specs.slice(c, c + 8).join(", ")}${c + 8 < specs.length ? "," : ";"}`);
        out.push(`${t}#iommu-cells = <${inst.family.cells}>;`);
        out.push(`${t}dma-coherent;`);
        break;
      }
      case "smmu-v3":
        out.push(`${t}compatible = "arm,smmu-v3";`);
        out.push(`${t}reg = <${cellPair(inst.address)} 0x0 ${hex(IOMMU_STRIDE)}>;`);
        out.push(`${t}interrupts = <0 ${irqs.next()} 1>, <0 ${irqs.next()} 1>, <0 ${irqs.next()} 1>, <0 ${irqs.next()} 1>;`);
        out.push(`${t}interrupt-names = "eventq", "gerror", "priq", "cmdq-sync";`);
        out.push(`${t}msi-parent = <&its ${hex(0x10000 + inst.index)}>;`);
        out.push(`${t}#iommu-cells = <1>;`);
        out.push(`${t}dma-coherent;`);
        break;
      case "tegra30-mc":
        out.push(`${t}compatible = "nvidia,tegra30-mc";`);
        out.push(`${t}reg = <${cellPair(inst.address)} 0x0 0x400>;`);
        out.push(`${t}clocks = <&ccu ${hex(0x200 + inst.index)}>;`);
        out.push(`${t}clock-names = "mc";`);
        out.push(`${t}interrupts = <0 ${irqs.next()} 4>;`);
        out.push(`${t}#reset-cells = <1>;`);
        out.push(`${t}#iommu-cells = <1>;`);
        break;
      case "rockchip":
        out.push(`${t}compatible = "rockchip,rk3399-iommu";`);
        out.push(`${t}reg = <${cellPair(inst.address)} 0x0 0x100>;`);
        out.push(`${t}interrupts = <0 ${irqs.next()} 4>;`);
        out.push(`${t}clocks = <&ccu ${hex(0x300 + 2 * inst.index)}>, <&ccu ${hex(0x301 + 2 * inst.index)}>;`);
        out.push(`${t}clock-names = "aclk", "iface";`);
        out.push(`${t}power-domains = <&pd ${inst.index % 32}>;`);
        out.push(`${t}#iommu-cells = <0>;`);
        break;
      case "apple-dart":
        out.push(`${t}compatible = "apple,t8103-dart";`);
        out.push(`${t}reg = <${cellPair(inst.address)} 0x0 0x4000>;`);
        out.push(`${t}interrupts = <0 ${irqs.next()} 4>;`);
        out.push(`${t}power-domains = <&pd ${inst.index % 32}>;`);
        out.push(`${t}#iommu-cells = <1>;`);
        break;
    }
    out.push(`\t\t};`);
  }
}
