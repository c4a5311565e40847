// The hypothetical policies on arm32, built from arm32's own mechanism (ARM_DMA_USE_IOMMU): the
// 2014 arch_setup_dma_ops debate asked whether the arm_iommu mapping (one UNMANAGED domain, one
// address space) should be created per device (what mainline arm32 kept: arm_setup_iommu_dma_ops),
// per IOMMU instance (the proposal: every kernel-DMA device behind one IOMMU shares one mapping,
// saving scarce address spaces) or per group. This file holds the shared variants:
// - "instance": one mapping per IOMMU instance, created by the first device that sets up DMA ops;
// - "group": one mapping per IOMMU group, shared by its members.
// Each later device takes a reference (the mapping's kref, as arm_iommu_attach_device does) and
// its group is attached with iommu_attach_group semantics (no singleton restriction; a group
// already on the mapping is not attached again). A device that drops its reference (teardown,
// or a driver's arm_iommu_detach_device + arm_iommu_release_mapping) detaches its group once no
// other member holds one; the mapping and its address space are freed with the last reference.
import { allocDomain, attachGroup, detachGroup, deviceSetDomain, freeDomain, type Failure, type IommuCore, type IommuDev, type IommuDomain, type IommuGroup, type IommuInstance } from "../../iommu/index.ts";

export type ArmSharedScope = "group" | "instance";

/** Domain owner names of the shared mappings (docs/report.md). */
export const ARM_SHARED_OWNER: Readonly<Record<ArmSharedScope, string>> = { instance: "per-instance", group: "per-group" };

interface SharedMapping {
  readonly domain: IommuDomain;
  readonly key: IommuGroup | IommuInstance;
  /** The devices holding a reference (bound devices whose DMA ops use the mapping). */
  readonly users: Set<IommuDev>;
}

/** Outcome of one device's arch_setup_dma_ops under a shared policy. */
export type SharedSetup =
  | { readonly ok: true; readonly domain: IommuDomain; readonly created: boolean; readonly attached: boolean }
  | { readonly ok: false; readonly stage: "alloc" | "attach"; readonly failure: Failure };

export class ArmSharedMappings {
  private readonly byKey = new Map<IommuGroup | IommuInstance, SharedMapping>();
  private readonly byDomain = new Map<IommuDomain, SharedMapping>();

  constructor(
    private readonly k: IommuCore,
    readonly scope: ArmSharedScope,
  ) {}

  get owner(): string {
    return ARM_SHARED_OWNER[this.scope];
  }

  /** Whether `d` is one of the live shared mappings. */
  isShared(d: IommuDomain | null | undefined): boolean {
    return !!d && this.byDomain.has(d);
  }

  /** How many devices hold a reference on the shared mapping `d` (undefined: not a shared mapping). */
  usersOf(d: IommuDomain | null | undefined): number | undefined {
    return d ? this.byDomain.get(d)?.users.size : undefined;
  }

  /** Whether `s` holds a reference on a shared mapping. */
  holds(s: IommuDev): boolean {
    const m = s.out.domain ? this.byDomain.get(s.out.domain) : undefined;
    return !!m && m.users.has(s);
  }

  /** arch_setup_dma_ops under the shared policy: take a reference, creating the mapping on first use. */
  setup(s: IommuDev, g: IommuGroup): SharedSetup {
    const key = this.scope === "instance" ? g.instance : g;
    let m = this.byKey.get(key);
    let created = false;
    if (!m) {
      const domain = allocDomain(this.k, g.instance, "unmanaged", this.owner);
      if (!domain) {
        return { ok: false, stage: "alloc", failure: { errno: "-ENOMEM", where: "arm_iommu_create_mapping", message: `${g.instance.driver!.name} cannot allocate an UNMANAGED domain` } };
      }
      m = { domain, key, users: new Set() };
      created = true;
    }
    let attached = false;
    if (g.domain !== m.domain) {
      // iommu_attach_group: every member moves; the first attach takes the hardware resource.
      const r = attachGroup(this.k, m.domain, g);
      if (!r.ok) {
        if (created) freeDomain(this.k, m.domain);
        return { ok: false, stage: "attach", failure: r.failure };
      }
      attached = true;
    } else if (s.out.domain !== m.domain) {
      // A member that joined the group after the group was attached (it was attached at probe).
      const r = deviceSetDomain(this.k, s, g, m.domain);
      if (!r.ok) return { ok: false, stage: "attach", failure: r.failure };
    }
    if (created) {
      this.byKey.set(key, m);
      this.byDomain.set(m.domain, m);
    }
    m.users.add(s);
    return { ok: true, domain: m.domain, created, attached };
  }

  /**
   * Drops `s`'s reference (arm_iommu_detach_device + arm_iommu_release_mapping under the shared
   * policy). Returns the mapping and whether it was freed, or undefined when `s` held none.
   */
  release(s: IommuDev): { readonly domain: IommuDomain; readonly freed: boolean; readonly groupDetached: boolean; readonly usersLeft: number } | undefined {
    const d = s.out.domain;
    const m = d ? this.byDomain.get(d) : undefined;
    if (!m || !m.users.has(s)) return undefined;
    m.users.delete(s);
    s.out.dmaOps = "direct";
    const g = s.out.group;
    let groupDetached = false;
    if (g && g.domain === m.domain) {
      let groupStillUses = false;
      for (const u of m.users) if (u.out.group === g) groupStillUses = true;
      if (!groupStillUses) {
        detachGroup(this.k, m.domain, g);
        groupDetached = true;
      }
    }
    const freed = m.users.size === 0;
    if (freed) freeDomain(this.k, m.domain);
    return { domain: m.domain, freed, groupDetached, usersLeft: m.users.size };
  }

  /** The IOMMU core frees a domain: forget it if it was a shared mapping. */
  forget(d: IommuDomain): void {
    const m = this.byDomain.get(d);
    if (!m) return;
    this.byDomain.delete(d);
    if (this.byKey.get(m.key) === m) this.byKey.delete(m.key);
  }
}

/** What dropping a reference did, for the notes: freed with the last user, or kept for the others. */
export function describeSharedRelease(r: { readonly freed: boolean; readonly usersLeft: number }, groupStillAttached: boolean): string {
  if (r.freed) return "it was the last user: the mapping and its address space are freed";
  return `the mapping stays for ${r.usersLeft} other user${r.usersLeft === 1 ? "" : "s"}${groupStillAttached ? " (its group stays attached while another member holds a reference)" : ""}`;
}
