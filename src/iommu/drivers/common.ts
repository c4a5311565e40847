// Helpers shared by the IOMMU driver models.
import type { Device } from "../../graph/index.ts";
import { fail, ok, type Errno, type Fwspec, type IommuCoreApi, type IommuDomain, type IommuDriverOps, type IommuGroup, type IommuInstance, type Result } from "../types.ts";

export function limitNumber(inst: IommuInstance, name: string, fallback = 0): number {
  const v = inst.limits[name]?.value;
  return typeof v === "number" ? v : fallback;
}

export function limitBool(inst: IommuInstance, name: string, fallback = false): boolean {
  const v = inst.limits[name]?.value;
  return typeof v === "boolean" ? v : fallback;
}

/** Sets a limit read from the tree unless --hw already set it. */
export function treeLimit(inst: IommuInstance, name: string, value: number | boolean, description: string): void {
  if (inst.limits[name]?.source === "hw") return;
  inst.limits[name] = { value, source: "tree", description };
}

export function bump(inst: IommuInstance, key: string, delta: number): void {
  inst.used[key] = (inst.used[key] ?? 0) + delta;
}

/** generic_device_group: a new group for every device. */
export function genericDeviceGroup(fwspec: Fwspec, _dev: Device, core: IommuCoreApi): Result<IommuGroup> {
  return ok(core.newGroup(fwspec.instance));
}

/** PCI masters use pci_device_group, everything else a group of its own. */
export function pciOrGenericGroup(fwspec: Fwspec, dev: Device, core: IommuCoreApi): Result<IommuGroup> {
  if (dev.bus === "pci") return core.pciDeviceGroup(dev, fwspec.instance);
  return genericDeviceGroup(fwspec, dev, core);
}

/** One group per IOMMU instance (rockchip, sun50i, ipmmu, mtk): every master shares it. */
export function instanceGroup(inst: IommuInstance, core: IommuCoreApi): IommuGroup {
  let g = inst.priv["group"] as IommuGroup | undefined;
  if (!g) {
    g = core.newGroup(inst);
    inst.priv["group"] = g;
  }
  return g;
}

/**
 * Where the next free bit may be: every bit in [from, hint) is taken as long as the set has not
 * shrunk since (a free resets the search), so allocation stays linear overall even for 16-bit
 * ASID spaces shared by many thousands of domains.
 */
const hints = new WeakMap<Set<number>, { from: number; hint: number; size: number }>();

/** A bitmap allocator (find_first_zero_bit in [from, to)): the lowest free bit. */
export function allocBit(bits: Set<number>, from: number, to: number): number {
  const h = hints.get(bits);
  let i = h && h.from === from && bits.size >= h.size ? h.hint : from;
  for (; i < to; i++) {
    if (!bits.has(i)) {
      bits.add(i);
      hints.set(bits, { from, hint: i + 1, size: bits.size });
      return i;
    }
  }
  hints.set(bits, { from, hint: to, size: bits.size });
  return -1;
}

export function bitmapOf(inst: IommuInstance, key: string): Set<number> {
  let s = inst.priv[key] as Set<number> | undefined;
  if (!s) {
    s = new Set();
    inst.priv[key] = s;
  }
  return s;
}

export function apertureBits(bits: number): { start: bigint; end: bigint } {
  return { start: 0n, end: (1n << BigInt(bits)) - 1n };
}

export const isPaging = (d: IommuDomain) => d.type === "DMA" || d.type === "DMA-FQ" || d.type === "unmanaged";

/** Defaults for drivers with no per-master resources. */
export const noDeviceState: Pick<IommuDriverOps, "probeDevice" | "releaseDevice" | "allocDomain" | "freeDomain"> = {
  probeDevice: () => ok(undefined),
  releaseDevice: () => {},
  allocDomain: () => ok(undefined),
  freeDomain: () => {},
};

export { fail, ok };

/**
 * A resource/range failure decided by a limit the kernel reads from the hardware (ID registers:
 * arm-smmu SMRs/context banks/ID widths, SMMUv3 SID/ASID widths), not one it takes from its own
 * SoC data (tegra ASIDs, ipmmu contexts): when that limit is only an assumed default
 * (neither in the tree nor given with --hw), the failure says so instead of passing for a kernel
 * error the real hardware would produce.
 */
export function limitFail<T>(inst: IommuInstance, name: string, errno: Errno, where: string, message: string): Result<T> {
  const l = inst.limits[name];
  if (l?.source !== "default") return fail(errno, where, message);
  // The message stays the kernel's; the report marks the limit (errors[].assumedLimit).
  return { ok: false, failure: { errno, where, message, assumedLimit: name } };
}
