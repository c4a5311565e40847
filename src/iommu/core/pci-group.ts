// PCI grouping (drivers/iommu/iommu.c pci_device_group and helpers; drivers/pci/search.c
// pci_for_each_dma_alias; drivers/pci/pci.c pci_acs_enabled / pci_acs_path_enabled).
import type { AcsFlag, Device, PciFunction } from "../../graph/index.ts";
import { quirkAcsEnabled } from "../../graph/pci-quirks.ts";

/**
 * The longest chain of upstream bridges: each leads to a higher bus number than its own, and a
 * segment has 256 buses. buildHostBridge only links a function to a bridge on a lower bus, so no
 * chain loops; the walks below still stop here, so that a hand-made topology cannot hang them.
 */
export const MAX_UPSTREAM = 256;

/** The bridges above `f`, nearest first (at most MAX_UPSTREAM, each once). */
function* upstreamOf(f: PciFunction): Generator<PciFunction> {
  let n = 0;
  for (let p = f.upstream; p && p !== f && n < MAX_UPSTREAM; p = p.upstream, n++) yield p;
}

/** REQ_ACS_FLAGS: source validation, request/completion redirect, upstream forwarding. */
export const REQ_ACS_FLAGS: ReadonlySet<AcsFlag> = new Set<AcsFlag>(["SV", "RR", "CR", "UF"]);

/** pci_acs_flags_enabled: flags missing from the capability count as hard-wired (except EC). */
function acsFlagsEnabled(f: PciFunction, req: ReadonlySet<AcsFlag>): boolean {
  if (!f.acs) return false;
  for (const flag of req) {
    if (flag !== "EC" && !f.acs.cap.has(flag)) continue;
    if (!f.acs.ctrl.has(flag)) return false;
  }
  return true;
}

/** pci_acs_enabled(pdev, flags). */
export function pciAcsEnabled(f: PciFunction, req: ReadonlySet<AcsFlag> = REQ_ACS_FLAGS): boolean {
  const q = quirkAcsEnabled({ vendor: f.vendor, device: f.device, pcie: f.pcie, multifunction: f.multifunction, fn: f.fn }, req);
  if (q !== undefined) return q;
  if (f.pcie === null) return false; // conventional PCI never isolates
  switch (f.pcie) {
    case "pci-to-pcie-bridge":
    case "pcie-to-pci-bridge":
    case "rc-event-collector":
      return false;
    case "switch-downstream":
    case "root-port":
      return acsFlagsEnabled(f, req);
    case "endpoint":
    case "switch-upstream":
    case "legacy-endpoint":
    case "rc-integrated-endpoint":
      if (!f.multifunction) return true;
      return acsFlagsEnabled(f, req);
  }
  return true;
}

/** pci_acs_path_enabled(start, NULL, flags): every bridge from `start` up to the root bus. */
export function pciAcsPathEnabled(start: PciFunction, req: ReadonlySet<AcsFlag> = REQ_ACS_FLAGS): boolean {
  if (!pciAcsEnabled(start, req)) return false;
  for (const p of upstreamOf(start)) if (!pciAcsEnabled(p, req)) return false;
  return true;
}

export interface DmaAlias {
  /** The function the alias is attributed to (pdev or an upstream bridge). */
  readonly fn: PciFunction;
  readonly rid: number;
}

/**
 * pci_for_each_dma_alias: the function's own RID, its quirk aliases, then walking up: PCIe-to-PCI
 * bridges alias as (secondary bus, devfn 0), conventional bridges as their own RID; PCIe ports
 * add nothing. Stops early when `visit` returns true.
 */
