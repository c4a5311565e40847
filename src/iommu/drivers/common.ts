// Helpers shared by the IOMMU driver models: limits, group helpers, and the allocators of the
// hardware resources drivers hand out (context banks, ASIDs).
import type { Device } from "../../graph/index.ts";
import type { Fwspec, IommuCaps, IommuCoreApi, IommuDomain, IommuGroup, IommuInstance } from "../driver.ts";
import { fail, ok, type Errno, type Result } from "../types.ts";

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

/** Counts a resource in use, for the report's `used`. */
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

/** A driver's one group per IOMMU instance (rockchip, sun50i, ipmmu, mtk infra): every master shares it. */
export interface InstanceGroupSlot {
  group: IommuGroup | undefined;
}

/** The instance's group, allocated again once the previous one died with its last device. */
export function instanceGroup(inst: IommuInstance<InstanceGroupSlot>, core: IommuCoreApi): IommuGroup {
  let g = inst.priv.group;
  if (!g || !core.groupAlive(g)) {
    g = core.newGroup(inst);
    inst.priv.group = g;
  }
  return g;
}

/**
 * A bitmap of hardware IDs (context banks, ASIDs, contexts): find_first_zero_bit in [from, to).
 * The search starts where the last one ended while no ID was freed since (a free resets it), so
 * allocation stays linear overall even for 16-bit ASID spaces shared by many thousands of domains.
 */
export class IdAllocator {
  private readonly taken = new Set<number>();
  private hintFrom = -1;
  private hint = 0;
  private hintSize = 0;

  /** The lowest free ID in [from, to), taken; -1 when all are in use. */
  alloc(from: number, to: number): number {
    let i = this.hintFrom === from && this.taken.size >= this.hintSize ? this.hint : from;
    for (; i < to; i++) {
      if (!this.taken.has(i)) {
        this.taken.add(i);
        this.remember(from, i + 1);
        return i;
      }
    }
    this.remember(from, to);
    return -1;
  }

  free(id: number): void {
    this.taken.delete(id);
  }

  private remember(from: number, hint: number): void {
    this.hintFrom = from;
    this.hint = hint;
    this.hintSize = this.taken.size;
  }
}

/**
 * Takes an ID from `ids` for a paging domain at its finalisation (first attach, or allocation),
 * counted as `usedKey` on `counted` (the instance whose pool it is); the failure is `onExhausted`'s.
 */
export function takeDomainId(
  domain: IommuDomain,
  kind: "context" | "asid",
  ids: IdAllocator,
  from: number,
  to: number,
  counted: IommuInstance,
  usedKey: string,
  onExhausted: () => Result<void>,
): Result<void> {
  const id = ids.alloc(from, to);
  if (id < 0) return onExhausted();
  domain.resource = { kind, value: id };
  domain.finalised = true;
  bump(counted, usedKey, 1);
  return ok(undefined);
}

/** Gives a domain's ID back to `ids` (its free path). */
export function releaseDomainId(domain: IommuDomain, kind: "context" | "asid", ids: IdAllocator | undefined, counted: IommuInstance, usedKey: string): void {
  if (domain.resource?.kind !== kind) return;
  ids?.free(domain.resource.value);
  bump(counted, usedKey, -1);
}

export function apertureBits(bits: number): { start: bigint; end: bigint } {
  return { start: 0n, end: (1n << BigInt(bits)) - 1n };
}

/** The aperture of a driver whose page tables cover `inputBits` (32 unless the limits say). */
export const inputBitsAperture = (inst: IommuInstance): { start: bigint; end: bigint } => apertureBits(limitNumber(inst, "inputBits", 32));

/** attach_dev of a driver that takes no per-domain hardware resource. */
export const attachNoResource = (): Result<void> => ok(undefined);

/**
 * The capabilities most drivers share: paging domains only (no flush queue, no DT reserved
 * regions, no static blocked domain) until the 6.7 series ("iommu: Make default_domain's
 * mandatory") gave them an IDENTITY domain.
 */
export const PAGING_DRIVER_CAPS: IommuCaps = {
  deferredFlush: false,
  dtReservedRegions: false,
  domains: { identity: "driverIdentityDomains", dma: "always", dmaFq: "never", unmanaged: "always" },
  blockedDomain: "never",
  multiInstance: false,
};

export const isPaging = (d: IommuDomain) => d.type === "DMA" || d.type === "DMA-FQ" || d.type === "unmanaged";

/** of_xlate of drivers whose specifier is one ID (iommu_fwspec_add_ids(dev, args, 1)). */
export function xlateFirstCell(_inst: IommuInstance, _dev: Device, args: readonly number[], fwspec: Fwspec): Result<void> {
  fwspec.ids.push(args[0] ?? 0);
  return ok(undefined);
}

export { fail, ok };

/**
 * A resource/range failure decided by a limit the kernel reads from the hardware (ID registers:
 * arm-smmu SMRs/context banks/ID widths, SMMUv3 SID/ASID widths), not one it takes from its own
 * SoC data (tegra ASIDs, ipmmu contexts): when that limit is only an assumed default
 * (neither in the tree nor given with --hw), the failure says so instead of passing for a kernel
 * error the real hardware would produce.
 */
/**
 * A limit the driver reads from the hardware that dtprobe only assumed (a documented default):
 * the board needing more is no failure to predict (arm_smmu_device_cfg_probe reads NUMSMRG /
 * NUMCB / NUMSIDB from ID0/ID1 at boot; juno's DMA-330 boots with 9 stream IDs on an MMU-401).
 */
export function limitAssumed(inst: IommuInstance, name: string): boolean {
  return inst.limits[name]?.source === "default";
}

/** Records that the board needs `n` of an assumed limit (the report's `needs`). */
export function recordNeed(inst: IommuInstance, name: string, n: number): void {
  if ((inst.needs[name] ?? 0) < n) inst.needs[name] = n;
}

/** A failure the driver returns without printing anything (Failure.printk "none"). */
export function silent<T>(r: Result<T>): Result<T> {
  return r.ok ? r : { ok: false, failure: { ...r.failure, printk: "none" } };
}

/** The bits a value needs (at least 1). */
export const bitsFor = (v: number): number => Math.max(1, 32 - Math.clz32(v));

export function limitFail<T>(inst: IommuInstance, name: string, errno: Errno, where: string, message: string): Result<T> {
  const l = inst.limits[name];
  if (l?.source !== "default") return fail(errno, where, message);
  // The message stays the kernel's; the report marks the limit (errors[].assumedLimit).
  return { ok: false, failure: { errno, where, message, assumedLimit: name } };
}