export function forEachDmaAlias(f: PciFunction, visit: (a: DmaAlias) => boolean): boolean {
  if (visit({ fn: f, rid: f.rid })) return true;
  for (const devfn of f.dmaAliasDevfns) if (visit({ fn: f, rid: (f.bus << 8) | devfn })) return true;
  for (const tmp of upstreamOf(f)) {
    if (tmp.pcie !== null) {
      if (tmp.pcie === "root-port" || tmp.pcie === "switch-upstream" || tmp.pcie === "switch-downstream") continue;
      if (tmp.pcie === "pcie-to-pci-bridge") {
        if (visit({ fn: tmp, rid: ((tmp.secondary ?? 0) << 8) | 0 })) return true;
        continue;
      }
      if (tmp.pcie === "pci-to-pcie-bridge") {
        if (visit({ fn: tmp, rid: tmp.rid })) return true;
        continue;
      }
      continue; // other PCIe types cannot be bridges: nothing to alias
    }
    const rid = tmp.pcieBridgeAlias ? ((tmp.secondary ?? 0) << 8) | 0 : tmp.rid;
    if (visit({ fn: tmp, rid })) return true;
  }
  return false;
}

/** pci_devs_are_dma_aliases: either function's alias mask names the other (same bus). */
function areDmaAliases(a: PciFunction, b: PciFunction): boolean {
  return a.bus === b.bus && (a.dmaAliasDevfns.includes(b.devfn) || b.dmaAliasDevfns.includes(a.devfn));
}

/** What pci_device_group needs from the core: the group a device already has. */
export interface PciGroupLookup<G> {
  groupOf(f: PciFunction): G | undefined;
  /** Functions on one bus (for_each_pci_dev filtered by bus), in enumeration order. */
  functionsOnBus(f: PciFunction): readonly PciFunction[];
}

/**
 * pci_device_group: the group to join, or undefined to allocate a new one. The alias searches
 * recurse as the kernel's do, bounded by the 256-entry devfn bitmap.
 */
export function pciDeviceGroup<G>(f: PciFunction, lookup: PciGroupLookup<G>): G | undefined {
  // 1. Upstream DMA aliases: a function (or bridge) on the way that already has a group.
  let last: PciFunction = f;
  let found: G | undefined;
  forEachDmaAlias(f, (a) => {
    last = a.fn;
    found = lookup.groupOf(a.fn);
    return found !== undefined;
  });
  if (found !== undefined) return found;
  let pdev: PciFunction = last;
  // 2. Up to the first bridge with ACS isolation on the whole path to the root.
  for (const bridge of upstreamOf(pdev)) {
    if (pciAcsPathEnabled(bridge)) break;
    pdev = bridge;
    const g = lookup.groupOf(pdev);
    if (g !== undefined) return g;
  }
  const devfns = new Set<number>();
  // 3. Functions that alias us or that we alias.
  const g3 = aliasGroup(pdev, devfns, lookup);
  if (g3 !== undefined) return g3;
  // 4. Non-isolated functions of the same multifunction slot.
  return functionAliasGroup(pdev, devfns, lookup);
}

function functionAliasGroup<G>(pdev: PciFunction, devfns: Set<number>, lookup: PciGroupLookup<G>): G | undefined {
  if (!pdev.multifunction || pciAcsEnabled(pdev)) return undefined;
  for (const tmp of lookup.functionsOnBus(pdev)) {
    if (tmp === pdev || tmp.slot !== pdev.slot || pciAcsEnabled(tmp)) continue;
    const g = aliasGroup(tmp, devfns, lookup);
    if (g !== undefined) return g;
  }
  return undefined;
}

function aliasGroup<G>(pdev: PciFunction, devfns: Set<number>, lookup: PciGroupLookup<G>): G | undefined {
  if (devfns.has(pdev.devfn)) return undefined;
  devfns.add(pdev.devfn);
  const own = lookup.groupOf(pdev);
  if (own !== undefined) return own;
  for (const tmp of lookup.functionsOnBus(pdev)) {
    if (tmp === pdev || !areDmaAliases(pdev, tmp)) continue;
    const g = aliasGroup(tmp, devfns, lookup) ?? functionAliasGroup(tmp, devfns, lookup);
    if (g !== undefined) return g;
  }
  return undefined;
}

export type { Device };
